import { describe, expect, it } from '@jest/globals';
import { readFixtureJson } from '../../test/support/fixtures.js';
import { exportLine } from '../ledger/export-line.js';
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
