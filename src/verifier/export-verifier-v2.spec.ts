import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFixtureJson } from '../../test/support/fixtures.js';
import { exportLine } from '../ledger/export-line.js';
import { entryHash, GENESIS_PREV_HASH, LedgerEnvelope, payloadRoot } from '../ledger/ledger-hash.js';
import { LedgerEntry } from '../ledger/ledger-entry.js';
import { ExportVerifier } from './export-verifier.js';

/**
 * The offline verifier (`npm run verify`) on an export of ledger-v2.json: a chain that mixes a v1 entry and
 * v2 entries checks out with the vectors' Merkle root, in the service's own line layout (the fast path)
 * and in any other JSON layout (the full path); a v2 payload changed in either is found.
 */
const vectors = readFixtureJson('vectors/ledger-v2.json');

const entries: LedgerEntry[] = vectors.entries.map((e: any) => ({
  v: e.v,
  seq: e.seq,
  prevHash: e.prevHash,
  type: e.type,
  batchId: e.batchId,
  batchPrevHash: e.batchPrevHash,
  actor: e.actor,
  recordedAt: e.recordedAt,
  payloadHash: e.payloadHash,
  hash: e.hash,
  salt: e.salt,
  payload: e.canonicalPayload,
}));

/** The same entry with its members in another order and with white space: a layout only the full path reads. */
function otherLayout(e: LedgerEntry): string {
  const { payload, ...rest } = e;
  return JSON.stringify({ payload: JSON.parse(payload!), ...rest }, null, 1).replace(/\n/g, ' ') + '\n';
}

function verify(lines: string[]) {
  const verifier = new ExportVerifier();
  for (const line of lines) verifier.push(line.replace(/\n$/, ''));
  return verifier.finish(entries.length);
}

describe('the export verifier against test/fixtures/vectors/ledger-v2.json', () => {
  it.each([
    ['the service layout', exportLine],
    ['another JSON layout', otherLayout],
  ])('verifies the mixed v1/v2 chain in %s, to the vectors’ Merkle root', (_layout, write) => {
    const result = verify(entries.map(write));
    expect(result.failure).toBeNull();
    expect(result.valid).toBe(true);
    expect(result.checkedEntries).toBe(5);
    expect(result.root.toString('hex')).toBe(vectors.merkle.root);
  });

  it('takes the fast path for v2 lines in the service layout', () => {
    expect(verify(entries.map(exportLine)).slowPayloads).toBe(0);
  });

  it.each([
    ['the service layout', exportLine],
    ['another JSON layout', otherLayout],
  ])('finds a private member of a v2 payload changed, in %s', (_layout, write) => {
    const lines = entries.map((e) => write(e.seq === 3 ? { ...e, payload: e.payload!.replace('PO-2026-10-0117', 'PO-2026-10-0118') } : e));
    expect(verify(lines).failure).toEqual({
      seq: 3,
      line: 3,
      reason: 'entry 3: the payload does not match its payloadHash (the payload or salt was changed)',
    });
  });

  it('finds a v2 entry presented as v1, and a version that does not exist', () => {
    const asV1 = entries.map((e) => exportLine(e.seq === 4 ? { ...e, v: 1 } : e));
    expect(verify(asV1).failure?.seq).toBe(4);
    const v3 = entries.map((e) => exportLine(e).replace(e.seq === 2 ? '{"v":2,' : '\u0000', '{"v":3,'));
    expect(verify(v3).failure).toMatchObject({ seq: 2, reason: 'entry 2: v is 3, not 1 or 2' });
  });
});

/**
 * A forger who hashes a payload's bytes as they stand on the line, not its canonical form: every hash
 * on the line then matches those bytes, and only the canonical form (LEDGER-SPEC §2) gives the forgery
 * away. The fast path reads lines as bytes, so it must refuse whatever is not canonical, well-formed
 * UTF-8; the full path then finds the payloadHash wrong.
 */
describe('a line whose hashes cover a non-canonical payload', () => {
  const salt = Buffer.alloc(16, 7);
  function forgedLine(v: 1 | 2, payloadBytes: Buffer): Buffer {
    const payloadHashOfBytes =
      v === 1 ? createHash('sha256').update(salt).update(payloadBytes).digest('hex') : payloadRoot(salt, payloadBytes.toString('latin1'));
    const envelope: LedgerEnvelope = {
      v,
      seq: 1,
      prevHash: GENESIS_PREV_HASH,
      type: 'EVENT_RECORDED',
      batchId: 'b-1',
      batchPrevHash: null,
      actor: 'org:forger',
      recordedAt: '2026-12-06T00:00:00.000Z',
      payloadHash: payloadHashOfBytes!,
    };
    const head = exportLine({ ...envelope, hash: entryHash(envelope), salt: salt.toString('hex'), payload: 'null' }).replace(/null}\n$/, '');
    return Buffer.concat([Buffer.from(head, 'latin1'), payloadBytes, Buffer.from('}')]);
  }
  function verifyBytes(line: Buffer) {
    const verifier = new ExportVerifier();
    verifier.pushBytes(line, 0, line.length);
    return verifier.finish(1);
  }

  it('is accepted when the payload is canonical (the forgery itself is well made)', () => {
    for (const v of [1, 2] as const) expect(verifyBytes(forgedLine(v, Buffer.from('{"a":1,"b":"x"}'))).valid).toBe(true);
  });

  it.each([
    ['a number not as ECMAScript writes it', '{"a":1.50}'],
    ['an exponent', '{"a":1e3}'],
    ['an escape JCS does not write', '{"a":"\\u0041"}'],
    ['white space', '{"a": 1}'],
  ])('is refused with %s', (_what, text) => {
    for (const v of [1, 2] as const) {
      expect(verifyBytes(forgedLine(v, Buffer.from(text, 'latin1'))).failure).toEqual({
        seq: 1,
        line: 1,
        reason: 'entry 1: the payload does not match its payloadHash (the payload or salt was changed)',
      });
    }
  });

  it.each([
    ['keys out of order', Buffer.from('{"b":1,"a":2}')],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
    ['an encoded surrogate', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])],
  ])('is refused (v1) with %s', (_what, bytes) => {
    expect(verifyBytes(forgedLine(1, bytes)).valid).toBe(false);
  });
});
