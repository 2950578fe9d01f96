import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { testLog } from '../../test/support/witness-log.js';
import { cosignatureLine, parseWitnessKey, rawPublicKey, splitNote, witnessVerifierKey } from './cosignature.js';
import { MAX_WITNESS_ANSWER_BYTES, readWitnessAnswer } from './witness-answer.js';

const privateKey = generateKeyPairSync('ed25519').privateKey;
const key = parseWitnessKey(witnessVerifierKey('witness.example/w1', rawPublicKey(privateKey)));
const log = testLog('suyuan.test/ledger', ['a', 'b', 'c', 'd']);
const body = splitNote(log.note(4)).body;
const ok = (text: string) => ({ status: 200, contentType: 'text/plain', body: text });

describe('reading a witness\u2019s answer', () => {
  it('takes the line by the configured key that verifies over the checkpoint sent', () => {
    const line = cosignatureLine(body, key.name, privateKey, 1700000000);
    const other = cosignatureLine(body, 'witness.example/w9', generateKeyPairSync('ed25519').privateKey, 1);
    expect(readWitnessAnswer(ok(other + line), body, key)).toEqual({ kind: 'cosigned', line, timestamp: 1700000000 });
  });

  it('reads a 409 as the size the witness knows', () => {
    expect(readWitnessAnswer({ status: 409, contentType: 'text/x.tlog.size', body: '3\n' }, body, key)).toEqual({ kind: 'conflict', knownSize: 3 });
  });

  it('refuses with a clear error a cosignature over another checkpoint, a malformed or oversized answer, an error status', () => {
    const otherBody = splitNote(log.note(3)).body;
    expect(() => readWitnessAnswer(ok(cosignatureLine(otherBody, key.name, privateKey, 1)), body, key)).toThrow('does not verify');
    expect(() => readWitnessAnswer(ok('— witness.example/w1 AAAA\n'), body, key)).toThrow('malformed cosignature');
    expect(() => readWitnessAnswer(ok('hello\n'), body, key)).toThrow('malformed cosignature');
    expect(() => readWitnessAnswer(ok(cosignatureLine(body, key.name, privateKey, 1).trim()), body, key)).toThrow('malformed cosignature');
    expect(() => readWitnessAnswer(ok(''), body, key)).toThrow('malformed cosignature');
    expect(() => readWitnessAnswer(ok(cosignatureLine(body, key.name, privateKey, 1).repeat(40)), body, key)).toThrow(`over ${MAX_WITNESS_ANSWER_BYTES} bytes`);
    expect(() => readWitnessAnswer({ status: 409, contentType: 'text/plain', body: 'conflict' }, body, key)).toThrow('409 without');
    expect(() => readWitnessAnswer({ status: 409, contentType: 'text/x.tlog.size', body: 'many\n' }, body, key)).toThrow('malformed size');
    expect(() => readWitnessAnswer({ status: 422, contentType: 'text/plain', body: 'bad proof\u0000' }, body, key)).toThrow('HTTP 422: bad proof?');
  });

  it('refuses an answer with no cosignature by the configured witness', () => {
    const other = cosignatureLine(body, 'witness.example/w9', generateKeyPairSync('ed25519').privateKey, 1);
    expect(() => readWitnessAnswer(ok(other), body, key)).toThrow('no cosignature by witness.example/w1');
  });
});
