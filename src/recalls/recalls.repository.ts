import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';
import type { Blocklist, BlockedLot } from './blocklist.js';
import type { RecallLevel } from './recall-deadlines.js';

export interface Recall {
  id: string;
  level: RecallLevel;
  reason: string;
  status: 'OPEN' | 'CLOSED';
  initiatedById: string;
  initiatedAt: Date;
}

/** What one holder held of a recall's batches (in one unit) and has reported recovered. */
export interface RecallHolding {
  organizationId: string;
  organization: string;
  unit: string;
  affected: number;
  recovered: number;
}

@Injectable()
export class RecallsRepository {
  constructor(private readonly db: Database) {}

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

  /**
   * The organizations that hold serialized units of these batches because a package of them was shipped
   * and received (unit_holder, migration 1766900000101), with the batches of whose units each holds:
   * they hold part of a lot whose custodian is another.
   */
  async unitHoldersInTx(tx: Tx, batchIds: string[]): Promise<Map<string, string[]>> {
    const { rows } = await tx.query<{ custodian_id: string; batch_ids: string[] }>(
      `SELECT h.custodian_id, array_agg(DISTINCT c.batch_id::text ORDER BY c.batch_id::text) AS batch_ids
       FROM unit_commissioning c JOIN unit u ON u.commissioning_id = c.id JOIN unit_holder h ON h.gtin = u.gtin AND h.serial = u.serial
       WHERE c.batch_id = ANY($1::uuid[]) AND c.entry_seq IS NOT NULL GROUP BY h.custodian_id`,
      [batchIds],
    );
    return new Map(rows.map((r) => [r.custodian_id, r.batch_ids]));
  }

  /** Which of these batches this organization holds serialized units of (a package of them received: unit_holder). */
  async batchesWithUnitsHeldBy(organizationId: string, batchIds: string[]): Promise<Set<string>> {
    if (batchIds.length === 0) return new Set();
    const { rows } = await this.db.query<{ batch_id: string }>(
      `SELECT DISTINCT c.batch_id FROM unit_holder h JOIN unit u ON u.gtin = h.gtin AND u.serial = h.serial
         JOIN unit_commissioning c ON c.id = u.commissioning_id AND c.entry_seq IS NOT NULL
       WHERE h.custodian_id = $1 AND c.batch_id = ANY($2::uuid[])`,
      [organizationId, batchIds],
    );
    return new Set(rows.map((r) => r.batch_id));
  }

  async producersInTx(tx: Tx, batchIds: string[]): Promise<Map<string, string>> {
    const { rows } = await tx.query<{ id: string; producer_id: string }>('SELECT id, producer_id FROM batch WHERE id = ANY($1::uuid[])', [batchIds]);
    return new Map(rows.map((r) => [r.id, r.producer_id]));
  }

  async insertInTx(tx: Tx, recall: Recall & { createdSeq: number }, batches: { id: string; quantity: number; unit: string }[]): Promise<void> {
    await tx.query('INSERT INTO recall (id, level, reason, status, initiated_by_id, initiated_at, created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      recall.id,
      recall.level,
      recall.reason,
      recall.status,
      recall.initiatedById,
      recall.initiatedAt,
      recall.createdSeq,
    ]);
    await tx.query('INSERT INTO recall_batch (recall_id, batch_id, affected_quantity, unit) SELECT $1, * FROM unnest($2::uuid[], $3::float8[], $4::text[])', [
      recall.id,
      batches.map((b) => b.id),
      batches.map((b) => b.quantity),
      batches.map((b) => b.unit),
    ]);
  }

  async findById(id: string): Promise<(Recall & { batchIds: string[] }) | null> {
    return (await this.findByIds([id]))[0] ?? null;
  }

  /** The recalls with these ids, each with its batches, in one statement (in no particular order; unknown ids are left out). */
  async findByIds(ids: string[]): Promise<(Recall & { batchIds: string[] })[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT r.*, array(SELECT batch_id FROM recall_batch WHERE recall_id = r.id) AS batch_ids FROM recall r WHERE r.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map((r) => ({ ...toRecall(r), batchIds: r.batch_ids as string[] }));
  }

  async recallBatchInTx(
    tx: Tx,
    recallId: string,
    batchId: string,
  ): Promise<{ status: string; affected: number; unit: string; recovered: number; custodianId: string } | null> {
    const { rows } = await tx.query<{ status: string; affected_quantity: number; unit: string; recovered: number; custodian_id: string }>(
      `SELECT r.status, rb.affected_quantity, rb.unit, b.custodian_id,
              coalesce((SELECT sum(quantity) FROM recall_recovery WHERE recall_id = rb.recall_id AND batch_id = rb.batch_id), 0) AS recovered
       FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id JOIN batch b ON b.id = rb.batch_id WHERE r.id = $1 AND rb.batch_id = $2`,
      [recallId, batchId],
    );
    const r = rows[0];
    return r ? { status: r.status, affected: r.affected_quantity, unit: r.unit, recovered: Number(r.recovered), custodianId: r.custodian_id } : null;
  }

  async insertRecoveryInTx(
    tx: Tx,
    r: { id: string; recallId: string; batchId: string; organizationId: string; quantity: number; disposition: string; createdSeq: number },
  ): Promise<void> {
    await tx.query(
      'INSERT INTO recall_recovery (id, recall_id, batch_id, organization_id, quantity, disposition, created_seq) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [r.id, r.recallId, r.batchId, r.organizationId, r.quantity, r.disposition, r.createdSeq],
    );
  }

  async statusInTx(tx: Tx, recallId: string): Promise<string | null> {
    const { rows } = await tx.query<{ status: string }>('SELECT status FROM recall WHERE id = $1', [recallId]);
    return rows[0]?.status ?? null;
  }

  async closeInTx(tx: Tx, recallId: string, note: string, at: Date): Promise<void> {
    await tx.query(`UPDATE recall SET status = 'CLOSED', closed_at = $2, closing_note = $3 WHERE id = $1`, [recallId, at, note]);
  }

  /**
   * Per recall, per current holder and unit: what its batches held when recalled and what it has
   * reported recovered — for many recalls in one statement (a page of the recalls list). A recall
   * with no batch left has no entry.
   */
  async effectiveness(recallIds: string[]): Promise<Map<string, RecallHolding[]>> {
    const { rows } = await this.db.query<{
      recall_id: string;
      organization_id: string;
      organization: string;
      unit: string;
      affected: number;
      recovered: number;
    }>(
      `SELECT rb.recall_id, b.custodian_id AS organization_id, o.name AS organization, rb.unit, sum(rb.affected_quantity) AS affected,
              coalesce(sum((SELECT sum(quantity) FROM recall_recovery x WHERE x.recall_id = rb.recall_id AND x.batch_id = rb.batch_id)), 0) AS recovered
       FROM recall_batch rb JOIN batch b ON b.id = rb.batch_id JOIN organization o ON o.id = b.custodian_id
       WHERE rb.recall_id = ANY($1::uuid[]) GROUP BY rb.recall_id, b.custodian_id, o.name, rb.unit ORDER BY o.name, b.custodian_id, rb.unit`,
      [recallIds],
    );
    const byRecall = new Map<string, RecallHolding[]>();
    for (const r of rows) {
      const holdings = byRecall.get(r.recall_id) ?? [];
      holdings.push({
        organizationId: r.organization_id,
        organization: r.organization,
        unit: r.unit,
        affected: Number(r.affected),
        recovered: Number(r.recovered),
      });
      byRecall.set(r.recall_id, holdings);
    }
    return byRecall;
  }

  /** Open recalls, newest first, with what consumers need: products, lots and trace codes. */
  async openRecalls(): Promise<(Recall & { products: { name: string; lotCode: string; traceCode: string }[] })[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT r.*, json_agg(json_build_object('name', p.name, 'lotCode', b.lot_code, 'traceCode', b.trace_code) ORDER BY p.name, b.lot_code) AS products
       FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id JOIN batch b ON b.id = rb.batch_id JOIN product p ON p.id = b.product_id
       WHERE r.status = 'OPEN' GROUP BY r.id ORDER BY r.initiated_at DESC LIMIT 200`,
    );
    return rows.map((r) => ({ ...toRecall(r), products: r.products as { name: string; lotCode: string; traceCode: string }[] }));
  }

  /**
   * Every lot in any recall's scope, open or closed (a closed recall's lots stay recalled), with the recall
   * that covers it (an open one before a closed one, then the newest), in GTIN and lot order.
   */
  async blocklist(): Promise<Blocklist> {
    const { rows } = await this.db.read<Record<string, unknown>>(
      `SELECT * FROM (
         SELECT DISTINCT ON (b.id) p.gtin, b.lot_code, p.name AS product_name, b.trace_code,
                r.id AS recall_id, r.level, r.status AS recall_status, r.initiated_at
         FROM recall_batch rb JOIN recall r ON r.id = rb.recall_id JOIN batch b ON b.id = rb.batch_id JOIN product p ON p.id = b.product_id
         ORDER BY b.id, r.status = 'OPEN' DESC, r.initiated_at DESC) lots
       ORDER BY gtin COLLATE "C", lot_code COLLATE "C"`,
    );
    const lots: BlockedLot[] = rows
      .filter((r) => r.gtin !== null)
      .map((r) => ({
        gtin: r.gtin as string,
        lot: r.lot_code as string,
        productName: r.product_name as string,
        traceCode: r.trace_code as string,
        recallId: r.recall_id as string,
        level: r.level as RecallLevel,
        recallStatus: r.recall_status as 'OPEN' | 'CLOSED',
        recalledAt: r.initiated_at as Date,
      }));
    return { lots, lotsWithoutGtin: rows.length - lots.length };
  }

  /** Open recalls reaching any of these batches, oldest first, each with the ones among them it reaches. */
  async openRecallsReaching(batchIds: string[]): Promise<(Recall & { batchIds: string[] })[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT r.*, array_agg(rb.batch_id ORDER BY rb.batch_id) AS batch_ids FROM recall r JOIN recall_batch rb ON rb.recall_id = r.id
       WHERE rb.batch_id = ANY($1::uuid[]) AND r.status = 'OPEN' GROUP BY r.id ORDER BY r.initiated_at, r.id`,
      [batchIds],
    );
    return rows.map((r) => ({ ...toRecall(r), batchIds: r.batch_ids as string[] }));
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
