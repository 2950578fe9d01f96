/**
 * Which server answers a read: pure decisions, with no clock or connection of their own (the router in
 * replica-router.ts feeds them what it polled).
 *
 * The router samples the primary's WAL insert position (pg_current_wal_insert_lsn()) over and over,
 * numbering the samples as they start. A sample started after a commit finished has an LSN at or past
 * that commit's record (the insert position, not the write position pg_current_wal_lsn() gives: with
 * synchronous_commit off a commit returns before its record is written out), so
 * "the first sample started after X" is an LSN floor for X without asking the writer anything. A read
 * that must see something (the caller's own write, a change a cached view must include) carries that
 * sample number as its floor; a replica serves it only once it has replayed that sample's LSN.
 */

/** One reading of the primary's WAL position: `seq` counts samples in the order they started. */
export interface PrimarySample {
  seq: number;
  lsn: bigint;
  /** When the sample was asked for (ms). */
  startedAt: number;
}

export interface ReplicaStatus {
  /** False once a query or poll failed, until a poll answers again. */
  up: boolean;
  /** pg_last_wal_replay_lsn(); null when unknown or when the server is not (any longer) a standby. */
  replayLsn: bigint | null;
}

/**
 * What a read must see: nothing beyond the lag bound (0), everything committed before sample `floor`
 * started, or everything even now ('primary': a write of the caller's is still under way).
 */
export type ReadFloor = number | 'primary';

/** PostgreSQL's text form of an LSN ('16/B374D848') as a number that orders as LSNs do. */
export function parseLsn(text: string): bigint {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`not an LSN: ${JSON.stringify(text)}`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** The stricter of two floors. */
export function laterFloor(a: ReadFloor, b: ReadFloor): ReadFloor {
  if (a === 'primary' || b === 'primary') return 'primary';
  return Math.max(a, b);
}

/**
 * How far a replica is behind: 0 when it has replayed the newest sample, else the age of the oldest
 * sample it has not replayed (the primary was there that long ago and the replica still is not).
 * `samples` are oldest first.
 */
export function replicaLagMs(samples: readonly PrimarySample[], replayLsn: bigint, now: number): number {
  const missing = samples.find((s) => s.lsn > replayLsn);
  return missing ? Math.max(0, now - missing.startedAt) : 0;
}

/** Whether a replica that replayed `replayLsn` has everything a read with `floor` must see. */
export function meetsFloor(samples: readonly PrimarySample[], replayLsn: bigint, floor: ReadFloor): boolean {
  if (floor === 'primary') return false;
  if (floor <= 0) return true;
  // Samples older than the oldest kept one are covered by it (its LSN is later still).
  const sample = samples.find((s) => s.seq >= floor);
  return sample !== undefined && replayLsn >= sample.lsn;
}

/**
 * The replica (its index) that serves a read, or 'primary'. A replica is used when it is up, is a
 * standby, has what the floor asks for and, while the primary answers, lags no more than `maxLagMs`.
 * With the primary down its lag cannot grow any more (nothing new is written): any replica up with
 * what the floor asks for serves. `turn` spreads reads over the replicas that qualify.
 */
export function chooseReader(input: {
  samples: readonly PrimarySample[];
  replicas: readonly ReplicaStatus[];
  floor: ReadFloor;
  maxLagMs: number;
  now: number;
  primaryUp: boolean;
  turn: number;
}): number | 'primary' {
  const { samples, replicas, maxLagMs, now, primaryUp, turn } = input;
  // Before the first sample nothing says how far behind a replica is.
  if (primaryUp && samples.length === 0) return 'primary';
  const floor = primaryUp ? input.floor : reachableFloor(samples, input.floor);
  const usable = replicas.flatMap((replica, index) => {
    if (!replica.up || replica.replayLsn === null) return [];
    if (!meetsFloor(samples, replica.replayLsn, floor)) return [];
    if (primaryUp && replicaLagMs(samples, replica.replayLsn, now) > maxLagMs) return [];
    return [index];
  });
  return usable.length === 0 ? 'primary' : usable[turn % usable.length];
}

/**
 * With the primary down no later sample will be taken, so a floor past the newest one (a change heard,
 * or a write answered, after it started) asks for what the primary was last seen at: no server can be
 * shown to have more, and the alternative is failing every such read until the primary is back.
 */
function reachableFloor(samples: readonly PrimarySample[], floor: ReadFloor): ReadFloor {
  const newest = samples[samples.length - 1];
  return typeof floor === 'number' && newest !== undefined && floor > newest.seq ? newest.seq : floor;
}

/** How a replica stands, for an operator (/health/ready): whether reads may use it and how far behind it is. */
export interface ReplicaReport {
  state: 'usable' | 'lagging' | 'down' | 'not a standby';
  /** Milliseconds behind the primary (replicaLagMs); absent when down or not a standby. */
  lagMs?: number;
}

export function reportReplica(samples: readonly PrimarySample[], replica: ReplicaStatus, maxLagMs: number, now: number): ReplicaReport {
  if (!replica.up) return { state: 'down' };
  if (replica.replayLsn === null) return { state: 'not a standby' };
  const lagMs = replicaLagMs(samples, replica.replayLsn, now);
  return { state: lagMs > maxLagMs ? 'lagging' : 'usable', lagMs };
}
