import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DomainError } from '../common/domain-error.js';
import type { Tx } from '../database/database.js';
import { currentRequestContext, outsideRequestContext } from '../logging/request-context.js';
import { ChainCursor, priorKey } from './chain-cursor.js';
import { EntryDraft, LedgerEntry } from './ledger-entry.js';
import { formatRecordedAt } from './ledger-hash.js';
import { LEDGER_ENTRY_COLUMNS, latestBatchHashesSql, rowToLedgerEntry } from './ledger-row.js';
import { leafHash, MerkleAppender, StoredNode, STORED_LEVEL } from './merkle.js';
import type { TouchedBatches } from './ledger-changes.js';


/** What a command sees while it runs inside its group's transaction, under the chain-head lock. */
export interface AppendContext {
  /** The group's transaction: reads see every earlier command of the group, writes commit with its entries. */
  tx: Tx;
  /** Numbers, links and hashes drafts at the end of the chain; they are inserted when the group commits. */
  append(drafts: EntryDraft[]): Promise<LedgerEntry[]>;
  /** The entry an earlier request with this idempotency key appended, if any. Another request's key is a CONFLICT. */
  prior(idempotencyKey: string, requestHash: string): LedgerEntry | undefined;
}

/**
 * A unit of work that enters the ledger: all its entries and projection rows commit together or not at all.
 * `run` reads state, checks rules (throwing DomainError), appends and writes projections, in that order.
 */
export interface LedgerCommand<R> {
  actor: string;
  /** Batches the command appends to, fetched with the group so `append` needs no query of its own. */
  batchIds?: readonly string[];
  idempotencyKeys?: readonly string[];
  run(ctx: AppendContext): Promise<R>;
  /**
   * Runs commands of one kind that are next to each other in a group as one: one read of state for
   * all of them instead of one each, while the group holds the lock. Given the same function, such
   * commands are passed to it together, each with its own context, and it answers each one's result
   * in order. It behaves as running them one after another would: a command that fails is named
   * with CommandFailed, and the group is run again without it.
   */
  runTogether?: RunTogether;
}

export type RunTogether = (runs: { command: LedgerCommand<unknown>; ctx: AppendContext }[]) => Promise<unknown[]>;

/** Thrown by a RunTogether: the command at `index` of its runs failed with `error`. */
export class CommandFailed extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super(`command ${index} of a run together failed: ${(error as Error)?.message ?? String(error)}`);
  }
}

/** Entries to append as they are, with no reads and no projection rows. */
class PlainAppend implements LedgerCommand<LedgerEntry[]> {
  readonly batchIds: string[];
  readonly idempotencyKeys: string[];

  constructor(
    readonly actor: string,
    readonly drafts: EntryDraft[],
  ) {
    this.batchIds = [...new Set(drafts.flatMap((d) => (d.batchId ? [d.batchId] : [])))];
    this.idempotencyKeys = drafts.flatMap((d) => (d.idempotencyKey ? [d.idempotencyKey] : []));
  }

  run(ctx: AppendContext): Promise<LedgerEntry[]> {
    return ctx.append(this.drafts);
  }
}

interface Pending {
  command: LedgerCommand<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** The HTTP request that asked, named in the group's log lines. */
  requestId: string | undefined;
  /** Run on its own, not together with its neighbours: set when a run together failed in a way that named no command. */
  alone?: boolean;
}

/** The chain end as this process last wrote or read it, and the batch heads it knew then. */
interface KnownHead {
  seq: number;
  hash: string;
  batchHeads: Map<string, string | null>;
  /** The right edge of the Merkle tree at `seq` leaves. */
  tree: MerkleAppender;
}

/** Batch heads kept between groups; past this, the oldest are forgotten (and read again when needed). */
const MAX_KNOWN_BATCHES = 100_000;

/**
 * The one way into the ledger. Concurrent commands queue in the process and are written together
 * as a group, then every caller is answered. Idle, a group is one command; under load, many share
 * one commit. Two ways to write a group:
 *
 * - Locked: one transaction locks the chain head, runs the group's commands one after another (so
 *   each sees the ones before it, and may read and write projection rows), inserts every entry with
 *   one statement that also moves the head, and commits.
 * - Optimistic, for groups that only append entries whose batch heads this process knows: the
 *   entries are hashed on the head this process last wrote, and one autocommit statement moves the
 *   head only if it is still there and inserts them. If another process moved it, nothing is written
 *   and the locked way runs instead. One round trip, as cheap as a plain insert.
 *
 * The head row and the unique constraints are in the database, so any number of processes share
 * one ledger safely whichever way each group takes.
 */
export class LedgerWriter {
  private readonly logger = new Logger('LedgerWriter');
  private queue: Pending[] = [];
  private draining = false;
  private lastRecordedAtMs = 0;
  private known: KnownHead | null = null;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  private readonly maxGroupSize: number;
  private readonly maintainTree: boolean;
  private readonly committedListeners: ((touched: TouchedBatches) => void)[] = [];

  /**
   * `maintainTree: false` exists only so the proofs benchmark can measure what the tree costs: a
   * ledger written that way has no Merkle nodes and cannot answer proofs.
   */
  constructor(
    private readonly pool: pg.Pool,
    options: { maxGroupSize?: number; maintainTree?: boolean } = {},
  ) {
    this.maxGroupSize = options.maxGroupSize ?? 1000;
    this.maintainTree = options.maintainTree ?? true;
  }

  execute<R>(command: LedgerCommand<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ command, resolve: resolve as (v: unknown) => void, reject, requestId: currentRequestContext()?.requestId });
      // A group serves many requests: its log lines name them all, not the one that woke the writer.
      if (!this.draining) void outsideRequestContext(() => this.drain());
    });
  }

  /** Appends drafts with no projection: what a command that only records facts needs. */
  append(actor: string, drafts: EntryDraft[]): Promise<LedgerEntry[]> {
    return this.execute(new PlainAppend(actor, drafts));
  }

  /**
   * Calls `listener` after each group commits, before its callers are answered, with the batches it
   * appended to: this process's caches are current when a caller reads after its own write.
   */
  onCommitted(listener: (touched: TouchedBatches) => void): void {
    this.committedListeners.push(listener);
  }

  /** Resolves once every queued command has been answered (graceful shutdown). */
  whenIdle(): Promise<void> {
    return this.draining ? this.idle : Promise.resolve();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    try {
      while (this.queue.length > 0) {
        let group = this.queue.splice(0, this.maxGroupSize);
        // A command that fails leaves the group; the others are run again without it, so one
        // caller's bad input never costs another caller its append.
        while (group.length > 0) group = await this.writeGroup(group);
      }
    } finally {
      this.draining = false;
      this.markIdle();
    }
  }

  /** Writes one group; returns the commands to run again when one of them failed, else []. */
  private async writeGroup(group: Pending[]): Promise<Pending[]> {
    const malformed = group.filter((p) => (p.command.batchIds ?? []).some((id) => !UUID.test(id)));
    if (malformed.length > 0) {
      for (const p of malformed) p.reject(new DomainError('INVALID_INPUT', 'a batch id is not a UUID'));
      return group.filter((p) => !malformed.includes(p));
    }
    if (this.canWriteOptimistically(group) && (await this.writeOptimistically(group))) return [];
    return this.writeLocked(group);
  }

  private canWriteOptimistically(group: Pending[]): boolean {
    const known = this.known;
    return (
      known !== null &&
      group.every(
        (p) => p.command instanceof PlainAppend && p.command.idempotencyKeys.length === 0 && p.command.batchIds.every((id) => known.batchHeads.has(id)),
      )
    );
  }

  /** True when the group was answered; false when the head had moved and the locked way must run. */
  private async writeOptimistically(group: Pending[]): Promise<boolean> {
    const known = this.known!;
    const cursor = new ChainCursor(known.seq, known.hash, this.nextRecordedAt());
    const results = group.map((p) => {
      const command = p.command as PlainAppend;
      for (const id of command.batchIds) if (!cursor.knowsBatch(id)) cursor.batchHeads.set(id, known.batchHeads.get(id)!);
      return cursor.seal(command.actor, command.drafts);
    });
    const tree = known.tree.clone();
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      if (!(await this.insertAndMoveHead(client, cursor, tree))) {
        this.known = null;
        return false;
      }
    } catch (err) {
      this.known = null;
      // The server refused the statement, so nothing was written: the locked way sorts out which command is at fault.
      if (typeof (err as { code?: unknown }).code === 'string') return false;
      // No answer (a lost connection): the entries may or may not be in. Say so rather than append them twice.
      this.logger.error(`optimistic append of ${group.length} failed: ${(err as Error).message}`, { requestIds: requestIdsOf(group) });
      for (const p of group) p.reject(err);
      return true;
    } finally {
      client?.release();
    }
    this.remember(cursor, tree);
    group.forEach((p, i) => p.resolve(results[i]));
    return true;
  }

  private async writeLocked(group: Pending[]): Promise<Pending[]> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      for (const p of group) p.reject(err);
      return [];
    }
    let failed: Pending | undefined;
    let runApart = false;
    let broken: Error | undefined;
    try {
      const { cursor, tree } = await this.beginGroup(client, group);
      const results: unknown[] = [];
      for (const part of runsOf(group)) {
        failed = part[0];
        const mark = cursor.mark();
        try {
          const together = part[0].command.runTogether;
          if (together && !part[0].alone) {
            results.push(...(await together(part.map((p) => ({ command: p.command, ctx: this.contextFor(client, cursor, p.command.actor) })))));
          } else {
            results.push(await part[0].command.run(this.contextFor(client, cursor, part[0].command.actor)));
          }
        } catch (err) {
          cursor.reset(mark);
          if (err instanceof CommandFailed) {
            failed = part[err.index];
            throw err.error;
          }
          // A command's error that names no command of several: run them again one by one, which will.
          if (part.length > 1 && isCommandError(err)) {
            for (const p of part) p.alone = true;
            failed = undefined;
            runApart = true;
          }
          throw err;
        }
      }
      failed = undefined;

      if (cursor.entries.length > 0 && !(await this.insertAndMoveHead(client, cursor, tree))) {
        throw new Error('the chain head moved while this group held its lock');
      }
      await client.query('COMMIT');
      this.remember(cursor, tree);
      group.forEach((p, i) => p.resolve(results[i]));
      return [];
    } catch (err) {
      this.known = null;
      // Whatever failed, the connection goes back to the pool outside any transaction, or not at all.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      if (runApart) return group;
      if (failed && isCommandError(err)) {
        failed.reject(err);
        return group.filter((p) => p !== failed);
      }
      if (!(err instanceof DomainError))
        this.logger.error(`append group of ${group.length} failed: ${(err as Error).message}`, { requestIds: requestIdsOf(group) });
      for (const p of group) p.reject(err);
      return [];
    } finally {
      client.release(broken);
    }
  }

  private contextFor(client: pg.PoolClient, cursor: ChainCursor, actor: string): AppendContext {
    return {
      tx: client,
      append: async (drafts) => {
        const unknown = [...new Set(drafts.flatMap((d) => (d.batchId && !cursor.knowsBatch(d.batchId) ? [d.batchId] : [])))];
        if (unknown.length > 0) {
          const { rows } = await client.query<{ batch_id: string; hash: string }>(latestBatchHashesSql('$1::uuid[]'), [unknown]);
          for (const id of unknown) cursor.batchHeads.set(id, null);
          for (const row of rows) cursor.batchHeads.set(row.batch_id, row.hash);
        }
        return cursor.seal(actor, drafts);
      },
      prior: (key, requestHash) => cursor.prior(actor, key, requestHash),
    };
  }

  /**
   * One round trip: BEGIN, lock the chain head, then (as later statements, so they see everything
   * committed before the lock was granted) the last entry of each batch the group names and earlier
   * uses of its idempotency keys. The simple-query protocol carries several statements but no
   * parameters, so the values are inlined as escaped literals; batch ids were checked to be UUIDs.
   *
   * When the head is still where this process last left it, nobody else has written since, so the
   * tree edge and the batch heads this process knows are still right: those reads are made only if
   * the head moved (a guard in the statements themselves, evaluated under the lock).
   */
  private async beginGroup(client: pg.PoolClient, group: Pending[]): Promise<{ cursor: ChainCursor; tree: MerkleAppender }> {
    const batchIds = [...new Set(group.flatMap((p) => p.command.batchIds ?? []))];
    const keyPairs = group.flatMap((p) => (p.command.idempotencyKeys ?? []).map((key) => [p.command.actor, key]));
    const array = (values: string[]) => client.escapeLiteral(`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
    const known = this.known;
    // True in a statement when the head is not where this process last left it (always, when it knows no head).
    const moved = known ? `NOT EXISTS (SELECT 1 FROM ledger_head WHERE id = 1 AND seq = ${known.seq})` : 'true';
    const cachedIds = known ? batchIds.filter((id) => known.batchHeads.has(id)) : [];
    const otherIds = known ? batchIds.filter((id) => !known.batchHeads.has(id)) : batchIds;
    const statements = [
      'BEGIN',
      'SELECT seq, hash FROM ledger_head WHERE id = 1 FOR UPDATE',
      // The right edge of the tree at the head: the entries of its unfinished block, and the waiting left siblings.
      // The block is read as the last 16 entries by the primary key, backwards: compared with a subquery's
      // value, seq > (…) let the planner pick a scan of the whole ledger (260 ms at a million entries, per group).
      `SELECT hash FROM (SELECT seq, hash FROM ledger_entry ORDER BY seq DESC LIMIT ${2 ** STORED_LEVEL}) tail
       WHERE seq > (SELECT seq - seq % ${2 ** STORED_LEVEL} FROM ledger_head WHERE id = 1) AND ${moved} ORDER BY seq`,
      `SELECT m.level, m.hash FROM ledger_head h CROSS JOIN generate_series(${STORED_LEVEL}, 62) AS l(level)
         JOIN merkle_node m ON m.level = l.level AND m.idx = (h.seq >> l.level) - 1
       WHERE h.id = 1 AND ((h.seq >> l.level) & 1) = 1 AND ${moved}`,
    ];
    if (otherIds.length > 0) statements.push(latestBatchHashesSql(`${array(otherIds)}::uuid[]`));
    if (cachedIds.length > 0) statements.push(`SELECT * FROM (${latestBatchHashesSql(`${array(cachedIds)}::uuid[]`)}) known WHERE ${moved}`);
    if (keyPairs.length > 0) {
      statements.push(
        `SELECT ${LEDGER_ENTRY_COLUMNS}, request_hash, idempotency_key FROM ledger_entry
         WHERE idempotency_key IS NOT NULL
           AND (actor, idempotency_key) IN (SELECT * FROM unnest(${array(keyPairs.map((k) => k[0]))}::text[], ${array(keyPairs.map((k) => k[1]))}::text[]))`,
      );
    }
    const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult[];
    const head = results[1].rows[0] as { seq: string; hash: string };
    const cursor = new ChainCursor(Number(head.seq), head.hash, this.nextRecordedAt());
    const unmoved = known !== null && known.seq === cursor.startSeq;
    const tree = unmoved
      ? known.tree.clone()
      : MerkleAppender.fromEdge(
          cursor.startSeq,
          (results[2].rows as { hash: string }[]).map((r) => leafHash(Buffer.from(r.hash, 'hex'))),
          results[3].rows as { level: number; hash: Buffer }[],
        );
    let next = 4;
    const readHeads = (ids: string[]) => {
      for (const id of ids) cursor.batchHeads.set(id, null);
      for (const row of results[next++].rows as { batch_id: string; hash: string }[]) cursor.batchHeads.set(row.batch_id, row.hash);
    };
    if (otherIds.length > 0) readHeads(otherIds);
    if (cachedIds.length > 0 && known && unmoved) {
      next++; // the guarded read, which read nothing
      for (const id of cachedIds) cursor.batchHeads.set(id, known.batchHeads.get(id)!);
    } else if (cachedIds.length > 0) readHeads(cachedIds);
    if (keyPairs.length > 0) {
      for (const row of results[next++].rows) {
        const entry = rowToLedgerEntry(row);
        cursor.priors.set(priorKey(entry.actor, row.idempotency_key), { entry, requestHash: row.request_hash });
      }
    }
    return { cursor, tree };
  }

  /**
   * Moves the head from where the cursor started to where it ends and inserts the cursor's entries,
   * in one statement; writes nothing and returns false when the head is no longer where it started.
   */
  private async insertAndMoveHead(client: pg.PoolClient, cursor: ChainCursor, tree: MerkleAppender): Promise<boolean> {
    const e = cursor.entries;
    // The tree grows in the same statement: the nodes these entries complete.
    const nodes: StoredNode[] = this.maintainTree ? e.flatMap((x) => tree.append(leafHash(Buffer.from(x.entry.hash, 'hex')))) : [];
    // A named statement: parsed once per connection, not on every group.
    const { rows } = await client.query<{ appended: number }>({
      name: 'ledger-append',
      text: `WITH head AS (
         UPDATE ledger_head SET seq = $13, hash = $14 WHERE id = 1 AND seq = $16 RETURNING id),
       appended AS (
         INSERT INTO ledger_entry (seq, v, prev_hash, type, batch_id, batch_prev_hash, actor, recorded_at, payload_hash, hash, salt, payload, idempotency_key, request_hash)
         SELECT seq, 1, prev_hash, type, batch_id, batch_prev_hash, actor, $15::timestamptz, payload_hash, hash, decode(salt, 'hex'), payload, idempotency_key, request_hash
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
           AS t(seq, prev_hash, type, batch_id, batch_prev_hash, actor, payload_hash, hash, salt, payload, idempotency_key, request_hash)
         WHERE EXISTS (SELECT 1 FROM head)
         RETURNING 1),
       tree AS (
         INSERT INTO merkle_node (level, idx, hash)
         SELECT level, idx, decode(hash, 'hex') FROM unnest($17::smallint[], $18::bigint[], $19::text[]) AS n(level, idx, hash)
         WHERE EXISTS (SELECT 1 FROM head))
       SELECT count(*)::int AS appended FROM appended`,
      values: [
        e.map((x) => x.entry.seq),
        e.map((x) => x.entry.prevHash),
        e.map((x) => x.entry.type),
        e.map((x) => x.entry.batchId),
        e.map((x) => x.entry.batchPrevHash),
        e.map((x) => x.entry.actor),
        e.map((x) => x.entry.payloadHash),
        e.map((x) => x.entry.hash),
        e.map((x) => x.entry.salt),
        e.map((x) => x.entry.payload),
        e.map((x) => x.idempotencyKey),
        e.map((x) => x.requestHash),
        cursor.endSeq,
        cursor.endHash,
        cursor.recordedAt,
        cursor.startSeq,
        nodes.map((n) => n.level),
        nodes.map((n) => n.index),
        nodes.map((n) => n.hash.toString('hex')),
      ],
    });
    if (rows[0].appended === 0) return false;
    if (rows[0].appended !== e.length) throw new Error(`appended ${rows[0].appended} entries of ${e.length}`);
    return true;
  }

  /** After a commit: the new head, and batch heads still valid because nobody else wrote in between. */
  private remember(cursor: ChainCursor, tree: MerkleAppender): void {
    this.lastRecordedAtMs = Date.parse(cursor.recordedAt);
    const batchHeads = this.known?.seq === cursor.startSeq ? this.known.batchHeads : new Map<string, string | null>();
    for (const [id, hash] of cursor.batchHeads) {
      batchHeads.delete(id); // re-inserted last: the Map's order is the order of use
      batchHeads.set(id, hash);
    }
    for (const id of batchHeads.keys()) {
      if (batchHeads.size <= MAX_KNOWN_BATCHES) break;
      batchHeads.delete(id);
    }
    this.known = { seq: cursor.endSeq, hash: cursor.endHash, batchHeads, tree };
    if (this.committedListeners.length > 0 && cursor.entries.length > 0) {
      const ids = cursor.entries.map((e) => e.entry.batchId);
      const touched: TouchedBatches = ids.includes(null) ? 'all' : new Set(ids as string[]);
      for (const listener of this.committedListeners) listener(touched);
    }
  }

  private nextRecordedAt(): string {
    // Server time, never before the last group's, so recordedAt does not run backwards along the chain.
    return formatRecordedAt(new Date(Math.max(Date.now(), this.lastRecordedAtMs)));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The group in runs: neighbours that share a runTogether (and may run together) form one run; every other command is a run of its own. */
function runsOf(group: Pending[]): Pending[][] {
  const runs: Pending[][] = [];
  for (const p of group) {
    const last = runs.at(-1);
    const together = p.alone ? undefined : p.command.runTogether;
    if (together && last && !last[0].alone && last[0].command.runTogether === together) last.push(p);
    else runs.push([p]);
  }
  return runs;
}

function requestIdsOf(group: Pending[]): string[] {
  return group.flatMap((p) => (p.requestId ? [p.requestId] : []));
}

/** Errors that belong to the command that threw them; anything else (a lost connection) fails the group. */
function isCommandError(err: unknown): boolean {
  if (err instanceof DomainError) return true;
  const code = (err as { code?: unknown }).code;
  // SQLSTATE classes 22 (data exception) and 23 (constraint violation) come from one command's writes.
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
