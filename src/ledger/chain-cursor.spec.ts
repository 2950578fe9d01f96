import { describe, expect, it } from '@jest/globals';
import { ChainCursor } from './chain-cursor.js';
import { draftEntry } from './ledger-entry.js';
import { entryHash, GENESIS_PREV_HASH } from './ledger-hash.js';

const BATCH = '0b8d2a8e-8a51-4f3e-a1a2-3c4d5e6f7a80';
const at = '2026-11-28T00:00:00.000Z';

describe('ChainCursor', () => {
  it('numbers drafts after the head and links the chain and each batch', () => {
    const cursor = new ChainCursor(0, GENESIS_PREV_HASH, at);
    cursor.batchHeads.set(BATCH, null);
    const [a, b, c] = cursor.seal('org', [draftEntry('T', BATCH, { n: 1 }), draftEntry('T', null, { n: 2 }), draftEntry('T', BATCH, { n: 3 })]);
    expect([a.seq, b.seq, c.seq]).toEqual([1, 2, 3]);
    expect(a.prevHash).toBe(GENESIS_PREV_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(a.batchPrevHash).toBeNull();
    expect(b.batchPrevHash).toBeNull();
    expect(c.batchPrevHash).toBe(a.hash);
    expect(c.hash).toBe(entryHash(c));
    expect([cursor.endSeq, cursor.endHash]).toEqual([3, c.hash]);
  });

  it('refuses a draft whose batch head was never loaded', () => {
    expect(() => new ChainCursor(0, GENESIS_PREV_HASH, at).seal('org', [draftEntry('T', BATCH, {})])).toThrow(/was not loaded/);
  });

  it('takes back a failed command: position, batch links and idempotency keys', () => {
    const cursor = new ChainCursor(0, GENESIS_PREV_HASH, at);
    cursor.batchHeads.set(BATCH, null);
    const [first] = cursor.seal('org', [draftEntry('T', BATCH, {})]);
    const mark = cursor.mark();
    cursor.seal('org', [draftEntry('T', BATCH, {}, { idempotencyKey: 'k', requestHash: 'r' })]);
    cursor.reset(mark);
    expect(cursor.entries).toHaveLength(1);
    expect(cursor.batchHeads.get(BATCH)).toBe(first.hash);
    expect(cursor.prior('org', 'k', 'r')).toBeUndefined();
    const [again] = cursor.seal('org', [draftEntry('T', BATCH, {})]);
    expect([again.seq, again.prevHash, again.batchPrevHash]).toEqual([2, first.hash, first.hash]);
  });

  it('replays an idempotency key for the same request and refuses it for another', () => {
    const cursor = new ChainCursor(0, GENESIS_PREV_HASH, at);
    const [entry] = cursor.seal('org', [draftEntry('T', null, {}, { idempotencyKey: 'k', requestHash: 'r' })]);
    expect(cursor.prior('org', 'k', 'r')).toBe(entry);
    expect(cursor.prior('other-org', 'k', 'r')).toBeUndefined();
    expect(() => cursor.prior('org', 'k', 'different')).toThrow('idempotencyKey "k" was already used for a different request (entry 1)');
  });
});
