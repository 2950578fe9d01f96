import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';
import type { CustodyState } from '../events/custody.js';
import { Batch, batchColumns, custodyColumns, rowToBatch, rowToCustody, StoredBatch } from './batch-row.js';
import type { ShippingEntry } from './shipment.model.js';
import { mintTraceCode } from './trace-code.js';

/**
 * The SHIPPING entry of batch `b` (in transit) by its shipper, the newest: a lateral subquery on `ledger_entry`
 * by idx_ledger_entry_batch. Its columns: seq, event_time (text, ISO), recorded_at.
 */
export const LATEST_SHIPPING =
  `SELECT l.seq, l.payload::jsonb ->> 'eventTime' AS event_time, l.recorded_at FROM ledger_entry l ` +
  `WHERE l.batch_id = b.id AND l.type = 'EVENT_RECORDED' AND l.actor = b.shipped_by_id::text AND l.payload::jsonb ->> 'bizStep' = 'SHIPPING' ` +
  `ORDER BY l.seq DESC LIMIT 1`;

@Injectable()
export class BatchesRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<StoredBatch | null> {
    return (await this.findByIds([id])).get(id) ?? null;
  }

  /** Plain rows through the one batch mapper: a trace reads thousands of batches at once. */
  async findByIds(ids: string[]): Promise<Map<string, StoredBatch>> {
    const { rows } = await this.db.query(`SELECT ${batchColumns('batch')} FROM batch WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((row) => [row.id as string, rowToBatch(row)]));
  }

  /**
   * The SHIPPING entry that put each of these batches in transit, for those still in transit: its newest
   * EVENT_RECORDED entry by the shipper with that step (a custodian records nothing else while its batch is
   * in transit, so no later one of its own can be mistaken for it). By the batch's chain index, newest first.
   */
  async shippingEntries(ids: string[]): Promise<Map<string, ShippingEntry>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query<{ id: string; seq: string; event_time: string | null; recorded_at: Date }>(
      `SELECT b.id, s.seq, s.event_time, s.recorded_at FROM batch b CROSS JOIN LATERAL (${LATEST_SHIPPING}) s
       WHERE b.id = ANY($1::uuid[]) AND b.in_transit_to_id IS NOT NULL`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { seq: Number(r.seq), eventTime: r.event_time ? new Date(r.event_time) : r.recorded_at }]));
  }

  /** The custody state of the given batches, read in the writer's transaction (under the chain-head lock). */
  async custodyInTx(tx: Tx, ids: string[]): Promise<Map<string, CustodyState>> {
    const { rows } = await tx.query<Record<string, unknown>>(`SELECT ${custodyColumns('batch')} FROM batch WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id as string, rowToCustody(r)]));
  }

  /** Who may speak for the batch: its producer and its current custodian. */
  async partiesInTx(tx: Tx, id: string): Promise<{ producerId: string; custodianId: string } | null> {
    const { rows } = await tx.query<{ producer_id: string; custodian_id: string }>('SELECT producer_id, custodian_id FROM batch WHERE id = $1', [id]);
    return rows[0] ? { producerId: rows[0].producer_id, custodianId: rows[0].custodian_id } : null;
  }

  async saveCustodyInTx(tx: Tx, s: CustodyState): Promise<void> {
    await tx.query(
      `UPDATE batch SET custodian_id = $2, status = $3, quantity = $4, in_transit_to_id = $5, in_transit_quantity = $6, shipped_by_id = $7,
              held = $8, recalled = $9
        WHERE id = $1`,
      [s.id, s.custodianId, s.status, s.quantity, s.inTransitToId, s.inTransitQuantity, s.shippedById, s.held, s.recalled],
    );
  }

  async lotCodeTaken(tx: Tx, productId: string, lotCode: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM batch WHERE product_id = $1 AND lot_code = $2', [productId, lotCode])).rowCount === 1;
  }

  /** A fresh trace code no batch has (a collision at 58 bits is unlikely, not impossible). */
  async uniqueTraceCodeInTx(tx: Tx): Promise<string> {
    for (;;) {
      const code = mintTraceCode();
      if ((await tx.query('SELECT 1 FROM batch WHERE trace_code = $1', [code])).rowCount === 0) return code;
    }
  }

  async insert(tx: Tx, b: Batch & { createdSeq: number }): Promise<void> {
    await tx.query(
      `INSERT INTO batch (id, product_id, origin_facility_id, producer_id, custodian_id, lot_code, trace_code, quantity, unit, status, produced_at, created_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [b.id, b.productId, b.originFacilityId, b.producerId, b.custodianId, b.lotCode, b.traceCode, b.quantity, b.unit, b.status, b.producedAt, b.createdSeq],
    );
  }
}
