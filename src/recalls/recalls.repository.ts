import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../ledger/ledger-writer.js';
import type { RecallLevel } from './recall-deadlines.js';

export interface Recall {
  id: string;
  level: RecallLevel;
  reason: string;
  status: 'OPEN' | 'CLOSED';
  initiatedById: string;
  initiatedAt: Date;
}

@Injectable()
export class RecallsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The named batches and every batch made from them, however many transformations away. */
  async scopeInTx(tx: Tx, batchIds: string[]): Promise<string[]> {
    const { rows } = await tx.query<{ id: string }>(
      `WITH RECURSIVE down(id) AS (
         SELECT unnest($1::uuid[])
         UNION
         SELECT e.to_batch_id FROM lineage_edge e JOIN down d ON e.from_batch_id = d.id)
       SELECT id FROM down`,
      [batchIds],
    );
    return rows.map((r) => r.id);
  }

  async producersInTx(tx: Tx, batchIds: string[]): Promise<Map<string, string>> {
    const { rows } = await tx.query<{ id: string; producer_id: string }>('SELECT id, producer_id FROM batch WHERE id = ANY($1::uuid[])', [batchIds]);
    return new Map(rows.map((r) => [r.id, r.producer_id]));
  }

  async insertInTx(tx: Tx, recall: Recall & { createdSeq: number }, batchIds: string[]): Promise<void> {
    await tx.query('INSERT INTO recall (id, level, reason, status, initiated_by_id, initiated_at, created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      recall.id,
      recall.level,
      recall.reason,
      recall.status,
      recall.initiatedById,
      recall.initiatedAt,
      recall.createdSeq,
    ]);
    await tx.query('INSERT INTO recall_batch (recall_id, batch_id) SELECT $1, unnest($2::uuid[])', [recall.id, batchIds]);
  }

  async findById(id: string): Promise<(Recall & { batchIds: string[] }) | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT r.*, array(SELECT batch_id FROM recall_batch WHERE recall_id = r.id) AS batch_ids FROM recall r WHERE r.id = $1`,
      [id],
    );
    const r = rows[0];
    return r ? { ...toRecall(r), batchIds: r.batch_ids as string[] } : null;
  }

  /** Open recalls, newest first, with what consumers need: products, lots and trace codes. */
  async openRecalls(): Promise<(Recall & { products: { name: string; lotCode: string; traceCode: string }[] })[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT r.*, json_agg(json_build_object('name', p.name, 'lotCode', b.lot_code, 'traceCode', b.trace_code) ORDER BY p.name, b.lot_code) AS products
       FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id JOIN batch b ON b.id = rb.batch_id JOIN product p ON p.id = b.product_id
       WHERE r.status = 'OPEN' GROUP BY r.id ORDER BY r.initiated_at DESC LIMIT 200`,
    );
    return rows.map((r) => ({ ...toRecall(r), products: r.products as { name: string; lotCode: string; traceCode: string }[] }));
  }

  /** The newest open recall that reaches this batch: what its page shows. */
  async openRecallOf(batchId: string): Promise<Recall | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT r.* FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id WHERE rb.batch_id = $1 AND r.status = 'OPEN' ORDER BY r.initiated_at DESC LIMIT 1`,
      [batchId],
    );
    return rows[0] ? toRecall(rows[0]) : null;
  }
}

function toRecall(r: Record<string, unknown>): Recall {
  return {
    id: r.id as string,
    level: r.level as RecallLevel,
    reason: r.reason as string,
    status: r.status as 'OPEN' | 'CLOSED',
    initiatedById: r.initiated_by_id as string,
    initiatedAt: r.initiated_at as Date,
  };
}
