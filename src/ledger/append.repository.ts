import pg from 'pg';
import type { Database, Tx } from '../database/database.js';
import { Parameters } from '../database/parameters.js';
import { StatementBatch, textArray } from '../database/statement-batch.js';
import type { SealedEntry } from './chain-cursor.js';
import { LedgerEntry } from './ledger-entry.js';
import { LEDGER_ENTRY_COLUMNS, latestBatchHashesSql, rowToLedgerEntry } from './ledger-row.js';
import { STORED_LEVEL, StoredNode } from './merkle.js';

/** What the writer needs of the database: a connection of its own for each group. */
export type Connections = Pick<Database, 'connect'>;

/** What a group asks to read when it takes the lock. */
export interface GroupStartRequest {
  /** The head's seq as this process last left it; null when it knows none. */
  knownSeq: number | null;
  /** Batches whose heads this process does not know: always read. */
  batchIds: readonly string[];
  /** Batches whose heads it knows: read only if the head moved. */
  knownBatchIds: readonly string[];
  idempotencyKeys: readonly { actor: string; key: string }[];
}

/** What a group reads once it holds the lock on the chain head. */
export interface GroupStart {
  head: { seq: number; hash: string };
  /** False when the head is still at `knownSeq`: nobody wrote since, so what this process knows is current and was not read again. */
  moved: boolean;
  /** The tree's right edge at the head (read only when it moved): the entry hashes of its unfinished block, and the waiting left siblings. */
  edge: { blockEntryHashes: string[]; waiting: { level: number; hash: Buffer }[] };
  /** The head of each batch read (null: no entry yet): all of `batchIds`, and `knownBatchIds` when the head moved. */
  batchHeads: Map<string, string | null>;
  /** Entries appended earlier under the group's idempotency keys. */
  priors: { entry: LedgerEntry; idempotencyKey: string; requestHash: string }[];
}

/** One group's entries: move the head from `fromSeq` to `to` and insert them, with the tree nodes they complete. */
export interface HeadMove {
  fromSeq: number;
  to: { seq: number; hash: string };
  recordedAt: string;
  entries: readonly SealedEntry[];
  nodes: readonly StoredNode[];
}

/** The entries of the last unfinished block of the tree, read back to rebuild its right edge. */
const BLOCK = 2 ** STORED_LEVEL;

/** Every statement of the ledger's write path: the group's lock and reads, the batch-head read, the insert. */
export class AppendRepository {
  constructor(private readonly database: Connections) {}

  /** A connection for one group: its transaction, or the optimistic path's one statement. */
  connect(): Promise<pg.PoolClient> {
    return this.database.connect();
  }

  /**
   * One round trip: BEGIN, lock the chain head, then (as later statements, so they see everything
   * committed before the lock was granted) the tree's right edge, the last entry of each batch the
   * group names, and earlier uses of its idempotency keys. The simple-query protocol carries several
   * statements but no parameters, so values are inlined as escaped literals; batch ids must be UUIDs.
   *
   * When the head is still where this process last left it, nobody else has written since, so the
   * tree edge and the batch heads it knows are still right: those reads are made only if the head
   * moved (a guard in the statements themselves, evaluated under the lock).
   */
  async beginGroup(client: Tx, request: GroupStartRequest): Promise<GroupStart> {
    // True in a statement when the head is not where this process last left it (always, when it knows no head).
    const moved = request.knownSeq === null ? 'true' : `NOT EXISTS (SELECT 1 FROM ledger_head WHERE id = 1 AND seq = ${Number(request.knownSeq)})`;
    const batch = new StatementBatch();
    batch.add('BEGIN');
    const head = batch.add<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger_head WHERE id = 1 FOR UPDATE');
    // The block is read as the last 16 entries by the primary key, backwards: a comparison with a
    // subquery's value (seq > (…)) lets the planner choose a scan of the whole ledger.
    const block = batch.add<{ hash: string }>(
      `SELECT hash FROM (SELECT seq, hash FROM ledger_entry ORDER BY seq DESC LIMIT ${BLOCK}) tail
       WHERE seq > (SELECT seq - seq % ${BLOCK} FROM ledger_head WHERE id = 1) AND ${moved} ORDER BY seq`,
    );
    const waiting = batch.add<{ level: number; hash: Buffer }>(
      `SELECT m.level, m.hash FROM ledger_head h CROSS JOIN generate_series(${STORED_LEVEL}, 62) AS l(level)
         JOIN merkle_node m ON m.level = l.level AND m.idx = (h.seq >> l.level) - 1
       WHERE h.id = 1 AND ((h.seq >> l.level) & 1) = 1 AND ${moved}`,
    );
    const heads = request.batchIds.length > 0 ? batch.add<BatchHeadRow>(latestBatchHashesSql(`${textArray(request.batchIds)}::uuid[]`)) : null;
    const knownHeads =
      request.knownBatchIds.length > 0
        ? batch.add<BatchHeadRow>(`SELECT * FROM (${latestBatchHashesSql(`${textArray(request.knownBatchIds)}::uuid[]`)}) known WHERE ${moved}`)
        : null;
    const keys = request.idempotencyKeys;
    const priors =
      keys.length > 0
        ? batch.add<PriorRow>(
            `SELECT ${LEDGER_ENTRY_COLUMNS}, request_hash, idempotency_key FROM ledger_entry
             WHERE idempotency_key IS NOT NULL
               AND (actor, idempotency_key) IN
                   (SELECT * FROM unnest(${textArray(keys.map((k) => k.actor))}::text[], ${textArray(keys.map((k) => k.key))}::text[]))`,
          )
        : null;

    const results = await batch.run(client);
    const [headRow] = results.rows(head);
    const start: GroupStart = {
      head: { seq: Number(headRow.seq), hash: headRow.hash },
      moved: request.knownSeq === null || Number(headRow.seq) !== request.knownSeq,
      edge: { blockEntryHashes: results.rows(block).map((r) => r.hash), waiting: results.rows(waiting) },
      batchHeads: new Map(),
      priors: (priors ? results.rows(priors) : []).map((row) => ({
        entry: rowToLedgerEntry(row),
        idempotencyKey: row.idempotency_key,
        requestHash: row.request_hash,
      })),
    };
    if (heads) addBatchHeads(start.batchHeads, request.batchIds, results.rows(heads));
    if (knownHeads && start.moved) addBatchHeads(start.batchHeads, request.knownBatchIds, results.rows(knownHeads));
    return start;
  }

  /** The head of each batch (null: no entry yet), for batches a command appends to that its group did not name. */
  async latestBatchHeads(tx: Tx, batchIds: readonly string[]): Promise<Map<string, string | null>> {
    const { rows } = await tx.query<BatchHeadRow>(latestBatchHashesSql('$1::uuid[]'), [batchIds]);
    return addBatchHeads(new Map(), batchIds, rows);
  }

  /**
   * Moves the head and inserts the entries and tree nodes, in one statement; writes nothing and
   * answers false when the head is no longer at `move.fromSeq`.
   */
  async insertAndMoveHead(tx: Tx, move: HeadMove): Promise<boolean> {
    const { rows } = await tx.query<{ appended: number }>(appendStatement(move));
    if (rows[0].appended === 0) return false;
    if (rows[0].appended !== move.entries.length) throw new Error(`appended ${rows[0].appended} entries of ${move.entries.length}`);
    return true;
  }

  async commit(client: Tx): Promise<void> {
    await client.query('COMMIT');
  }

  /** Rolls the group back; answers the error when that failed too (the connection must then be dropped, not reused). */
  async rollback(client: Tx): Promise<Error | undefined> {
    return client.query('ROLLBACK').then(
      () => undefined,
      (err: Error) => err,
    );
  }
}

interface BatchHeadRow {
  batch_id: string;
  hash: string;
}

type PriorRow = Record<string, unknown> & { idempotency_key: string; request_hash: string };

function addBatchHeads(heads: Map<string, string | null>, batchIds: readonly string[], rows: BatchHeadRow[]): Map<string, string | null> {
  for (const id of batchIds) heads.set(id, null);
  for (const row of rows) heads.set(row.batch_id, row.hash);
  return heads;
}

/** The insert as one named statement: parsed once per connection, not on every group; the same text whatever the group. */
function appendStatement(move: HeadMove): pg.QueryConfig {
  const p = new Parameters();
  const head = `UPDATE ledger_head SET seq = ${p.bind(move.to.seq, 'bigint')}, hash = ${p.bind(move.to.hash, 'text')}
         WHERE id = 1 AND seq = ${p.bind(move.fromSeq, 'bigint')} RETURNING id`;
  const recordedAt = p.bind(move.recordedAt, 'timestamptz');
  const entries = p.unnest('t', move.entries, {
    seq: ['bigint', (e) => e.entry.seq],
    prev_hash: ['text', (e) => e.entry.prevHash],
    type: ['text', (e) => e.entry.type],
    batch_id: ['uuid', (e) => e.entry.batchId],
    batch_prev_hash: ['text', (e) => e.entry.batchPrevHash],
    actor: ['text', (e) => e.entry.actor],
    payload_hash: ['text', (e) => e.entry.payloadHash],
    hash: ['text', (e) => e.entry.hash],
    salt: ['text', (e) => e.entry.salt],
    payload: ['text', (e) => e.entry.payload],
    v: ['smallint', (e) => e.entry.v],
    // An array literal per entry (unnest cannot take an array of arrays of different lengths).
    payload_member_ends: ['text', (e) => (e.payloadMemberEnds === null ? null : `{${e.payloadMemberEnds.join(',')}}`)],
    idempotency_key: ['text', (e) => e.idempotencyKey],
    request_hash: ['text', (e) => e.requestHash],
  });
  const nodes = p.unnest('n', move.nodes, {
    level: ['smallint', (n) => n.level],
    idx: ['bigint', (n) => n.index],
    hash: ['text', (n) => n.hash.toString('hex')],
  });
  return {
    name: 'ledger-append',
    text: `WITH head AS (
         ${head}),
       appended AS (
         INSERT INTO ledger_entry (seq, v, prev_hash, type, batch_id, batch_prev_hash, actor, recorded_at, payload_hash, hash, salt, payload,
                                   payload_member_ends, idempotency_key, request_hash)
         SELECT seq, v, prev_hash, type, batch_id, batch_prev_hash, actor, ${recordedAt}, payload_hash, hash, decode(salt, 'hex'), payload,
                payload_member_ends::integer[], idempotency_key, request_hash
         FROM ${entries}
         WHERE EXISTS (SELECT 1 FROM head)
         RETURNING 1),
       tree AS (
         INSERT INTO merkle_node (level, idx, hash)
         SELECT level, idx, decode(hash, 'hex') FROM ${nodes}
         WHERE EXISTS (SELECT 1 FROM head))
       SELECT count(*)::int AS appended FROM appended`,
    values: p.values,
  };
}
