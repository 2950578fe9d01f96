import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Tx } from '../ledger/ledger-writer.js';
import { BatchEntity } from './batch.entity.js';
import type { BatchStatus } from './batch-status.js';

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

@Injectable()
export class BatchesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findById(id: string): Promise<Batch | null> {
    const found = await this.dataSource.getRepository(BatchEntity).findOne({ where: { id } });
    if (!found) return null;
    const { createdSeq: _seq, ...batch } = found;
    return batch;
  }

  async custodiansInTx(tx: Tx, ids: string[]): Promise<Map<string, string>> {
    const { rows } = await tx.query<{ id: string; custodian_id: string }>('SELECT id, custodian_id FROM batch WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.custodian_id]));
  }

  async lotCodeTaken(tx: Tx, productId: string, lotCode: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM batch WHERE product_id = $1 AND lot_code = $2', [productId, lotCode])).rowCount === 1;
  }

  async traceCodeTaken(tx: Tx, traceCode: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM batch WHERE trace_code = $1', [traceCode])).rowCount === 1;
  }

  async insert(tx: Tx, b: Batch & { createdSeq: number }): Promise<void> {
    await tx.query(
      `INSERT INTO batch (id, product_id, origin_facility_id, producer_id, custodian_id, lot_code, trace_code, quantity, unit, status, produced_at, created_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [b.id, b.productId, b.originFacilityId, b.producerId, b.custodianId, b.lotCode, b.traceCode, b.quantity, b.unit, b.status, b.producedAt, b.createdSeq],
    );
  }
}
