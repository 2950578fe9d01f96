import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DomainError } from '../common/domain-error.js';
import { EntryDraft, LedgerEntry, sealEntry } from './ledger-entry.js';
import { formatRecordedAt } from './ledger-hash.js';
import { LEDGER_ENTRY_COLUMNS, rowToLedgerEntry } from './ledger-row.js';

/** The part of a pg client commands use for their reads and projection writes. */
export interface Tx {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

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
}

interface Pending {
  command: LedgerCommand<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The one way into the ledger. Concurrent commands queue in the process and are written together:
 * one transaction locks the chain head, runs the group's commands one after another (so each sees
 * the ones before it), inserts every entry with one statement that also moves the head, commits,
 * and then answers every caller. Idle, a group is one command; under load, many share one commit.
 * The lock is in the database, so any number of processes share one ledger safely.
 */
export class LedgerWriter {
  private readonly logger = new Logger('LedgerWriter');
  private queue: Pending[] = [];
  private draining = false;
  private lastRecordedAtMs = 0;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly maxGroupSize = 1000,
  ) {}

  execute<R>(command: LedgerCommand<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ command, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Appends drafts with no projection: what a command that only records facts needs. */
  append(actor: string, drafts: EntryDraft[], batchIds?: readonly string[]): Promise<LedgerEntry[]> {
    return this.execute({
      actor,
      batchIds: batchIds ?? drafts.flatMap((d) => (d.batchId ? [d.batchId] : [])),
      idempotencyKeys: drafts.flatMap((d) => (d.idempotencyKey ? [d.idempotencyKey] : [])),
      run: (ctx) => ctx.append(drafts),
    });
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
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      for (const p of group) p.reject(err);
      return [];
    }
    let failed: Pending | undefined;
    let broken: Error | undefined;
    try {
      const chain = await this.beginGroup(client, group);
      const results: unknown[] = [];
      for (const pending of group) {
        failed = pending;
        const mark = chain.mark();
        try {
          results.push(await pending.command.run(chain.contextFor(client, pending.command.actor)));
        } catch (err) {
          chain.reset(mark);
          throw err;
        }
      }
      failed = undefined;

      if (chain.entries.length > 0) await this.insertAndMoveHead(client, chain);
      await client.query('COMMIT');
      this.lastRecordedAtMs = Date.parse(chain.recordedAt);
      group.forEach((p, i) => p.resolve(results[i]));
      return [];
    } catch (err) {
      // Whatever failed, the connection goes back to the pool outside any transaction, or not at all.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      if (failed && isCommandError(err)) {
        failed.reject(err);
        return group.filter((p) => p !== failed);
      }
      if (!(err instanceof DomainError)) this.logger.error(`append group of ${group.length} failed: ${(err as Error).message}`);
      for (const p of group) p.reject(err);
      return [];
    } finally {
      client.release(broken);
    }
  }

  /**
   * One round trip: BEGIN, lock the chain head, then (as later statements, so they see everything
   * committed before the lock was granted) the last entry of each batch the group names and earlier
   * uses of its idempotency keys. The simple-query protocol carries several statements but no
   * parameters, so the values are inlined as escaped literals; batch ids were checked to be UUIDs.
   */
  private async beginGroup(client: pg.PoolClient, group: Pending[]): Promise<ChainCursor> {
    const batchIds = [...new Set(group.flatMap((p) => p.command.batchIds ?? []))];
    const keyPairs = group.flatMap((p) => (p.command.idempotencyKeys ?? []).map((key) => [p.command.actor, key]));
    const array = (values: string[]) => client.escapeLiteral(`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
    const statements = ['BEGIN', 'SELECT seq, hash FROM ledger_head WHERE id = 1 FOR UPDATE'];
    if (batchIds.length > 0) {
      statements.push(
        `SELECT DISTINCT ON (batch_id) batch_id, hash FROM ledger_entry WHERE batch_id = ANY(${array(batchIds)}::uuid[]) ORDER BY batch_id, seq DESC`,
      );
    }
    if (keyPairs.length > 0) {
      statements.push(
        `SELECT ${LEDGER_ENTRY_COLUMNS}, request_hash, idempotency_key FROM ledger_entry
         WHERE idempotency_key IS NOT NULL
           AND (actor, idempotency_key) IN (SELECT * FROM unnest(${array(keyPairs.map((k) => k[0]))}::text[], ${array(keyPairs.map((k) => k[1]))}::text[]))`,
      );
    }
    const results = (await client.query(statements.join(';\n'))) as unknown as pg.QueryResult[];
    const head = results[1].rows[0] as { seq: string; hash: string };
    const chain = new ChainCursor(Number(head.seq), head.hash, this.nextRecordedAt());
    let next = 2;
    if (batchIds.length > 0) {
      for (const id of batchIds) chain.batchHeads.set(id, null);
      for (const row of results[next++].rows as { batch_id: string; hash: string }[]) chain.batchHeads.set(row.batch_id, row.hash);
    }
    if (keyPairs.length > 0) {
      for (const row of results[next++].rows) {
        const entry = rowToLedgerEntry(row);
        chain.priors.set(priorKey(entry.actor, row.idempotency_key), { entry, requestHash: row.request_hash });
      }
    }
    return chain;
  }

  private async insertAndMoveHead(client: pg.PoolClient, chain: ChainCursor): Promise<void> {
    const e = chain.entries;
    const last = e[e.length - 1];
    // A named statement: parsed and planned once per connection, not on every group.
    const moved = await client.query({
      name: 'ledger-append',
      text: `WITH appended AS (
         INSERT INTO ledger_entry (seq, v, prev_hash, type, batch_id, batch_prev_hash, actor, recorded_at, payload_hash, hash, salt, payload, idempotency_key, request_hash)
         SELECT seq, 1, prev_hash, type, batch_id, batch_prev_hash, actor, $15::timestamptz, payload_hash, hash, decode(salt, 'hex'), payload, idempotency_key, request_hash
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
           AS t(seq, prev_hash, type, batch_id, batch_prev_hash, actor, payload_hash, hash, salt, payload, idempotency_key, request_hash)
         RETURNING seq)
       UPDATE ledger_head SET seq = $13, hash = $14 WHERE id = 1 AND (SELECT count(*) FROM appended) = $16`,
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
        last.entry.seq,
        last.entry.hash,
        chain.recordedAt,
        e.length,
      ],
    });
    if (moved.rowCount !== 1) throw new Error('the chain head did not move with the appended entries');
  }

  private nextRecordedAt(): string {
    // Server time, never before the last group's, so recordedAt does not run backwards along the chain.
    return formatRecordedAt(new Date(Math.max(Date.now(), this.lastRecordedAtMs)));
  }
}

interface SealedEntry {
  entry: LedgerEntry;
  idempotencyKey: string | null;
  requestHash: string | null;
}

/** The group's view of the chain end while it is being built in memory. */
class ChainCursor {
  readonly entries: SealedEntry[] = [];
  readonly batchHeads = new Map<string, string | null>();
  readonly priors = new Map<string, { entry: LedgerEntry; requestHash: string }>();
  private readonly undo: (() => unknown)[] = [];

  constructor(
    private seq: number,
    private hash: string,
    readonly recordedAt: string,
  ) {}

  /** Where to return to if the command about to run fails: its entries and map changes are undone. */
  mark(): { seq: number; hash: string; length: number; undo: number } {
    return { seq: this.seq, hash: this.hash, length: this.entries.length, undo: this.undo.length };
  }

  reset(mark: ReturnType<ChainCursor['mark']>): void {
    this.seq = mark.seq;
    this.hash = mark.hash;
    this.entries.length = mark.length;
    while (this.undo.length > mark.undo) this.undo.pop()!();
  }

  /** Sets a map entry so that reset() can take it back. */
  private setUndoable<V>(map: Map<string, V>, key: string, value: V): void {
    const had = map.has(key);
    const old = map.get(key);
    map.set(key, value);
    this.undo.push(() => (had ? map.set(key, old as V) : map.delete(key)));
  }

  contextFor(client: pg.PoolClient, actor: string): AppendContext {
    return {
      tx: client,
      append: (drafts) => this.append(client, actor, drafts),
      prior: (key, requestHash) => {
        const found = this.priors.get(priorKey(actor, key));
        if (found && found.requestHash !== requestHash) {
          throw new DomainError('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${key}" was already used for a different request (entry ${found.entry.seq})`);
        }
        return found?.entry;
      },
    };
  }

  private async append(client: pg.PoolClient, actor: string, drafts: EntryDraft[]): Promise<LedgerEntry[]> {
    const unknown = [...new Set(drafts.flatMap((d) => (d.batchId && !this.batchHeads.has(d.batchId) ? [d.batchId] : [])))];
    if (unknown.length > 0) {
      const { rows } = await client.query<{ batch_id: string; hash: string }>(
        'SELECT DISTINCT ON (batch_id) batch_id, hash FROM ledger_entry WHERE batch_id = ANY($1::uuid[]) ORDER BY batch_id, seq DESC',
        [unknown],
      );
      for (const id of unknown) this.batchHeads.set(id, null);
      for (const row of rows) this.batchHeads.set(row.batch_id, row.hash);
    }
    return drafts.map((draft) => {
      const entry = sealEntry(draft, {
        seq: this.seq + 1,
        prevHash: this.hash,
        batchPrevHash: draft.batchId ? (this.batchHeads.get(draft.batchId) ?? null) : null,
        actor,
        recordedAt: this.recordedAt,
      });
      this.seq = entry.seq;
      this.hash = entry.hash;
      if (draft.batchId) this.setUndoable(this.batchHeads, draft.batchId, entry.hash);
      if (draft.idempotencyKey) this.setUndoable(this.priors, priorKey(actor, draft.idempotencyKey), { entry, requestHash: draft.requestHash ?? '' });
      this.entries.push({ entry, idempotencyKey: draft.idempotencyKey, requestHash: draft.requestHash });
      return entry;
    });
  }
}

const priorKey = (actor: string, key: string) => `${actor}\u0000${key}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Errors that belong to the command that threw them; anything else (a lost connection) fails the group. */
function isCommandError(err: unknown): boolean {
  if (err instanceof DomainError) return true;
  const code = (err as { code?: unknown }).code;
  // SQLSTATE classes 22 (data exception) and 23 (constraint violation) come from one command's writes.
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
