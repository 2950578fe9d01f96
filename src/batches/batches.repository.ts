import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/database.js';
import type { BatchStatus } from './batch-status.js';
import { mintTraceCode } from './trace-code.js';
import type { CustodyState } from '../events/custody.js';

export interface Batch {
  id: string;
  productId: string;
  originFacilityId: string;
  producerId: string;
  custodianId: string;
  lotCode: string;
  traceCode: string;
  quantity: number;
  unit: string;
  status: BatchStatus;
  producedAt: Date;
}

/** A batch's columns (but created_seq) under BatchEntity's property names. */
const BATCH_COLUMNS = [
  'id',
  'product_id AS "productId"',
  'origin_facility_id AS "originFacilityId"',
  'producer_id AS "producerId"',
  'custodian_id AS "custodianId"',
  'lot_code AS "lotCode"',
  'trace_code AS "traceCode"',
  'quantity',
  'unit',
  'status',
  'produced_at AS "producedAt"',
  'in_transit_to_id AS "inTransitToId"',
  'in_transit_quantity AS "inTransitQuantity"',
  'shipped_by_id AS "shippedById"',
  'reading_count AS "readingCount"',
  'excursion_count AS "excursionCount"',
  'mean_kinetic_temp_c AS "meanKineticTempC"',
  'excursions',
  'held',
  'recalled',
].join(', ');

/** The batch columns a CustodyState is read from, for a query on `table`. */
export const CUSTODY_COLUMNS = (table: string) =>
  ['id', 'custodian_id', 'status', 'quantity', 'unit', 'in_transit_to_id', 'in_transit_quantity', 'shipped_by_id', 'held', 'recalled']
    .map((c) => `${table}.${c}`)
    .join(', ');

export function rowToCustody(r: Record<string, unknown>): CustodyState {
  return {
    id: r.id as string,
    custodianId: r.custodian_id as string,
    status: r.status as BatchStatus,
    quantity: r.quantity as number,
    unit: r.unit as string,
    inTransitToId: (r.in_transit_to_id as string | null) ?? null,
    inTransitQuantity: (r.in_transit_quantity as number | null) ?? null,
    shippedById: (r.shipped_by_id as string | null) ?? null,
    held: r.held as boolean,
    recalled: r.recalled as boolean,
  };
}

@Injectable()
export class BatchesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(id: string): Promise<Batch | null> {
    return (await this.findByIds([id])).get(id) ?? null;
  }

  /** As plain rows: TypeORM's entity hydration of a 10,000-batch trace cost some 100 ms of CPU, this a fraction of that. */
  async findByIds(ids: string[]): Promise<Map<string, Batch>> {
    const rows: Batch[] = await this.dataSource.query(`SELECT ${BATCH_COLUMNS} FROM batch WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((batch) => [batch.id, batch]));
  }

  /** The custody state of the given batches, read in the writer's transaction (under the chain-head lock). */
  async custodyInTx(tx: Tx, ids: string[]): Promise<Map<string, CustodyState>> {
    const { rows } = await tx.query<Record<string, unknown>>(`SELECT ${CUSTODY_COLUMNS('batch')} FROM batch WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id as string, rowToCustody(r)]));
  }

  async saveCustodyInTx(tx: Tx, s: CustodyState): Promise<void> {
    await tx.query(
      `UPDATE batch SET custodian_id = $2, status = $3, quantity = $4, in_transit_to_id = $5, in_transit_quantity = $6, shipped_by_id = $7, held = $8, recalled = $9 WHERE id = $1`,
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
