import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerEntry } from './ledger-entry.js';
import { LEDGER_ENTRY_COLUMNS, latestBatchHashesSql, ledgerEntryColumns, rowToLedgerEntry } from './ledger-row.js';

@Injectable()
export class LedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  async head(): Promise<{ size: number; hash: string }> {
    const rows: { seq: string; hash: string }[] = await this.dataSource.query('SELECT seq, hash FROM ledger_head WHERE id = 1');
    return { size: Number(rows[0].seq), hash: rows[0].hash };
  }

  /**
   * The entries with afterSeq < seq ≤ min(afterSeq + count, toSeq), in order: a window of seq
   * numbers rather than a LIMIT, because seq is gapless and a window's plan is a short index range
   * whatever the planner's statistics say (on a freshly filled table a LIMIT query sorted the rest).
   */
  async findRange(afterSeq: number, toSeq: number, count: number): Promise<LedgerEntry[]> {
    const rows = await this.dataSource.query(
      `SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry WHERE seq > $1 AND seq <= $2 ORDER BY seq`,
      [afterSeq, Math.min(afterSeq + count, toSeq)],
    );
    return rows.map((row: Record<string, unknown>) => rowToLedgerEntry(row));
  }

  async findBySeq(seq: number): Promise<LedgerEntry | null> {
    const rows = await this.dataSource.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry WHERE seq = $1`, [seq]);
    return rows[0] ? rowToLedgerEntry(rows[0]) : null;
  }

  async findByBatch(batchId: string): Promise<LedgerEntry[]> {
    const rows = await this.dataSource.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry WHERE batch_id = $1 ORDER BY seq`, [batchId]);
    return rows.map((row: Record<string, unknown>) => rowToLedgerEntry(row));
  }

  /** A batch's entries, each with the ledger entry just before it (null when that one is missing). */
  async findByBatchWithPrevious(batchId: string): Promise<{ entry: LedgerEntry; previous: LedgerEntry | null }[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${ledgerEntryColumns('e')}, ${ledgerEntryColumns('p', 'p_')}
       FROM ledger_entry e LEFT JOIN ledger_entry p ON p.seq = e.seq - 1
       WHERE e.batch_id = $1 ORDER BY e.seq`,
      [batchId],
    );
    return rows.map((row) => ({ entry: rowToLedgerEntry(row), previous: row.p_seq === null ? null : rowToLedgerEntry(row, 'p_') }));
  }

  /** The latest entry hash of each batch before `beforeSeq`: where a range verification picks up batch links. */
  async batchHeadsBefore(batchIds: string[], beforeSeq: number): Promise<Map<string, string>> {
    const rows: { batch_id: string; hash: string }[] = await this.dataSource.query(
      latestBatchHashesSql('$1::uuid[]', '$2'),
      [batchIds, beforeSeq],
    );
    return new Map(rows.map((r) => [r.batch_id, r.hash]));
  }
}
