import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../ledger/ledger-writer.js';

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
  constructor(private readonly dataSource: DataSource) {}

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

  async findByBatch(batchId: string): Promise<InspectionRecord[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      'SELECT id, batch_id, organization_id, agency, standard, verdict, items, created_seq FROM inspection WHERE batch_id = $1 ORDER BY created_seq',
      [batchId],
    );
    return rows.map((r) => ({
      id: r.id as string,
      batchId: r.batch_id as string,
      organizationId: r.organization_id as string,
      agency: (r.agency as string | null) ?? null,
      standard: (r.standard as string | null) ?? null,
      verdict: r.verdict as 'PASS' | 'FAIL',
      items: r.items as InspectionRecord['items'],
      createdSeq: Number(r.created_seq),
    }));
  }
}
