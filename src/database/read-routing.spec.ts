import { describe, expect, it } from '@jest/globals';
import { chooseReader, laterFloor, meetsFloor, parseLsn, PrimarySample, replicaLagMs, reportReplica } from './read-routing.js';

/** The primary sampled at seq 1..3, 100 ms apart, at LSNs 100, 200, 300. */
const samples: PrimarySample[] = [
  { seq: 1, lsn: 100n, startedAt: 1000 },
  { seq: 2, lsn: 200n, startedAt: 1100 },
  { seq: 3, lsn: 300n, startedAt: 1200 },
];
const base = { samples, floor: 0, maxLagMs: 500, now: 1300, primaryUp: true, turn: 0 } as const;
const replica = (replayLsn: bigint | null, up = true) => ({ up, replayLsn });

describe('parseLsn', () => {
  it('orders LSNs as PostgreSQL does, across the high word', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('1/0')).toBeGreaterThan(parseLsn('0/FFFFFFFF'));
    expect(() => parseLsn('16B3748')).toThrow('not an LSN');
  });
});

describe('replicaLagMs', () => {
  it('is 0 once the newest sample is replayed, else the age of the oldest sample not replayed', () => {
    expect(replicaLagMs(samples, 300n, 1300)).toBe(0);
    expect(replicaLagMs(samples, 250n, 1300)).toBe(100);
    expect(replicaLagMs(samples, 50n, 1300)).toBe(300);
  });
});

describe('meetsFloor', () => {
  it('asks for the LSN of the first sample started at or after the floor', () => {
    expect(meetsFloor(samples, 0n, 0)).toBe(true);
    expect(meetsFloor(samples, 199n, 2)).toBe(false);
    expect(meetsFloor(samples, 200n, 2)).toBe(true);
    // A floor older than the samples kept is covered by the oldest kept.
    expect(meetsFloor(samples.slice(1), 200n, 1)).toBe(true);
    expect(meetsFloor(samples.slice(1), 150n, 1)).toBe(false);
  });

  it('is never met by a sample not taken yet, nor by a write under way', () => {
    expect(meetsFloor(samples, 10_000n, 4)).toBe(false);
    expect(meetsFloor(samples, 10_000n, 'primary')).toBe(false);
  });
});

describe('laterFloor', () => {
  it('keeps the stricter floor', () => {
    expect(laterFloor(0, 3)).toBe(3);
    expect(laterFloor(5, 3)).toBe(5);
    expect(laterFloor(5, 'primary')).toBe('primary');
  });
});

describe('chooseReader', () => {
  it('reads from a replica within the lag bound, spreading reads over those that qualify', () => {
    expect(chooseReader({ ...base, replicas: [replica(300n)] })).toBe(0);
    const two = [replica(300n), replica(250n)];
    expect([0, 1, 2, 3].map((turn) => chooseReader({ ...base, replicas: two, turn }))).toEqual([0, 1, 0, 1]);
  });

  it('skips a replica that is down, not a standby, or lagging past the bound', () => {
    expect(chooseReader({ ...base, replicas: [replica(300n, false)] })).toBe('primary');
    expect(chooseReader({ ...base, replicas: [replica(null)] })).toBe('primary');
    expect(chooseReader({ ...base, replicas: [replica(50n)], maxLagMs: 200 })).toBe('primary');
    expect(chooseReader({ ...base, replicas: [replica(50n), replica(300n)], maxLagMs: 200 })).toBe(1);
  });

  it("serves the caller's own write from a replica only once it has replayed past it", () => {
    // The write finished while sample 3 had not started: sample 3's LSN covers it.
    expect(chooseReader({ ...base, replicas: [replica(250n)], floor: 3 })).toBe('primary');
    expect(chooseReader({ ...base, replicas: [replica(300n)], floor: 3 })).toBe(0);
    expect(chooseReader({ ...base, replicas: [replica(300n)], floor: 4 })).toBe('primary');
    expect(chooseReader({ ...base, replicas: [replica(300n)], floor: 'primary' })).toBe('primary');
  });

  it('with the primary down, reads on from a replica however long ago it was sampled, floors still holding', () => {
    const later = { ...base, now: 60_000, primaryUp: false };
    expect(chooseReader({ ...later, replicas: [replica(250n)] })).toBe(0);
    expect(chooseReader({ ...later, replicas: [replica(250n)], floor: 3 })).toBe('primary');
    expect(chooseReader({ ...later, replicas: [replica(250n, false)] })).toBe('primary');
  });

  it('with the primary down, takes a floor no sample will reach as the newest sample: what the primary was last seen at', () => {
    const down = { ...base, primaryUp: false };
    // Sample 4 will never be taken: a replica that replayed sample 3 has all anyone can have.
    expect(chooseReader({ ...down, replicas: [replica(300n)], floor: 4 })).toBe(0);
    expect(chooseReader({ ...down, replicas: [replica(250n)], floor: 4 })).toBe('primary');
    // With the primary up the same floor waits for sample 4.
    expect(chooseReader({ ...base, replicas: [replica(300n)], floor: 4 })).toBe('primary');
    // A write under way still needs the primary.
    expect(chooseReader({ ...down, replicas: [replica(300n)], floor: 'primary' })).toBe('primary');
  });

  it('uses the primary before the first sample says how far replicas are', () => {
    expect(chooseReader({ ...base, samples: [], replicas: [replica(300n)] })).toBe('primary');
  });
});

describe('reportReplica', () => {
  it('says whether reads may use a replica and how far behind it is', () => {
    expect(reportReplica(samples, replica(300n), 500, 1300)).toEqual({ state: 'usable', lagMs: 0 });
    expect(reportReplica(samples, replica(50n), 200, 1300)).toEqual({ state: 'lagging', lagMs: 300 });
    expect(reportReplica(samples, replica(300n, false), 500, 1300)).toEqual({ state: 'down' });
    expect(reportReplica(samples, replica(null), 500, 1300)).toEqual({ state: 'not a standby' });
  });
});
