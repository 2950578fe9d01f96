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

  /**
   * With the primary unreachable: the ledger's size as a streaming replica that reads would use has it,
   * or undefined when no replica qualifies (then a read would go to the primary, which is down).
   */
  async replicaLedgerSize(): Promise<number | undefined> {
    if (this.db.replicas.choose() === 'primary') return undefined;
    const { rows } = await this.db.read<{ seq: string }>('SELECT seq FROM ledger_head WHERE id = 1');
    return Number(rows[0].seq);
  }
}
