import { describe, expect, it } from '@jest/globals';
import { GroupCommitQueue, Queued } from './group-commit-queue.js';

/** A write function that records its groups and answers each item with its double once `release` is called. */
function recorder() {
  const groups: number[][] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const gates: (() => void)[] = [];
  const write = async (group: Queued<number>[]) => {
    groups.push(group.map((q) => q.item));
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise<void>((release) => gates.push(release));
    inFlight--;
    for (const q of group) q.resolve(q.item * 2);
  };
  const releaseAll = async () => {
    while (gates.length > 0) {
      gates.shift()!();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { write, groups, releaseAll, maxInFlight: () => maxInFlight };
}

describe('GroupCommitQueue', () => {
  it('writes the first item alone and what queued meanwhile as the next groups, in order, at most maxGroupSize each', async () => {
    const r = recorder();
    const queue = new GroupCommitQueue(r.write, 3);
    const answers = Promise.all([1, 2, 3, 4, 5, 6].map((n) => queue.add<number>(n)));
    await new Promise((resolve) => setImmediate(resolve));
    await r.releaseAll();
    expect(await answers).toEqual([2, 4, 6, 8, 10, 12]);
    expect(r.groups).toEqual([[1], [2, 3, 4], [5, 6]]);
    expect(r.maxInFlight()).toBe(1);
  });

  it('rejects the unanswered items of a group whose write throws, and goes on with the next group', async () => {
    const queue = new GroupCommitQueue<number>(async (group) => {
      group[0].resolve('first');
      if (group.length > 1) throw new Error('lost');
      for (const q of group) q.resolve('later');
    }, 10);
    // 1 goes alone; 2, 3 and 4 queue meanwhile and go together: 2 is answered, then the write throws.
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) => queue.add(n)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual(['first', 'first', 'lost', 'lost']);
    expect(await queue.add(5)).toBe('first');
  });

  it('rejects an item the write function left unanswered', async () => {
    const queue = new GroupCommitQueue<number>(async () => undefined, 10);
    await expect(queue.add(1)).rejects.toThrow('the group writer left this item unanswered');
  });

  it('is idle at once when empty, and only after every queued item has been answered otherwise', async () => {
    const r = recorder();
    const queue = new GroupCommitQueue(r.write, 2);
    await queue.whenIdle();
    const answered: number[] = [];
    for (const n of [1, 2, 3]) void queue.add<number>(n).then((v) => answered.push(v));
    let idle = false;
    const whenIdle = queue.whenIdle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).toBe(false);
    await r.releaseAll();
    await whenIdle;
    expect(answered).toEqual([2, 4, 6]);
  });

  it('refuses a group size below one', () => {
    expect(() => new GroupCommitQueue(async () => undefined, 0)).toThrow('maxGroupSize must be at least 1');
  });
});
