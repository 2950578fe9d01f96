import { describe, expect, it } from '@jest/globals';
import type { ExportVerification } from './export-verifier.js';
import {
  entriesChecked,
  entriesProblem,
  exportHttpProblem,
  isVerifyState,
  previousCheckpointProblem,
  rate,
  witnessesProblem,
  type VerifyState,
  progressLine,
} from './verify-checks.js';

const rootA = 'aa'.repeat(32);
const rootB = 'bb'.repeat(32);
const kept: VerifyState = { origin: 'suyuan.example/ledger', treeSize: 5, rootHash: rootA, signedNote: '' };
const checkpoint = (treeSize: number, rootHex: string, origin = kept.origin) => ({ origin, treeSize, rootHash: Buffer.from(rootHex, 'hex'), body: '' });
const verification = (over: Partial<ExportVerification>): ExportVerification => ({
  valid: true,
  checkedEntries: 5,
  erasedPayloads: 0,
  slowPayloads: 0,
  failure: null,
  root: Buffer.alloc(32),
  roots: new Map(),
  ...over,
});

describe('the verify command’s judgements', () => {
  it('accepts a state file only with an origin, a size and a hex root', () => {
    expect(isVerifyState(kept)).toBe(true);
    expect(isVerifyState(null)).toBe(false);
    expect(isVerifyState({ ...kept, treeSize: -1 })).toBe(false);
    expect(isVerifyState({ ...kept, treeSize: 1.5 })).toBe(false);
    expect(isVerifyState({ ...kept, rootHash: rootA.toUpperCase() })).toBe(false);
  });

  it('lets a checkpoint follow the kept one when the log is the same and only grew', () => {
    expect(previousCheckpointProblem(kept, checkpoint(5, rootA), 'state.json')).toBeNull();
    expect(previousCheckpointProblem(kept, checkpoint(9, rootB), 'state.json')).toBeNull();
    expect(previousCheckpointProblem(kept, checkpoint(9, rootB, 'other'), 'state.json')).toBe(
      'previous checkpoint: origin "suyuan.example/ledger" in state.json is not this log\'s "other"',
    );
    expect(previousCheckpointProblem(kept, checkpoint(4, rootB), 's')).toBe('previous checkpoint: the ledger shrank (from 5 to 4 entries)');
    expect(previousCheckpointProblem(kept, checkpoint(5, rootB), 's')).toBe(
      'previous checkpoint: same size 5 but a different root (the history was rewritten)',
    );
  });

  it('explains a refused export, with a hint when an API key is what is missing', () => {
    expect(exportHttpProblem(403, 'Forbidden', '')).toBe('export: HTTP 403 Forbidden (a regulator or admin API key is needed: --api-key or SUYUAN_API_KEY)');
    expect(exportHttpProblem(500, 'Internal Server Error', 'x'.repeat(300))).toBe(`export: HTTP 500 Internal Server Error: ${'x'.repeat(200)}`);
  });

  it('names the first failing entry, or what every entry passed and what was not covered', () => {
    expect(entriesProblem(verification({ failure: { seq: 3, line: 3, reason: 'entry hash differs' } }))).toBe(
      'entries: first failure at seq 3 (line 3): entry hash differs',
    );
    expect(entriesProblem(verification({}))).toBeNull();
    expect(entriesChecked(verification({ checkedEntries: 7, erasedPayloads: 1 }), 5)).toBe(
      'entries 1–7: seq gapless, payload hashes, entry hashes, prevHash and batchPrevHash links; 1 erased payloads (envelope checked, payload gone); ' +
        '2 entries beyond the checkpoint were checked too (the checkpoint does not cover them)',
    );
  });

  it('gives a rate only when time passed', () => {
    expect(rate(1_234_567, 1)).toBe('1,234,567');
    expect(rate(5, 0)).toBe('–');
  });

  it('asks for as many witness cosignatures as needed and names who cosigned and what was refused', () => {
    expect(witnessesProblem(['w1+abcd0123'], 1, [])).toBeNull();
    expect(witnessesProblem([], 0, [])).toBeNull();
    expect(witnessesProblem([], 1, [])).toBe('witnesses: 0 of the 1 needed cosigned this checkpoint');
    expect(witnessesProblem(['w1+abcd0123'], 2, ['w2+00112233: does not verify'])).toBe(
      'witnesses: 1 of the 2 needed cosigned this checkpoint (w1+abcd0123); refused: w2+00112233: does not verify',
    );
  });
});

describe('progressLine', () => {
  it('says how many entries of how many, the rate so far and the time left at that rate', () => {
    expect(progressLine(250_000, 1_000_000, 2)).toBe('checked 250,000 of 1,000,000 (25%) entries, 125,000 entries/s, ETA 6 s');
    expect(progressLine(100_000, 10_000_000, 1)).toBe('checked 100,000 of 10,000,000 (1%) entries, 100,000 entries/s, ETA 1 min 39 s');
  });

  it('gives no ETA once done or before any time has passed', () => {
    expect(progressLine(1_000, 1_000, 0.5)).toBe('checked 1,000 of 1,000 (100%) entries, 2,000 entries/s');
    expect(progressLine(0, 1_000, 0)).toBe('checked 0 of 1,000 (0%) entries, – entries/s');
  });
});
