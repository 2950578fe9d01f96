import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';
import { Parameters } from '../database/parameters.js';
import type { PageKey } from '../lists/page.js';

/** What an inspections list is narrowed to: every field given must hold. */
export interface InspectionQuery {
  verdict?: 'PASS' | 'FAIL';
  batchId?: string;
  /** Only the inspections this organization recorded (a lab's own). */
  organizationId?: string;
}

export interface InspectionRecord {
  id: string;
  batchId: string;
  organizationId: string;
  agency: string | null;
  standard: string | null;
  verdict: 'PASS' | 'FAIL';
  items: { name: string; value?: number | null; limit?: number | null; unit?: string | null; passed: boolean }[];
  createdSeq: number;
}

@Injectable()
export class InspectionsRepository {
  constructor(private readonly db: Database) {}

  /** Every batch made from this one, however many transformations away (one recursive query). */
  async downstreamIdsInTx(tx: Tx, batchId: string): Promise<string[]> {
    const { rows } = await tx.query<{ id: string }>(
      `WITH RECURSIVE down(id) AS (
         SELECT to_batch_id FROM lineage_edge WHERE from_batch_id = $1
         UNION
         SELECT e.to_batch_id FROM lineage_edge e JOIN down d ON e.from_batch_id = d.id)
       SELECT id FROM down`,
      [batchId],
    );
    return rows.map((r) => r.id);
  }

  async insertInTx(tx: Tx, r: InspectionRecord): Promise<void> {
    await tx.query(
      'INSERT INTO inspection (id, batch_id, organization_id, agency, standard, verdict, items, created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [r.id, r.batchId, r.organizationId, r.agency, r.standard, r.verdict, JSON.stringify(r.items), r.createdSeq],
    );
  }

  async findByBatch(batchId: string): Promise<(InspectionRecord & { recordedAt: Date })[]> {
    return this.findByBatches([batchId]);
  }

  /** The inspections of these batches, oldest first, each with when its ledger entry was recorded. */
  async findByBatches(batchIds: string[]): Promise<(InspectionRecord & { recordedAt: Date })[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM inspection i JOIN ledger_entry l ON l.seq = i.created_seq WHERE i.batch_id = ANY($1::uuid[]) ORDER BY i.created_seq`,
      [batchIds],
    );
    return rows.map(toInspection);
  }

  /**
   * One keyset page of inspections, newest first — (created_seq, id) descending, the indexes of migration
   * 1767600000101 — reading `limit` rows (the caller asks one more than it shows).
   */
  async page(query: InspectionQuery, after: PageKey | null, limit: number): Promise<(InspectionRecord & { recordedAt: Date; pageKey: PageKey })[]> {
    const p = new Parameters();
    const where: string[] = [];
    if (query.verdict) where.push(`i.verdict = ${p.bind(query.verdict, 'text')}`);
    if (query.batchId) where.push(`i.batch_id = ${p.bind(query.batchId, 'uuid')}`);
    if (query.organizationId) where.push(`i.organization_id = ${p.bind(query.organizationId, 'uuid')}`);
    if (after) where.push(`(i.created_seq, i.id) < (${p.bind(after.seq, 'bigint')}, ${p.bind(after.id, 'uuid')})`);
    const { rows } = await this.db.read<Record<string, unknown>>(
      `SELECT ${COLUMNS} FROM inspection i JOIN ledger_entry l ON l.seq = i.created_seq` +
        `${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY i.created_seq DESC, i.id DESC LIMIT ${p.bind(limit, 'int')}`,
      p.values,
    );
    return rows.map((r) => ({ ...toInspection(r), pageKey: { seq: String(r.created_seq), id: r.id as string } }));
  }
}

const COLUMNS = 'i.id, i.batch_id, i.organization_id, i.agency, i.standard, i.verdict, i.items, i.created_seq, l.recorded_at';

function toInspection(r: Record<string, unknown>): InspectionRecord & { recordedAt: Date } {
  return {
    id: r.id as string,
    batchId: r.batch_id as string,
    organizationId: r.organization_id as string,
    agency: (r.agency as string | null) ?? null,
    standard: (r.standard as string | null) ?? null,
    verdict: r.verdict as 'PASS' | 'FAIL',
    items: r.items as InspectionRecord['items'],
    createdSeq: Number(r.created_seq),
    recordedAt: r.recorded_at as Date,
  };
}
