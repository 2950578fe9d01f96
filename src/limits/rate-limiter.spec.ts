import { describe, expect, it } from '@jest/globals';
import { RateLimiter } from './rate-limiter.js';

describe('RateLimiter', () => {
  it('allows a minute of requests at once, then one as each refills', () => {
    const limiter = new RateLimiter(60);
    for (let i = 0; i < 60; i++) expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBe(1);
    expect(limiter.take('a', 1000)).toBe(0);
    expect(limiter.take('b', 0)).toBe(0);
  });

  it('gives back a request taken in advance, never past a full bucket', () => {
    const limiter = new RateLimiter(2);
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBe(30);
    limiter.refund('a');
    expect(limiter.take('a', 0)).toBe(0);
    limiter.refund('a');
    limiter.refund('a');
    limiter.refund('a');
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBe(0);
    expect(limiter.take('a', 0)).toBe(30);
  });

  it('keeps at most its number of clients, however many send at once', () => {
    const limiter = new RateLimiter(10, 1000);
    for (let i = 0; i < 50_000; i++) limiter.take(`client ${i}`, 0);
    expect(limiter.size).toBeLessThanOrEqual(1000);
    // The newest clients keep their used buckets.
    for (let i = 0; i < 9; i++) expect(limiter.take('client 49999', 0)).toBe(0);
    expect(limiter.take('client 49999', 0)).toBeGreaterThan(0);
  });
});
