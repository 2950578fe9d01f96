import { describe, expect, it } from '@jest/globals';
import { assemblePageProof, proofGroups, seqsOf } from './page-proof-assembly.js';
import { newEntry } from '../ledger/entry-types.js';
import { sealEntry } from '../ledger/ledger-entry.js';
import type { PageProofSources } from './scan.repository.js';

const sources: PageProofSources = {
  lot: { batch: 50, product: 3, producer: 1, origin: 2 },
  recall: 70,
  steps: [
    { seq: 10, batchId: 'grand', organization: 4, facility: 5, declaration: null },
    // Declared erroneous by entry 62: the declaration goes with the step it marks.
    { seq: 60, batchId: 'lot', organization: 1, facility: 2, declaration: 62 },
    { seq: 61, batchId: 'lot', organization: null, facility: null, declaration: null },
  ],
  // lot <- parent <- grand, and a second edge to parent that must not add it twice.
  edges: [
    { from: 'parent', to: 'lot', fromSeq: 30 },
    { from: 'grand', to: 'parent', fromSeq: 20 },
    { from: 'parent', to: 'lot', fromSeq: 30 },
  ],
  certificates: [
    { seq: 80, attestation: 81, attester: 6, recorder: 1, backsClaim: false },
    { seq: 40, attestation: null, attester: null, recorder: 1, backsClaim: true },
  ],
};

describe("a page proof's entries", () => {
  it("puts the lot's registrations first, then its recall, then each step with who, where, its declaration and the lineage up to it", () => {
    // The certificate behind the GI claim comes before the steps, any other after them.
    expect(proofGroups('lot', sources)).toEqual([[50, 3, 1, 2], [70], [40, 1], [10, 4, 5, 20, 30], [60, 1, 2, 62], [61], [80, 1, 81, 6]]);
    expect(proofGroups('lot', { ...sources, recall: null })[1]).toEqual([]);
  });

  it('keeps whole groups only, as many as fit, in ledger order', () => {
    const groups = proofGroups('lot', sources);
    expect(seqsOf(groups)).toEqual([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60, 61, 62, 70, 80, 81]);
    // Seven: the lot's four, its recall and the GI certificate; the first step's five do not fit, and no later group is kept without it.
    expect(seqsOf(groups, 7)).toEqual([1, 2, 3, 40, 50, 70]);
  });

  it('writes each shared node once, and leaves out the last groups until the whole fits its size', () => {
    const entries = [1, 2, 3].map((seq) =>
      sealEntry(newEntry('EVENT_RECORDED', 'lot', { bizStep: 'STORING', eventTime: '2026-10-06T00:00:00.000Z', facilityId: 'f', details: { po: 'secret' } }), {
        seq,
        prevHash: '0'.repeat(64),
        batchPrevHash: null,
        actor: 'a',
        recordedAt: '2026-10-06T00:00:00.000Z',
      }),
    );
    const shared = Buffer.alloc(32, 7);
    const paths = [[Buffer.alloc(32, 1), shared], [Buffer.alloc(32, 2), shared], [shared]];
    const header = { batchId: 'lot', traceCode: 'LOTCODE', origin: 'o', verifierKey: 'k', signedNote: 'n', batchEntries: 3 };
    const whole = assemblePageProof(header, [[1], [2], [3]], entries, paths);
    expect(whole.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(whole.nodes).toHaveLength(3);
    expect(whole.entries.map((e) => e.path)).toEqual([[0, 1], [2, 1], [1]]);
    // Private members are committed by hash, never disclosed.
    expect(JSON.stringify(whole)).not.toContain('secret');
    expect(Object.keys(whole.entries[0].hidden!)).toEqual(['details']);
    const small = assemblePageProof(header, [[1], [2], [3]], entries, paths, Buffer.byteLength(JSON.stringify(whole)) - 1);
    expect(small.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(Buffer.byteLength(JSON.stringify(small))).toBeLessThan(Buffer.byteLength(JSON.stringify(whole)) - 1);
  });
});
