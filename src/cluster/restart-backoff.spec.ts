import { describe, expect, it } from '@jest/globals';
import { quickDeathsAfter, restartDelayMs, STABLE_AFTER_MS } from './restart-backoff.js';

describe('restart backoff', () => {
  it('restarts a worker that had run a while almost at once', () => {
    expect(quickDeathsAfter(5, STABLE_AFTER_MS)).toBe(1);
    expect(restartDelayMs(1)).toBe(250);
  });

  it('doubles the wait with each quick death in a row, up to 30 s', () => {
    let deaths = 0;
    const delays = [];
    for (let i = 0; i < 10; i++) delays.push(restartDelayMs((deaths = quickDeathsAfter(deaths, 1000))));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });
});
