import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFixtureJson } from '../../test/support/fixtures.js';
import { fingerprintOfDigest, isKeyFingerprint, keyPinOfFragment, withKeyPin } from './key-fingerprint.js';
import { verifierKeyFingerprint } from './signing-key.js';

const vectors = readFixtureJson('vectors/ledger-v1.json');

describe('the verifier key fingerprint (LEDGER-SPEC §4.1)', () => {
  it("is the spec's example for the vectors' key: the first 12 bytes of SHA-256 of the key string, base64url", () => {
    expect(vectors.checkpoint.verifierKey).toBe('suyuan.test/ledger+5ad75abe+AYDIwC/YUmcJr/S2JJLZcllA7lEsmtNtSfLfjm4FJodd');
    expect(verifierKeyFingerprint(vectors.checkpoint.verifierKey)).toBe('MQqWZ0dc08dAKiJ6');
    const digest = createHash('sha256').update(vectors.checkpoint.verifierKey).digest();
    expect(fingerprintOfDigest(digest)).toBe(digest.subarray(0, 12).toString('base64url'));
  });

  it('differs for another key or another name, and is 16 URL-safe characters', () => {
    const other = verifierKeyFingerprint(vectors.checkpoint.verifierKey.replace('suyuan.test/', 'suyuan.evil/'));
    expect(other).not.toBe('MQqWZ0dc08dAKiJ6');
    for (let i = 0; i < 200; i++) {
      const fp = fingerprintOfDigest(createHash('sha256').update(String(i)).digest());
      expect(isKeyFingerprint(fp)).toBe(true);
      expect(fp).toBe(createHash('sha256').update(String(i)).digest().subarray(0, 12).toString('base64url'));
    }
  });

  it('is found in a fragment among other parameters, and its absence is told apart from a malformed one', () => {
    expect(withKeyPin('https://t.example/q/ABC', 'MQqWZ0dc08dAKiJ6')).toBe('https://t.example/q/ABC#k=MQqWZ0dc08dAKiJ6');
    expect(keyPinOfFragment('#k=MQqWZ0dc08dAKiJ6')).toBe('MQqWZ0dc08dAKiJ6');
    expect(keyPinOfFragment('#w=1&k=MQqWZ0dc08dAKiJ6')).toBe('MQqWZ0dc08dAKiJ6');
    expect(keyPinOfFragment('')).toBeUndefined();
    expect(keyPinOfFragment('#kk=1')).toBeUndefined();
    expect(keyPinOfFragment('#k=')).toBe('');
    expect(isKeyFingerprint('')).toBe(false);
    expect(isKeyFingerprint('MQqWZ0dc08dAKiJ6=')).toBe(false);
  });
});
