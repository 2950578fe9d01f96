import { readFixtureJson } from '../../test/support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from '../ledger/canonical-json.js';
import { readServiceLayout } from './service-layout.js';

const vectors = readFixtureJson('vectors/ledger-v1.json');
const first = vectors.entries.find((e: any) => e.batchPrevHash !== null);
const payloadText = canonicalJson(first.payload);
const members = { v: 1, seq: first.seq, prevHash: first.prevHash, type: first.type, batchId: first.batchId, batchPrevHash: first.batchPrevHash };
const rest = { actor: first.actor, recordedAt: first.recordedAt, payloadHash: first.payloadHash, hash: first.hash, salt: first.salt };
/** the first vector entry with a batch link, as the service writes it (its payload inserted as canonical text). */
const serviceLine = JSON.stringify({ ...members, ...rest, payload: null }).replace(/"payload":null}$/, `"payload":${payloadText}}`);
const links = { previousHash: first.prevHash, batchHead: () => first.batchPrevHash };

describe('readServiceLayout', () => {
  it('reads every member of a line in the layout the service writes, leaving the hashes on the line', () => {
    const read = readServiceLayout(serviceLine, first.seq, links)!;
    expect(read).toMatchObject({ type: first.type, batchId: first.batchId, batchPrevHash: first.batchPrevHash, actor: first.actor, salt: first.salt });
    expect(read.recordedAt).toBe(first.recordedAt);
    expect(read.payloadText).toBe(payloadText);
    expect(serviceLine.slice(read.payloadHashAt, read.payloadHashAt + 64)).toBe(first.payloadHash);
    expect(serviceLine.slice(read.hashAt, read.hashAt + 64)).toBe(first.hash);
  });

  it('answers null for another seq, another previous hash, or any other layout', () => {
    expect(readServiceLayout(serviceLine, first.seq + 1, links)).toBeNull();
    expect(readServiceLayout(serviceLine, first.seq, { ...links, previousHash: 'f'.repeat(64) })).toBeNull();
    expect(readServiceLayout(serviceLine.replace('"v":1,', '"v": 1,'), first.seq, links)).toBeNull();
    const reordered = JSON.stringify({ ...rest, ...members, payload: first.payload });
    expect(readServiceLayout(reordered, first.seq, links)).toBeNull();
    expect(readServiceLayout(serviceLine.replace(first.actor, 'a\\u0062c'), first.seq, links)).toBeNull();
  });
});
