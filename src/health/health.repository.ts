import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class HealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A round trip on the service's own pool: what every request needs first. */
  async ping(): Promise<true> {
    await this.dataSource.query('SELECT 1');
    return true;
  }
}
