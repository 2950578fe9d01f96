import { describe, expect, it } from '@jest/globals';
import { ClusterHub } from './cluster-hub.js';

const take = (hub: ClusterHub, worker: number, client: string, limiter: 'key' | 'address' = 'key') =>
  hub.handle(worker, { suyuan: 'take', id: 7, limiter, client }).reply;

describe('ClusterHub', () => {
  it('gives a client one allowance whichever worker asks', () => {
    const hub = new ClusterHub({ rateLimitPerKey: 3, rateLimitPublic: 0 }, () => 0);
    expect(take(hub, 1, 'key:a')).toEqual({ suyuan: 'took', id: 7, wait: 0 });
    expect(take(hub, 2, 'key:a')).toEqual({ suyuan: 'took', id: 7, wait: 0 });
    expect(take(hub, 1, 'key:a')).toEqual({ suyuan: 'took', id: 7, wait: 0 });
    expect(take(hub, 2, 'key:a')).toEqual({ suyuan: 'took', id: 7, wait: 20 });
    // Another key's allowance is its own; a limit turned off (0) never refuses.
    expect(take(hub, 2, 'key:b')).toMatchObject({ wait: 0 });
    expect(take(hub, 1, 'ip:x', 'address')).toMatchObject({ wait: 0 });
  });

  it('gives back a refunded request to the bucket it came from', () => {
    const hub = new ClusterHub({ rateLimitPerKey: 0, rateLimitPublic: 1 }, () => 0);
    expect(take(hub, 1, 'ip:x', 'address')).toMatchObject({ wait: 0 });
    expect(take(hub, 2, 'ip:x', 'address')).toMatchObject({ wait: 60 });
    expect(hub.handle(2, { suyuan: 'refund', limiter: 'address', client: 'ip:x' })).toEqual({});
    expect(take(hub, 1, 'ip:x', 'address')).toMatchObject({ wait: 0 });
  });

  it('caps what is held open across workers, and a dead worker gives back what it held', () => {
    const hub = new ClusterHub({ rateLimitPerKey: 0, rateLimitPublic: 0 });
    const admit = (worker: number) => hub.handle(worker, { suyuan: 'admit', id: 1, counter: 'connections', key: '10.0.0.1', max: 2 }).reply;
    expect(admit(1)).toEqual({ suyuan: 'admitted', id: 1, admitted: true });
    expect(admit(2)).toEqual({ suyuan: 'admitted', id: 1, admitted: true });
    expect(admit(2)).toEqual({ suyuan: 'admitted', id: 1, admitted: false });
    hub.handle(1, { suyuan: 'release', counter: 'connections', key: '10.0.0.1' });
    expect(hub.count('connections', '10.0.0.1')).toBe(1);
    expect(admit(1)).toMatchObject({ admitted: true });
    hub.workerGone(2);
    expect(hub.count('connections', '10.0.0.1')).toBe(1);
    // A release for what a worker never held (its death already counted) changes nothing.
    hub.handle(2, { suyuan: 'release', counter: 'connections', key: '10.0.0.1' });
    expect(hub.count('connections', '10.0.0.1')).toBe(1);
    expect(hub.count('ws-sockets', '10.0.0.1')).toBe(0);
  });

  it("counts a client's scan of a lot once a day, whichever worker asks", () => {
    const hub = new ClusterHub({ rateLimitPerKey: 0, rateLimitPublic: 0 });
    const scan = (worker: number, address: string) => hub.handle(worker, { suyuan: 'first-scan', id: 3, lotId: 'lot-1', address, day: '2026-12-06' }).reply;
    expect(scan(1, '203.0.113.9')).toEqual({ suyuan: 'scan-verdict', id: 3, verdict: 'new' });
    expect(scan(2, '203.0.113.9')).toEqual({ suyuan: 'scan-verdict', id: 3, verdict: 'seen' });
    expect(scan(2, '203.0.113.10')).toMatchObject({ verdict: 'new' });
  });

  it('passes what one worker publishes on to the others', () => {
    const hub = new ClusterHub({ rateLimitPerKey: 0, rateLimitPublic: 0 });
    expect(hub.handle(1, { suyuan: 'publish', topic: 'key-revoked', payload: 'k1' })).toEqual({
      forward: { suyuan: 'published', topic: 'key-revoked', payload: 'k1' },
    });
  });
});
