import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { testLog } from '../../test/support/witness-log.js';
import {
  checkCosignatureLine,
  cosignatureLine,
  cosignedMessage,
  cosignersOf,
  parseWitnessKey,
  rawPublicKey,
  splitNote,
  witnessVerifierKey,
} from './cosignature.js';

const witnessPrivate = generateKeyPairSync('ed25519').privateKey;
const otherPrivate = generateKeyPairSync('ed25519').privateKey;
const witness = parseWitnessKey(witnessVerifierKey('witness.example/w1', rawPublicKey(witnessPrivate)));
const other = parseWitnessKey(witnessVerifierKey('witness.example/w2', rawPublicKey(otherPrivate)));
const log = testLog('suyuan.test/ledger', ['a', 'b', 'c']);
const note = log.note(3);
const body = splitNote(note).body;

describe('C2SP cosignatures (tlog-cosignature, cosignature/v1)', () => {
  it('signs "cosignature/v1", the time line and the checkpoint body', () => {
    expect(cosignedMessage(body, 1679315147).toString()).toBe(`cosignature/v1\ntime 1679315147\n${body}`);
  });

  it('makes a line that verifies with the witness key, 76 bytes: key ID, big-endian time, signature', () => {
    const line = cosignatureLine(body, 'witness.example/w1', witnessPrivate, 1700000000);
    expect(line.startsWith('\u2014 witness.example/w1 ')).toBe(true);
    const bytes = Buffer.from(line.trim().split(' ')[2], 'base64');
    expect(bytes.length).toBe(76);
    expect(bytes.subarray(0, 4)).toEqual(witness.keyId);
    expect(bytes.readBigUInt64BE(4)).toBe(1700000000n);
    expect(checkCosignatureLine(line.trim(), body, witness)).toEqual({ timestamp: 1700000000 });
  });

  it('uses key type 0x04, so a witness key is not a log key and a log key is not taken as a witness key', () => {
    const text = witnessVerifierKey('witness.example/w1', rawPublicKey(witnessPrivate));
    expect(Buffer.from(text.split('+').slice(2).join('+'), 'base64')[0]).toBe(4);
    const logKeyBytes = Buffer.concat([Buffer.from([1]), log.verifier.publicKey]).toString('base64');
    const logKeyText = `${log.verifier.name}+${log.verifier.keyId.toString('hex')}+${logKeyBytes}`;
    expect(() => parseWitnessKey(logKeyText)).toThrow('type 1 is not 4');
    expect(() => parseWitnessKey(text.replace(/\+[0-9a-f]{8}\+/, '+00000000+'))).toThrow('does not match');
  });

  it('refuses a cosignature over another checkpoint, with another time, or truncated', () => {
    const line = cosignatureLine(body, 'witness.example/w1', witnessPrivate, 1700000000).trim();
    const otherBody = splitNote(log.note(2)).body;
    expect(() => checkCosignatureLine(line, otherBody, witness)).toThrow('does not verify');
    const bytes = Buffer.from(line.split(' ')[2], 'base64');
    bytes.writeBigUInt64BE(1700000001n, 4);
    expect(() => checkCosignatureLine(`\u2014 witness.example/w1 ${bytes.toString('base64')}`, body, witness)).toThrow('does not verify');
    expect(() => checkCosignatureLine(`\u2014 witness.example/w1 ${bytes.subarray(0, 70).toString('base64')}`, body, witness)).toThrow('malformed cosignature');
    expect(() => checkCosignatureLine('\u2014 witness.example/w1 not base64!', body, witness)).toThrow('malformed cosignature');
  });

  it('ignores lines by other keys, and counts each trusted witness once', () => {
    const mine = cosignatureLine(body, 'witness.example/w1', witnessPrivate, 1);
    const again = cosignatureLine(body, 'witness.example/w1', witnessPrivate, 2);
    expect(checkCosignatureLine(cosignatureLine(body, 'witness.example/w2', otherPrivate, 1).trim(), body, witness)).toBe('other');
    expect(cosignersOf(note + mine + again, [witness, other])).toEqual({ cosigned: [`witness.example/w1+${witness.keyId.toString('hex')}`], invalid: [] });
    expect(cosignersOf(note, [witness]).cosigned).toEqual([]);
  });

  it('reports a line claiming a trusted witness that does not verify, and does not count it', () => {
    const forged = cosignatureLine(body, 'witness.example/w1', otherPrivate, 1).trim().split(' ')[2];
    const bytes = Buffer.from(forged, 'base64');
    witness.keyId.copy(bytes, 0);
    const result = cosignersOf(`${note}\u2014 witness.example/w1 ${bytes.toString('base64')}\n`, [witness]);
    expect(result.cosigned).toEqual([]);
    expect(result.invalid[0]).toContain('does not verify');
  });
});
