import { describe, expect, it } from '@jest/globals';
import { testLog } from '../../test/support/witness-log.js';
import {
  decideAddCheckpoint,
  formatAddCheckpoint,
  MAX_ADD_CHECKPOINT_BYTES,
  parseAddCheckpoint,
  parseTlogSize,
  WitnessedCheckpoint,
} from './add-checkpoint.js';

const labels = Array.from({ length: 20 }, (_, i) => `entry ${i}`);
const log = testLog('suyuan.test/ledger', labels);
const fork = testLog('suyuan.test/ledger', [...labels.slice(0, 10), ...labels.slice(10).map((l) => `${l} rewritten`)]);
const stranger = testLog('other.example/log', labels, 9);
const impostor = testLog('suyuan.test/ledger', labels, 8); // the same origin, another key

const rootOf = (note: string) => note.split('\n')[2];
const stateAt = (size: number, from = log): WitnessedCheckpoint => ({ treeSize: size, rootHash: rootOf(from.note(size)) });
const request = (old: number, size: number, from = log) => formatAddCheckpoint(old, old > 0 && old < size ? from.proof(old, size) : [], from.note(size));

describe('C2SP tlog-witness add-checkpoint', () => {
  it('formats and parses the request: old size, proof lines, empty line, the note', () => {
    const text = request(7, 20);
    expect(text.startsWith('old 7\n')).toBe(true);
    const parsed = parseAddCheckpoint(text);
    expect(parsed.oldSize).toBe(7);
    expect(parsed.proof).toEqual(log.proof(7, 20));
    expect(parsed.note).toBe(log.note(20));
  });

  it('refuses malformed requests with what is wrong', () => {
    expect(() => parseAddCheckpoint(`old 07\n\n${log.note(3)}`)).toThrow('"old <size>"');
    expect(() => parseAddCheckpoint(`old 3\nnot-a-hash\n\n${log.note(3)}`)).toThrow('proof line 1');
    expect(() => parseAddCheckpoint(`old 3\n${log.note(3)}`)).toThrow();
    expect(() => parseAddCheckpoint(`old 0\n${Buffer.alloc(32).toString('base64')}\n\n${log.note(3)}`)).toThrow('must be empty');
    const many = Array.from({ length: 64 }, () => `${Buffer.alloc(32).toString('base64')}\n`).join('');
    expect(() => parseAddCheckpoint(`old 3\n${many}\n${log.note(3)}`)).toThrow('more than 63');
    expect(() => parseAddCheckpoint(`old 3\n\n${log.note(3)}${'x'.repeat(MAX_ADD_CHECKPOINT_BYTES)}`)).toThrow('too large');
    expect(decideAddCheckpoint('old 1\n\nnot a note', log.verifier, null).status).toBe(400);
  });

  it('cosigns a first checkpoint from old size 0, and then only a consistent extension of it', () => {
    expect(decideAddCheckpoint(request(0, 10), log.verifier, null)).toMatchObject({ status: 200, checkpoint: { treeSize: 10 } });
    expect(decideAddCheckpoint(request(10, 20), log.verifier, stateAt(10))).toMatchObject({ status: 200, checkpoint: { treeSize: 20 } });
    expect(decideAddCheckpoint(request(10, 10), log.verifier, stateAt(10))).toMatchObject({ status: 200 });
  });

  it('answers 409 with the size it knows when the old size is not the one it last cosigned', () => {
    expect(decideAddCheckpoint(request(0, 20), log.verifier, stateAt(10))).toMatchObject({ status: 409, knownSize: 10 });
    expect(decideAddCheckpoint(request(5, 20), log.verifier, stateAt(10))).toMatchObject({ status: 409, knownSize: 10 });
    expect(decideAddCheckpoint(request(5, 20), log.verifier, null)).toMatchObject({ status: 409, knownSize: 0 });
  });

  it('refuses a fork: 409 for another root of the size it cosigned, 422 for a proof that does not verify', () => {
    expect(decideAddCheckpoint(request(15, 15, fork), log.verifier, stateAt(15))).toMatchObject({ status: 409, knownSize: 15 });
    const forged = formatAddCheckpoint(12, fork.proof(12, 20), fork.note(20));
    expect(decideAddCheckpoint(forged, log.verifier, stateAt(12))).toMatchObject({ status: 422 });
    // From the prefix both branches share, either one extends what the witness saw: it cosigns the first to come.
    expect(decideAddCheckpoint(formatAddCheckpoint(8, fork.proof(8, 20), fork.note(20)), log.verifier, stateAt(8))).toMatchObject({ status: 200 });
    expect(decideAddCheckpoint(formatAddCheckpoint(12, log.proof(12, 20), fork.note(20)), log.verifier, stateAt(12))).toMatchObject({ status: 422 });
  });

  it('answers 404 for another log, 403 for a checkpoint not signed by the log key, 400 for an old size past the checkpoint', () => {
    expect(decideAddCheckpoint(request(0, 5, stranger), log.verifier, null)).toMatchObject({ status: 404 });
    expect(decideAddCheckpoint(request(0, 5, impostor), log.verifier, null)).toMatchObject({ status: 403 });
    expect(decideAddCheckpoint(formatAddCheckpoint(20, [], log.note(10)), log.verifier, stateAt(20))).toMatchObject({ status: 400 });
  });

  it('reads a 409 answer\u2019s size only as a decimal and a newline', () => {
    expect(parseTlogSize('42\n')).toBe(42);
    expect(() => parseTlogSize('42')).toThrow('malformed size');
    expect(() => parseTlogSize('-1\n')).toThrow('malformed size');
    expect(() => parseTlogSize('99999999999999999999\n')).toThrow('malformed size');
  });
});
