import { describe, expect, it } from '@jest/globals';
import { ExpiringSet } from './expiring-set.js';

describe('ExpiringSet', () => {
  it('forgets a member once its time is up', () => {
    const set = new ExpiringSet<string>(10, 1000);
    set.add('a', 0);
    expect(set.has('a', 999)).toBe(true);
    expect(set.has('a', 1000)).toBe(false);
    expect(set.size).toBe(0);
  });

  it('never holds more than its size: the oldest member goes first', () => {
    const set = new ExpiringSet<number>(3, 60_000);
    for (let i = 0; i < 1000; i++) set.add(i, i);
    expect(set.size).toBe(3);
    expect([997, 998, 999].every((i) => set.has(i, 1000))).toBe(true);
    expect(set.has(996, 1000)).toBe(false);
  });

  it('counts a member added again as young', () => {
    const set = new ExpiringSet<string>(2, 60_000);
    set.add('a', 0);
    set.add('b', 1);
    set.add('a', 2);
    set.add('c', 3);
    expect([set.has('a', 4), set.has('b', 4), set.has('c', 4)]).toEqual([true, false, true]);
  });
});
