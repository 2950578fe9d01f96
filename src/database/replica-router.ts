import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { currentRequestContext } from '../logging/request-context.js';
import { isDatabaseUnavailable } from './database-unavailable.js';
import { ListeningClient } from './listening-client.js';
import { chooseReader, laterFloor, parseLsn, PrimarySample, ReadFloor, ReplicaReport, ReplicaStatus, reportReplica } from './read-routing.js';

/** How often the primary's WAL position and each replica's replay position are read. */
const POLL_MS = 100;
/** A replica that takes longer than this to say how far it is counts as down. */
const POLL_TIMEOUT_MS = 2000;

interface Replica {
  pool: pg.Pool;
  status: ReplicaStatus;
}

/** What a caller wrote, as far as reads routed for it must know: writes under way, and the floor of the last one to finish. */
interface CallerWrites {
  inFlight: number;
  floor: number;
}

/**
 * Sends reads to streaming replicas when they have what the read must see (read-routing.ts decides),
 * else to the primary; a replica that cannot be reached is marked down and the read runs on the
 * primary, as does one the replica cancelled for a conflict with recovery: the caller never sees a
 * replica's failure.
 *
 * The caller's own writes: a request that writes (a GraphQL mutation, a POST) is "under way" for its
 * caller from the moment it is authenticated until its answer has been written; meanwhile that caller's
 * reads go to the primary, and afterwards until a replica has replayed the first WAL sample taken after
 * it. The caller is the organization (any of its keys) or the admin. This is kept in this process: a
 * caller whose requests are spread over the workers of a cluster has it shared by src/auth/caller-writes.ts.
 */
export class ReplicaRouter {
  private readonly replicas: Replica[];
  /** Oldest first; kept for twice the lag bound, at least the newest. */
  private samples: PrimarySample[] = [];
  private samplesStarted = 0;
  private primaryUp = true;
  private turn = 0;
  private readonly writes = new Map<string, CallerWrites>();
  private readonly floorScope = new AsyncLocalStorage<ReadFloor>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly primary: pg.Pool,
    replicaUrls: readonly string[],
    poolSize: number,
    private readonly maxLagMs: number,
  ) {
    this.replicas = replicaUrls.map((url) => {
      const pool = new pg.Pool({
        connectionString: url,
        max: poolSize,
        Client: ListeningClient,
        // A replica that does not answer soon is skipped: the primary answers instead.
        connectionTimeoutMillis: 2000,
        statement_timeout: 30_000,
        options: '-c jit=off',
      });
      // An idle connection lost (the replica restarted) must not end the process; the next poll marks it down.
      pool.on('error', () => undefined);
      return { pool, status: { up: false, replayLsn: null } };
    });
  }

  get replicaCount(): number {
    return this.replicas.length;
  }

  /** The first poll, then one every POLL_MS: reads use replicas from when the first poll has told how far they are. */
  async start(): Promise<void> {
    if (this.replicas.length === 0) return;
    await this.poll();
    const loop = () => {
      this.timer = setTimeout(() => void this.poll().finally(() => !this.stopped && loop()), POLL_MS).unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(this.replicas.map((r) => r.pool.end().catch(() => undefined)));
  }

  /** A read: on a replica that has what this context must see, else on the primary. */
  async query<R extends pg.QueryResultRow>(sql: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>> {
    const chosen = this.choose();
    if (chosen === 'primary') return this.primary.query<R>(sql as string, params);
    const replica = this.replicas[chosen];
    try {
      return await replica.pool.query<R>(sql as string, params);
    } catch (err) {
      if (isDatabaseUnavailable(err)) replica.status = { up: false, replayLsn: null };
      else if (!isRecoveryConflict(err)) throw err;
      return this.primary.query<R>(sql as string, params);
    }
  }

  /**
   * A read that belongs on the primary (one a decision rests on, such as a key's revocation), except
   * while the primary cannot be reached: then a replica that has replayed everything the primary was
   * last seen to have written answers, and a replica behind that does not.
   */
  async queryPrimaryFirst<R extends pg.QueryResultRow>(sql: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      return await this.primary.query<R>(sql as string, params);
    } catch (err) {
      const lastSeen = this.samples.at(-1);
      if (!isDatabaseUnavailable(err) || !lastSeen) throw err;
      const chosen = await this.withFloor(lastSeen.seq, async () => this.choose());
      if (chosen === 'primary') throw err;
      return this.replicas[chosen].pool.query<R>(sql as string, params);
    }
  }

  /** Where a read in this context would go now: a replica's index or 'primary' (tests and the health answer ask). */
  choose(): number | 'primary' {
    if (this.replicas.length === 0) return 'primary';
    return chooseReader({
      samples: this.samples,
      replicas: this.replicas.map((r) => r.status),
      floor: this.floorHere(),
      maxLagMs: this.maxLagMs,
      now: Date.now(),
      primaryUp: this.primaryUp,
      turn: this.turn++,
    });
  }

  /** Each replica as the last poll found it, in DATABASE_REPLICA_URLS order (never its URL). */
  report(): ReplicaReport[] {
    return this.replicas.map((r) => reportReplica(this.samples, r.status, this.maxLagMs, Date.now()));
  }

  /** A floor for "everything committed before now": the first sample that has not started yet. */
  floorNow(): number {
    return this.samplesStarted + 1;
  }

  /** Runs `work` with its reads on a server that has everything committed before sample `floor` (and what the context asks already). */
  withFloor<T>(floor: ReadFloor, work: () => Promise<T>): Promise<T> {
    if (this.replicas.length === 0) return work();
    return this.floorScope.run(laterFloor(this.floorScope.getStore() ?? 0, floor), work);
  }

  /** A write of `caller` begins: its reads go to the primary until `endWrite`. */
  beginWrite(caller: string): void {
    const writes = this.writes.get(caller) ?? { inFlight: 0, floor: 0 };
    writes.inFlight += 1;
    this.writes.set(caller, writes);
  }

  /** The write has committed (or failed) and its answer is out: reads need a replica past the next sample. */
  endWrite(caller: string): void {
    const writes = this.writes.get(caller);
    if (!writes) return;
    writes.inFlight = Math.max(0, writes.inFlight - 1);
    writes.floor = this.floorNow();
  }

  private floorHere(): ReadFloor {
    const caller = currentRequestContext()?.readerKey;
    const writes = caller === undefined ? undefined : this.writes.get(caller);
    const own: ReadFloor = writes === undefined ? 0 : writes.inFlight > 0 ? 'primary' : writes.floor;
    return laterFloor(own, this.floorScope.getStore() ?? 0);
  }

  private async poll(): Promise<void> {
    const seq = ++this.samplesStarted;
    const startedAt = Date.now();
    const [primary, ...replicas] = await Promise.allSettled([
      this.primary.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn'),
      // A replica that does not answer the poll soon (a host gone silent, not refusing) is down until it does.
      ...this.replicas.map((r) => withinMs(POLL_TIMEOUT_MS, r.pool.query<{ lsn: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS lsn'))),
    ]);
    replicas.forEach((result, i) => {
      const lsn = result.status === 'fulfilled' ? result.value.rows[0].lsn : null;
      this.replicas[i].status = { up: result.status === 'fulfilled', replayLsn: lsn === null ? null : parseLsn(lsn) };
    });
    this.primaryUp = primary.status === 'fulfilled';
    if (primary.status !== 'fulfilled') return; // nothing is forgotten while the primary is away: the lag bound is not checked then
    this.samples.push({ seq, lsn: parseLsn(primary.value.rows[0].lsn), startedAt });
    this.forget(startedAt);
  }

  /**
   * Samples older than twice the lag bound are not needed (a replica that far behind is skipped anyway),
   * nor are callers' floors that every replica within the bound has passed.
   */
  private forget(now: number): void {
    const horizon = now - 2 * this.maxLagMs;
    const keepFrom = this.samples.findIndex((s) => s.startedAt >= horizon);
    this.samples = this.samples.slice(keepFrom === -1 ? this.samples.length - 1 : keepFrom);
    const oldest = this.samples[0]?.seq ?? 0;
    for (const [caller, writes] of this.writes) if (writes.inFlight === 0 && writes.floor < oldest) this.writes.delete(caller);
  }
}

/**
 * A standby cancels a read whose rows replay must remove (SQLSTATE 40001, "conflict with recovery"):
 * the replica's business, not the caller's, so the primary answers instead.
 */
function isRecoveryConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '40001';
}

/** `work`'s result, or a rejection once `ms` have passed without one. */
function withinMs<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
