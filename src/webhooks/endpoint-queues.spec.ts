import { describe, expect, it } from '@jest/globals';
import { EndpointQueues } from './endpoint-queues.js';

/** Items that finish only when the test says so, recording when each started. */
function controlledRun() {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const run = (item: string, stopped: AbortSignal) =>
    new Promise<void>((resolve) => {
      started.push(item);
      finishers.set(item, resolve);
      stopped.addEventListener('abort', () => resolve());
    });
  const finish = async (item: string) => {
    finishers.get(item)!();
    // Let the endpoint's worker take its next item.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, run, finish };
}

describe('EndpointQueues', () => {
  it('runs one item per endpoint at a time, in order, while other endpoints go ahead', async () => {
    const { started, run, finish } = controlledRun();
    const queues = new EndpointQueues<string>(4, 5, run);
    queues.add('tarpit', ['t1', 't2']);
    queues.add('regulator', ['r1', 'r2']);
    expect(started).toEqual(['t1', 'r1']);
    await finish('r1');
    expect(started).toEqual(['t1', 'r1', 'r2']); // t1 still hangs; the other endpoint is not held by it
    await finish('r2');
    expect(queues.busyEndpoints()).toEqual(['tarpit']);
    await finish('t1');
    expect(started).toEqual(['t1', 'r1', 'r2', 't2']);
    await finish('t2');
    await queues.idle();
    expect(queues.busyEndpoints()).toEqual([]);
    expect(queues.freeEndpoints()).toBe(4);
  });

  it('goes on with an endpoint after an item throws', async () => {
    const ran: string[] = [];
    const queues = new EndpointQueues<string>(1, 5, async (item) => {
      ran.push(item);
      if (item === 'a') throw new Error('boom');
    });
    queues.add('e', ['a', 'b']);
    await queues.idle();
    expect(ran).toEqual(['a', 'b']);
  });

  it('bounds endpoints at once and items per endpoint', () => {
    const { run } = controlledRun();
    const queues = new EndpointQueues<string>(2, 2, run);
    expect(() => queues.add('a', ['1', '2', '3'])).toThrow('at most 2');
    queues.add('a', ['1']);
    expect(() => queues.add('a', ['2'])).toThrow('already has work');
    queues.add('b', ['1']);
    expect(queues.freeEndpoints()).toBe(0);
    expect(() => queues.add('c', ['1'])).toThrow('no endpoint slot is free');
  });

  it('on stop aborts what runs and hands back what never started', async () => {
    const { started, run } = controlledRun();
    const queues = new EndpointQueues<string>(2, 5, run);
    queues.add('a', ['a1', 'a2', 'a3']);
    queues.add('b', ['b1']);
    expect(await queues.stop()).toEqual(['a2', 'a3']);
    expect(started).toEqual(['a1', 'b1']);
    expect(queues.freeEndpoints()).toBe(0);
  });
});
