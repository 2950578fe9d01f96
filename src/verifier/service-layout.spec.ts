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

/** Reads `line` placed inside other bytes, as a line of a chunk is. */
function read(line: string, seq = first.seq) {
  const bytes = Buffer.from(`xx\n${line}\nyy`, 'utf8');
  const found = readServiceLayout(bytes, 3, bytes.length - 3, seq);
  const text = (from: number, to: number) => bytes.toString('utf8', from, to);
  return { found, text };
}

describe('readServiceLayout', () => {
  it('finds every member of a line in the layout the service writes, in place', () => {
    const { found, text } = read(serviceLine);
    const at = found!;
    expect({
      v: at.v,
      seq: text(at.seqAt, at.seqEnd),
      prevHash: text(at.prevHashAt, at.prevHashAt + 64),
      type: text(at.typeAt, at.typeEnd),
      batchId: text(at.batchIdAt, at.batchIdEnd),
      batchPrevHash: text(at.batchPrevHashAt, at.batchPrevHashAt + 64),
      actor: text(at.actorAt, at.actorEnd),
      recordedAt: text(at.recordedAtAt, at.recordedAtEnd),
      payloadHash: text(at.payloadHashAt, at.payloadHashAt + 64),
      hash: text(at.hashAt, at.hashAt + 64),
      salt: text(at.saltAt, at.saltAt + 32),
      payload: text(at.payloadAt, at.payloadEnd),
    }).toEqual({ ...members, seq: String(first.seq), ...rest, payload: payloadText });
  });

  it('marks null members and an erased payload', () => {
    const erased = JSON.stringify({ ...members, batchId: null, batchPrevHash: null, ...rest, salt: null, payload: null });
    const at = read(erased).found!;
    expect([at.batchIdAt, at.batchPrevHashAt, at.saltAt]).toEqual([-1, -1, -1]);
    expect(read(erased).text(at.payloadAt, at.payloadEnd)).toBe('null');
  });

  it('answers null for another seq or any other layout', () => {
    expect(read(serviceLine, first.seq + 1).found).toBeNull();
    expect(read(serviceLine, first.seq * 10).found).toBeNull();
    expect(read(serviceLine.replace('"v":1,', '"v": 1,')).found).toBeNull();
    expect(read(serviceLine.replace('"v":1,', '"v":3,')).found).toBeNull();
    expect(read(JSON.stringify({ ...rest, ...members, payload: first.payload })).found).toBeNull();
    // Free-text members whose bytes would not be their value, or not their canonical JSON:
    expect(read(serviceLine.replace(first.actor, 'a\\u0062c')).found).toBeNull();
    expect(read(serviceLine.replace(first.actor, '冷链')).found).toBeNull();
    expect(read(serviceLine.replace(first.salt, first.salt.toUpperCase())).found).toBeNull();
    expect(read(`${serviceLine} `).found).toBeNull();
  });
});
