import { Logger } from '@nestjs/common';
import pg from 'pg';
import { DomainError } from '../common/domain-error.js';
import type { Tx } from '../database/database.js';
import { currentRequestContext, outsideRequestContext } from '../logging/request-context.js';
import { AppendRepository, Connections, GroupStart, HeadMove } from './append.repository.js';
import { ChainCursor, priorKey } from './chain-cursor.js';
import { GroupCommitQueue, Queued } from './group-commit-queue.js';
import { KnownHead } from './known-head.js';
import { EntryDraft, LedgerEntry } from './ledger-entry.js';
import { formatRecordedAt } from './ledger-hash.js';
import { leafHash, MerkleAppender } from './merkle.js';

/** What a command sees while it runs inside its group's transaction, under the chain-head lock. */
export interface AppendContext {
  /** The group's transaction: reads see every earlier command of the group, writes commit with its entries. */
  tx: Tx;
  /** Numbers, links and hashes drafts at the end of the chain; they are inserted when the group commits. */
  append(drafts: EntryDraft[]): Promise<LedgerEntry[]>;
  /** The entry an earlier request with this idempotency key appended, if any. Another request's key is a CONFLICT. */
  prior(idempotencyKey: string, requestHash: string): LedgerEntry | undefined;
  /**
   * Runs `work` so that, if it throws, nothing it did stays and the command may go on: its rows are
   * rolled back to a savepoint and its entries taken off the group's chain (the cursor is reset), so
   * the chain never keeps an entry whose projection rows were undone, nor the reverse.
   */
  attempt<T>(work: () => Promise<T>): Promise<T>;
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

/** The batches one append touched, or 'all' when it may have changed anything. */
export type TouchedBatches = ReadonlySet<string> | 'all';

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

/** A command waiting in the queue. */
interface Request {
  command: LedgerCommand<unknown>;
  /** The HTTP request that asked, named in the group's log lines. */
  requestId: string | undefined;
  /** Run on its own, not together with its neighbours: set when a run together failed in a way that named no command. */
  alone?: boolean;
}

type Pending = Queued<Request>;

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
  private readonly queue: GroupCommitQueue<Request>;
  private readonly appends: AppendRepository;
  private readonly known = new KnownHead();
  private lastRecordedAtMs = 0;
  /** Names savepoints uniquely, so nested attempts never release one another's. */
  private savepoints = 0;
  private readonly committedListeners: ((touched: TouchedBatches) => void)[] = [];

  constructor(database: Connections, options: { maxGroupSize?: number } = {}) {
    this.appends = new AppendRepository(database);
    this.queue = new GroupCommitQueue((group) => this.writeGroup(group), options.maxGroupSize ?? 1000);
  }

  execute<R>(command: LedgerCommand<R>): Promise<R> {
    const request: Request = { command, requestId: currentRequestContext()?.requestId };
    // A group serves many requests: its log lines name them all, not the one that woke the writer.
    return outsideRequestContext(() => this.queue.add<R>(request));
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
    return this.queue.whenIdle();
  }

  /**
   * A command that fails leaves the group; the others are written again without it, so one caller's
   * bad input never costs another caller its append.
   */
  private async writeGroup(group: Pending[]): Promise<void> {
    let rest = refuseMalformed(group);
    while (rest.length > 0) rest = await this.tryGroup(rest);
  }

  /** Writes the group; answers the commands to write again when one of them failed, else []. */
  private async tryGroup(group: Pending[]): Promise<Pending[]> {
    if (this.canWriteOptimistically(group) && (await this.writeOptimistically(group))) return [];
    return this.writeLocked(group);
  }

  private canWriteOptimistically(group: Pending[]): boolean {
    return (
      this.known.head !== null &&
      group.every(
        ({ item: { command } }) =>
          command instanceof PlainAppend && command.idempotencyKeys.length === 0 && command.batchIds.every((id) => this.known.knowsBatch(id)),
      )
    );
  }

  /** True when the group was answered; false when the head had moved and the locked way must run. */
  private async writeOptimistically(group: Pending[]): Promise<boolean> {
    const head = this.known.head!;
    const cursor = new ChainCursor(head.seq, head.hash, this.nextRecordedAt());
    const results = group.map(({ item }) => {
      const command = item.command as PlainAppend;
      for (const id of command.batchIds) if (!cursor.knowsBatch(id)) cursor.batchHeads.set(id, this.known.batchHead(id));
      return cursor.seal(command.actor, command.drafts);
    });
    const tree = this.known.tree();
    let client: pg.PoolClient | undefined;
    try {
      client = await this.appends.connect();
      if (!(await this.appends.insertAndMoveHead(client, headMove(cursor, tree)))) {
        this.known.forget();
        return false;
      }
    } catch (err) {
      this.known.forget();
      // The server refused the statement, so nothing was written: the locked way sorts out which command is at fault.
      if (typeof (err as { code?: unknown }).code === 'string') return false;
      // No answer (a lost connection): the entries may or may not be in. Say so rather than append them twice.
      this.logger.error(`optimistic append of ${group.length} failed: ${(err as Error).message}`, { requestIds: requestIdsOf(group) });
      for (const p of group) p.reject(err);
      return true;
    } finally {
      client?.release();
    }
    this.committed(cursor, tree);
    group.forEach((p, i) => p.resolve(results[i]));
    return true;
  }

  private async writeLocked(group: Pending[]): Promise<Pending[]> {
    let client: pg.PoolClient;
    try {
      client = await this.appends.connect();
    } catch (err) {
      for (const p of group) p.reject(err);
      return [];
    }
    let broken: Error | undefined;
    try {
      const { cursor, tree } = await this.beginGroup(client, group);
      const results = await this.runCommands(client, cursor, group);
      if (cursor.entries.length > 0 && !(await this.appends.insertAndMoveHead(client, headMove(cursor, tree)))) {
        throw new Error('the chain head moved while this group held its lock');
      }
      await this.appends.commit(client);
      this.committed(cursor, tree);
      group.forEach((p, i) => p.resolve(results[i]));
      return [];
    } catch (err) {
      this.known.forget();
      // Whatever failed, the connection goes back to the pool outside any transaction, or not at all.
      broken = await this.appends.rollback(client);
      return this.failed(group, err);
    } finally {
      client.release(broken);
    }
  }

  /** Takes the lock and loads what the group's commands will need: the head, the tree edge, batch heads, idempotency priors. */
  private async beginGroup(client: pg.PoolClient, group: Pending[]): Promise<{ cursor: ChainCursor; tree: MerkleAppender }> {
    const batchIds = [...new Set(group.flatMap(({ item }) => item.command.batchIds ?? []))];
    const start = await this.appends.beginGroup(client, {
      knownSeq: this.known.head?.seq ?? null,
      batchIds: batchIds.filter((id) => !this.known.knowsBatch(id)),
      knownBatchIds: batchIds.filter((id) => this.known.knowsBatch(id)),
      idempotencyKeys: group.flatMap(({ item: { command } }) => (command.idempotencyKeys ?? []).map((key) => ({ actor: command.actor, key }))),
    });
    const cursor = new ChainCursor(start.head.seq, start.head.hash, this.nextRecordedAt());
    for (const [id, hash] of start.batchHeads) cursor.batchHeads.set(id, hash);
    if (!start.moved) for (const id of batchIds) if (!cursor.knowsBatch(id)) cursor.batchHeads.set(id, this.known.batchHead(id));
    for (const prior of start.priors)
      cursor.priors.set(priorKey(prior.entry.actor, prior.idempotencyKey), { entry: prior.entry, requestHash: prior.requestHash });
    return { cursor, tree: start.moved ? treeAt(start) : this.known.tree() };
  }

  /** Runs the group's commands in order, each run of neighbours sharing a runTogether as one; answers their results. */
  private async runCommands(client: pg.PoolClient, cursor: ChainCursor, group: Pending[]): Promise<unknown[]> {
    const results: unknown[] = [];
    for (const run of runsOf(group)) {
      const mark = cursor.mark();
      try {
        const together = run[0].item.command.runTogether;
        if (together && !run[0].item.alone) {
          results.push(...(await together(run.map(({ item: { command } }) => ({ command, ctx: this.contextFor(client, cursor, command.actor) })))));
        } else {
          results.push(await run[0].item.command.run(this.contextFor(client, cursor, run[0].item.command.actor)));
        }
      } catch (err) {
        cursor.reset(mark);
        throw blame(run, err);
      }
    }
    return results;
  }

  private contextFor(client: pg.PoolClient, cursor: ChainCursor, actor: string): AppendContext {
    return {
      tx: client,
      append: async (drafts) => {
        const unknown = [...new Set(drafts.flatMap((d) => (d.batchId && !cursor.knowsBatch(d.batchId) ? [d.batchId] : [])))];
        if (unknown.length > 0) for (const [id, hash] of await this.appends.latestBatchHeads(client, unknown)) cursor.batchHeads.set(id, hash);
        return cursor.seal(actor, drafts);
      },
      prior: (key, requestHash) => cursor.prior(actor, key, requestHash),
      attempt: async (work) => {
        // Batch heads loaded from the database during the work stay known: they are the committed heads, which a rollback to the savepoint does not move.
        const mark = cursor.mark();
        const savepoint = `attempt_${++this.savepoints}`;
        await client.query(`SAVEPOINT ${savepoint}`);
        try {
          const result = await work();
          await client.query(`RELEASE SAVEPOINT ${savepoint}`);
          return result;
        } catch (err) {
          cursor.reset(mark);
          await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
          await client.query(`RELEASE SAVEPOINT ${savepoint}`);
          throw err;
        }
      },
    };
  }

  /** After a failed group: the command at fault is answered and the rest written again, or the whole group fails. */
  private failed(group: Pending[], err: unknown): Pending[] {
    if (err instanceof RunFailed) {
      if (err.runApart) {
        for (const p of err.run) p.item.alone = true;
        return group;
      }
      // Whatever a command throws is its own failure: it alone is answered with it, the rest run again.
      const culprit = err.command;
      if (!isCommandError(err.error)) {
        this.logger.error(`a command failed unexpectedly: ${(err.error as Error)?.message ?? String(err.error)}`, { requestIds: requestIdsOf([culprit]) });
      }
      culprit.reject(err.error);
      return group.filter((p) => p !== culprit);
    }
    if (!(err instanceof DomainError))
      this.logger.error(`append group of ${group.length} failed: ${(err as Error).message}`, { requestIds: requestIdsOf(group) });
    for (const p of group) p.reject(err);
    return [];
  }

  /** After a commit, before callers are answered: the new head is known, and listeners hear which batches changed. */
  private committed(cursor: ChainCursor, tree: MerkleAppender): void {
    this.lastRecordedAtMs = Date.parse(cursor.recordedAt);
    this.known.remember(cursor, tree);
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

/** A run of commands failed: with the error of the command at fault, or (runApart) one to find by running them one by one. */
class RunFailed extends Error {
  constructor(
    readonly error: unknown,
    readonly run: Pending[],
    readonly command: Pending,
    readonly runApart = false,
  ) {
    super((error as Error)?.message ?? String(error));
  }
}

/**
 * Which command of a run an error belongs to. Anything thrown while a command runs (a rule, a bug, a
 * stack overflow on its input, a statement of its own) is that command's: other callers' commands in
 * the group never fail with it.
 */
function blame(run: Pending[], err: unknown): RunFailed {
  if (err instanceof CommandFailed) return new RunFailed(err.error, run, run[err.index]);
  // An error that names no command of several: run them again one by one, which will.
  if (run.length > 1) return new RunFailed(err, run, run[0], true);
  return new RunFailed(err, run, run[0]);
}

/** The move of the head a cursor's entries make, with the tree nodes they complete (the tree grows in the same statement). */
function headMove(cursor: ChainCursor, tree: MerkleAppender): HeadMove {
  return {
    fromSeq: cursor.startSeq,
    to: { seq: cursor.endSeq, hash: cursor.endHash },
    recordedAt: cursor.recordedAt,
    entries: cursor.entries,
    nodes: cursor.entries.flatMap((e) => tree.append(leafHash(Buffer.from(e.entry.hash, 'hex')))),
  };
}

/** The tree's right edge as read with the lock. */
function treeAt(start: GroupStart): MerkleAppender {
  const leaves = start.edge.blockEntryHashes.map((hash) => leafHash(Buffer.from(hash, 'hex')));
  return MerkleAppender.fromEdge(start.head.seq, leaves, start.edge.waiting);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Batch ids go into the group's statements as literals: a command naming one that is not a UUID is refused before. */
function refuseMalformed(group: Pending[]): Pending[] {
  const malformed = group.filter(({ item }) => (item.command.batchIds ?? []).some((id) => !UUID.test(id)));
  for (const p of malformed) p.reject(new DomainError('INVALID_INPUT', 'a batch id is not a UUID'));
  return group.filter((p) => !malformed.includes(p));
}

/** The group in runs: neighbours that share a runTogether (and may run together) form one run; every other command is a run of its own. */
function runsOf(group: Pending[]): Pending[][] {
  const runs: Pending[][] = [];
  for (const p of group) {
    const last = runs.at(-1);
    const together = p.item.alone ? undefined : p.item.command.runTogether;
    if (together && last && !last[0].item.alone && last[0].item.command.runTogether === together) last.push(p);
    else runs.push([p]);
  }
  return runs;
}

function requestIdsOf(group: Pending[]): string[] {
  return group.flatMap(({ item }) => (item.requestId ? [item.requestId] : []));
}

/** Errors a command is expected to throw (its rules, its own writes' constraints); any other is logged as a fault. */
function isCommandError(err: unknown): boolean {
  if (err instanceof DomainError) return true;
  const code = (err as { code?: unknown }).code;
  // SQLSTATE classes 22 (data exception) and 23 (constraint violation) come from one command's writes.
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}
