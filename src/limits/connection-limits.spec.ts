import { describe, expect, it } from '@jest/globals';
import { ConnectionCounter } from './connection-limits.js';

describe('ConnectionCounter', () => {
  it('admits up to the cap per address, and one more once one closes', () => {
    const counter = new ConnectionCounter(2);
    expect([counter.admit('a'), counter.admit('a'), counter.admit('a')]).toEqual([true, true, false]);
    expect(counter.admit('b')).toBe(true);
    counter.release('a');
    expect(counter.admit('a')).toBe(true);
  });

  it('forgets an address with nothing open', () => {
    const counter = new ConnectionCounter(1);
    for (let i = 0; i < 1000; i++) {
      counter.admit(`address ${i}`);
      counter.release(`address ${i}`);
    }
    expect(counter.addresses).toBe(0);
  });
});
