import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

@Injectable()
export class HealthRepository {
  constructor(private readonly db: Database) {}

  /** A round trip on the service's own pool: what every request needs first. */
  async ping(): Promise<true> {
    await this.db.query('SELECT 1');
    return true;
  }
}
