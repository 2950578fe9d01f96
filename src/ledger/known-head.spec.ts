import { describe, expect, it } from '@jest/globals';
import { ChainCursor } from './chain-cursor.js';
import { KnownHead } from './known-head.js';
import { draftEntry } from './ledger-entry.js';
import { MerkleAppender } from './merkle.js';

const GENESIS = '0'.repeat(64);
const RECORDED_AT = '2025-01-01T00:00:00.000Z';

/** A committed group: from `start`, one entry on each of `batches`. */
function group(start: { seq: number; hash: string }, batches: string[], heads: KnownHead | null = null): ChainCursor {
  const cursor = new ChainCursor(start.seq, start.hash, RECORDED_AT);
  for (const id of batches) cursor.batchHeads.set(id, heads?.knowsBatch(id) ? heads.batchHead(id) : null);
  cursor.seal(
    'org',
    batches.map((id, i) => draftEntry('EVENT_RECORDED', id, { i })),
  );
  return cursor;
}

const emptyTree = () => MerkleAppender.fromEdge(0, [], []);

describe('KnownHead', () => {
  it('knows nothing at first', () => {
    const known = new KnownHead();
    expect(known.head).toBeNull();
    expect(known.knowsBatch('a')).toBe(false);
    expect(() => known.batchHead('a')).toThrow('the head of batch a is not known');
    expect(() => known.tree()).toThrow('no head is known');
  });

  it('remembers a group’s end as the head, with the heads of the batches it used', () => {
    const known = new KnownHead();
    const cursor = group({ seq: 0, hash: GENESIS }, ['a', 'b']);
    known.remember(cursor, emptyTree());
    expect(known.head).toEqual({ seq: 2, hash: cursor.endHash });
    expect(known.batchHead('a')).toBe(cursor.entries[0].entry.hash);
    expect(known.batchHead('b')).toBe(cursor.endHash);
  });

  it('keeps earlier batch heads when the next group starts at the known head, and drops them when it does not', () => {
    const known = new KnownHead();
    known.remember(group({ seq: 0, hash: GENESIS }, ['a']), emptyTree());
    const next = group(known.head!, ['b'], known);
    known.remember(next, emptyTree());
    expect(known.knowsBatch('a')).toBe(true);
    // Another process wrote entries 4 to 9: what was known of `a` and `b` may be stale.
    const elsewhere = group({ seq: 9, hash: 'f'.repeat(64) }, ['c']);
    known.remember(elsewhere, emptyTree());
    expect([known.knowsBatch('a'), known.knowsBatch('b'), known.knowsBatch('c')]).toEqual([false, false, true]);
  });

  it('forgets the least recently used batches past its bound', () => {
    const known = new KnownHead(2);
    known.remember(group({ seq: 0, hash: GENESIS }, ['a', 'b']), emptyTree());
    known.remember(group(known.head!, ['a'], known), emptyTree()); // `a` used again: `b` is now the oldest
    known.remember(group(known.head!, ['c'], known), emptyTree());
    expect([known.knowsBatch('a'), known.knowsBatch('b'), known.knowsBatch('c')]).toEqual([true, false, true]);
  });

  it('hands out copies of the tree edge, so a group that fails leaves it as it was', () => {
    const known = new KnownHead();
    known.remember(group({ seq: 0, hash: GENESIS }, []), emptyTree());
    known.tree().append(Buffer.alloc(32));
    expect(known.tree().treeSize).toBe(0);
  });

  it('forgets everything when told to', () => {
    const known = new KnownHead();
    known.remember(group({ seq: 0, hash: GENESIS }, ['a']), emptyTree());
    known.forget();
    expect(known.head).toBeNull();
    expect(known.knowsBatch('a')).toBe(false);
  });
});
