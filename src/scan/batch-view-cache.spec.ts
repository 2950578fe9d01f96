import { describe, expect, it } from '@jest/globals';
import { parseAppendedNotice } from '../ledger/ledger-changes.js';
import { BatchViewCache } from './batch-view-cache.js';

describe('BatchViewCache', () => {
  const make = (capacity = 100, maxAgeMs = 60_000) => {
    const clock = { now: 0, live: true };
    return {
      cache: new BatchViewCache<string>(
        capacity,
        maxAgeMs,
        () => clock.live,
        (v) => v.length,
        () => clock.now,
      ),
      clock,
    };
  };

  it('keeps a view until a batch it was read from is touched', () => {
    const { cache } = make();
    cache.set('RICE', 'rice view', ['rice', 'paddy'], cache.mark());
    cache.set('MILK', 'milk view', ['milk'], cache.mark());
    cache.invalidate(new Set(['other']));
    expect(cache.get('RICE')).toBe('rice view');
    cache.invalidate(new Set(['paddy']));
    expect(cache.get('RICE')).toBeUndefined();
    expect(cache.get('MILK')).toBe('milk view');
    cache.invalidate('all');
    expect(cache.get('MILK')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps nothing built on what was read before a change, when given the mark taken before that read', async () => {
    const { cache } = make();
    const render = (html: string) => async () => ({ value: html, dependsOn: ['rice', 'paddy'] });
    await cache.through('RICE|en', render('first'));
    const mark = cache.mark(); // the view is read here ...
    cache.invalidate(new Set(['paddy'])); // ... an upstream lot changes ...
    await cache.through('RICE|en', render('stale'), mark); // ... and the page is rendered from the view read before
    expect(cache.get('RICE|en')).toBeUndefined();
    await cache.through('RICE|en', render('fresh'), cache.mark());
    await cache.through('RICE|en', render('fresh'), cache.mark()); // kept from a second read on, as any view
    expect(cache.get('RICE|en')).toBe('fresh');
  });

  it('lets reads of one key at once share one database read, unless a change came after it started', async () => {
    const { cache } = make();
    let reads = 0;
    let release: () => void = () => undefined;
    const slow = (value: string) => async () => {
      reads += 1;
      await new Promise<void>((resolve) => (release = resolve));
      return { value, dependsOn: ['rice'] };
    };
    const first = cache.through('RICE', slow('v1'));
    const second = cache.through('RICE', slow('unused'));
    release();
    expect(await Promise.all([first, second])).toEqual(['v1', 'v1']);
    expect(reads).toBe(1);

    const before = cache.through('RICE', slow('v2'));
    const releaseBefore = release;
    cache.invalidate(new Set(['rice'])); // this process wrote: the next read must not get what was read before
    const after = cache.through('RICE', slow('v3'));
    releaseBefore();
    release();
    expect(await Promise.all([before, after])).toEqual(['v2', 'v3']);
    expect(reads).toBe(3);
  });

  it('refuses a view whose batches were touched while it was being read', () => {
    const { cache } = make();
    const mark = cache.mark();
    cache.invalidate(new Set(['paddy']));
    cache.set('RICE', 'stale', ['rice', 'paddy'], mark);
    expect(cache.get('RICE')).toBeUndefined();
    const markMilk = cache.mark();
    cache.invalidate(new Set(['paddy']));
    cache.set('MILK', 'current', ['milk'], markMilk);
    expect(cache.get('MILK')).toBe('current');
    const markAll = cache.mark();
    cache.invalidate('all');
    cache.set('MILK', 'maybe stale', ['milk'], markAll);
    expect(cache.get('MILK')).toBeUndefined();
  });

  it('refuses a view read before more changes than it remembers', () => {
    const { cache } = make();
    const mark = cache.mark();
    for (let i = 0; i < 1001; i++) cache.invalidate(new Set([`b${i}`]));
    cache.set('MILK', 'unknown', ['milk'], mark);
    expect(cache.get('MILK')).toBeUndefined();
  });

  it('drops the least recently used past its capacity, and anything older than its age limit', () => {
    const { cache, clock } = make(2, 1000);
    cache.set('BIG', 'big', ['big'], cache.mark()); // weighs 3: never kept
    expect(cache.get('BIG')).toBeUndefined();
    cache.set('A', 'a', ['a'], cache.mark());
    cache.set('B', 'b', ['b'], cache.mark());
    expect(cache.get('A')).toBe('a');
    cache.set('C', 'c', ['c'], cache.mark());
    expect([cache.get('A'), cache.get('B'), cache.get('C')]).toEqual(['a', undefined, 'c']);
    clock.now = 1001;
    expect(cache.get('A')).toBeUndefined();
    expect(make(0).cache.size).toBe(0);
    const off = make(0).cache;
    off.set('A', 'a', ['a'], off.mark());
    expect(off.get('A')).toBeUndefined();
  });

  it('reads through to the database when it has nothing, and keeps nothing while changes are not heard', async () => {
    const { cache, clock } = make();
    let reads = 0;
    const read = async () => ({ value: `view ${++reads}`, dependsOn: ['rice'] });
    expect(await cache.through('RICE', read)).toBe('view 1'); // a first read is not kept
    expect(await cache.through('RICE', read)).toBe('view 2'); // the second is
    expect(await cache.through('RICE', read)).toBe('view 2');
    expect(await cache.through('NONE', async () => null)).toBeNull();
    clock.live = false;
    expect(await cache.through('RICE', read)).toBe('view 3');
    expect(await cache.through('RICE', read)).toBe('view 4');
    clock.live = true;
    expect(await cache.through('RICE', read)).toBe('view 2'); // kept from before; a lost connection also invalidates 'all'
    cache.invalidate('all');
    expect(await cache.through('RICE', read)).toBe('view 5');
    expect(await cache.through('RICE', read)).toBe('view 5');
  });

  it('reads the database trigger’s notices', () => {
    expect(parseAppendedNotice('*')).toBe('all');
    expect(parseAppendedNotice(undefined)).toBe('all');
    expect(parseAppendedNotice('a,b')).toEqual(new Set(['a', 'b']));
  });
});
