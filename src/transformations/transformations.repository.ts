import { Injectable } from '@nestjs/common';
import { custodyColumns, rowToCustody } from '../batches/batch-row.js';
import type { Tx } from '../database/database.js';
import { InputBatch, OutputProduct } from './transformation-plan.js';

@Injectable()
export class TransformationsRepository {
  async inputBatchesInTx(tx: Tx, ids: string[]): Promise<Map<string, InputBatch>> {
    const { rows } = await tx.query<Record<string, unknown>>(
      `SELECT ${custodyColumns('b')}, p.geographic_indication FROM batch b JOIN product p ON p.id = b.product_id WHERE b.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id as string, { ...rowToCustody(r), geographicIndication: (r.geographic_indication as string | null) ?? null }]));
  }

  async productsInTx(tx: Tx, ids: string[]): Promise<Map<string, OutputProduct>> {
    const { rows } = await tx.query<{ id: string; organization_id: string; name: string; gtin: string | null; geographic_indication: string | null }>(
      'SELECT id, organization_id, name, gtin, geographic_indication FROM product WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(
      rows.map((r) => [r.id, { id: r.id, organizationId: r.organization_id, name: r.name, gtin: r.gtin, geographicIndication: r.geographic_indication }]),
    );
  }

  async insert(
    tx: Tx,
    t: { id: string; organizationId: string; facilityId: string; eventTime: Date; createdSeq: number },
    edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[],
    lines: { seq: number; side: 'input' | 'output'; batchId: string; quantity: number; unit: string }[],
  ): Promise<void> {
    await tx.query('INSERT INTO transformation (id, organization_id, facility_id, event_time, created_seq) VALUES ($1, $2, $3, $4, $5)', [
      t.id,
      t.organizationId,
      t.facilityId,
      t.eventTime,
      t.createdSeq,
    ]);
    await tx.query(
      `INSERT INTO lineage_edge (transformation_id, from_batch_id, to_batch_id, quantity)
       SELECT $1, f, t, q FROM unnest($2::uuid[], $3::uuid[], $4::float8[]) AS e(f, t, q)`,
      [t.id, edges.map((e) => e.fromBatchId), edges.map((e) => e.toBatchId), edges.map((e) => e.quantity)],
    );
    await tx.query(
      `INSERT INTO transformation_line (seq, transformation_id, side, batch_id, quantity, unit)
       SELECT s, $1, side, b, q, u FROM unnest($2::bigint[], $3::text[], $4::uuid[], $5::float8[], $6::text[]) AS l(s, side, b, q, u)`,
      [t.id, lines.map((l) => l.seq), lines.map((l) => l.side), lines.map((l) => l.batchId), lines.map((l) => l.quantity), lines.map((l) => l.unit)],
    );
  }
}
