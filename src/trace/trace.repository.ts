import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

export type TraceDirection = 'UPSTREAM' | 'DOWNSTREAM';

/** A lot of a trace as the streamed export lists it: its own columns and the names of its product, producer and holder. */
export interface TraceLotRow {
  id: string;
  lotCode: string;
  traceCode: string;
  product: string;
  gtin: string | null;
  status: string;
  quantity: number;
  unit: string;
  producedAt: Date;
  producer: string;
  custodian: string;
  held: boolean;
  recalled: boolean;
}

export interface TraceWalk {
  nodes: { id: string; depth: number }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
  truncated: boolean;
}

@Injectable()
export class TraceRepository {
  constructor(private readonly db: Database) {}

  /**
   * Mass balance of every transformation that consumed or made one of these batches: all its inputs
   * and outputs, in the trace or not (a pool's other farms are not downstream of one farm, but their
   * milk is in the balance), from its lines as recorded with its ledger entries, in ledger order.
   *
   * The ids come in through `ids` (unnest) rather than `= ANY($1)`, whose planning cost grows with the
   * array; a UNION of two index joins rather than one OR, which scanned both tables whole.
   */
  async massBalance(batchIds: string[]): Promise<{ transformationId: string; side: 'input' | 'output'; batchId: string; quantity: number; unit: string }[]> {
    const { rows } = await this.db.read<{ transformation_id: string; side: 'input' | 'output'; batch_id: string; quantity: number; unit: string }>(
      `WITH ids AS MATERIALIZED (SELECT unnest($1::uuid[]) AS id),
       touched AS (
         SELECT e.transformation_id FROM ids JOIN lineage_edge e ON e.from_batch_id = ids.id
         UNION
         SELECT e.transformation_id FROM ids JOIN lineage_edge e ON e.to_batch_id = ids.id)
       SELECT l.transformation_id, l.side, l.batch_id, l.quantity, l.unit FROM transformation_line l JOIN touched USING (transformation_id)
       ORDER BY l.seq`,
      [batchIds],
    );
    return rows.map((r) => ({ transformationId: r.transformation_id, side: r.side, batchId: r.batch_id, quantity: r.quantity, unit: r.unit }));
  }

  /**
   * The lineage walk in one statement: batches reached within maxDepth (each at its shortest depth),
   * at most nodeLimit of them (one more tells that the limit was hit), and the edges between them.
   */
  async walk(batchId: string, direction: TraceDirection, maxDepth: number, nodeLimit: number): Promise<TraceWalk> {
    const downstream = direction === 'DOWNSTREAM';
    const { rows } = await this.db.read<{
      nodes: { id: string; depth: number }[];
      edges: { from_batch_id: string; to_batch_id: string; quantity: number | null }[] | null;
    }>(
      `WITH RECURSIVE walk(id, depth) AS (
         SELECT $1::uuid, 0
         UNION
         SELECT ${downstream ? 'e.to_batch_id' : 'e.from_batch_id'}, w.depth + 1
         FROM walk w JOIN lineage_edge e ON ${downstream ? 'e.from_batch_id' : 'e.to_batch_id'} = w.id
         WHERE w.depth < $2),
       nodes AS (SELECT id, min(depth) AS depth FROM walk GROUP BY id ORDER BY min(depth), id LIMIT $3 + 1)
       SELECT (SELECT json_agg(json_build_object('id', id, 'depth', depth) ORDER BY depth, id) FROM nodes) AS nodes,
              (SELECT json_agg(e) FROM (SELECT from_batch_id, to_batch_id, quantity FROM lineage_edge
                 WHERE from_batch_id IN (SELECT id FROM nodes) AND to_batch_id IN (SELECT id FROM nodes)) e) AS edges`,
      [batchId, maxDepth, nodeLimit],
    );
    const nodes = rows[0].nodes;
    return {
      nodes: nodes.slice(0, nodeLimit),
      edges: (rows[0].edges ?? []).map((e) => ({ fromBatchId: e.from_batch_id, toBatchId: e.to_batch_id, quantity: e.quantity })),
      truncated: nodes.length > nodeLimit,
    };
  }

  /** The lots with these ids, in the order given (a chunk of a trace being streamed): one indexed join. */
  async lotRows(ids: string[]): Promise<TraceLotRow[]> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      `SELECT b.id, b.lot_code, b.trace_code, p.name AS product, p.gtin, b.status, b.quantity, b.unit, b.produced_at,
              po.name AS producer, co.name AS custodian, b.held, b.recalled
       FROM unnest($1::uuid[]) WITH ORDINALITY AS ids(id, n)
         JOIN batch b ON b.id = ids.id JOIN product p ON p.id = b.product_id
         JOIN organization po ON po.id = b.producer_id JOIN organization co ON co.id = b.custodian_id
       ORDER BY ids.n`,
      [ids],
    );
    return rows.map((r) => ({
      id: r.id as string,
      lotCode: r.lot_code as string,
      traceCode: r.trace_code as string,
      product: r.product as string,
      gtin: (r.gtin as string | null) ?? null,
      status: r.status as string,
      quantity: Number(r.quantity),
      unit: r.unit as string,
      producedAt: r.produced_at as Date,
      producer: r.producer as string,
      custodian: r.custodian as string,
      held: r.held as boolean,
      recalled: r.recalled as boolean,
    }));
  }
}
