import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { witnessPolicyFingerprint } from './served-policy.js';
import { isPolicyFingerprint, policyPinOfFragment, policyProblem, policyText, withPolicyPin } from './witness-policy.js';

const A = 'witness.example/a+11111111+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const B = 'witness.example/b+22222222+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

describe('witness policy (LEDGER-SPEC §4.1)', () => {
  it('is pinned by the text of the count and the sorted keys, so the order of the settings does not matter', () => {
    expect(policyText({ needed: 1, keys: [B, A] })).toBe(`witness-policy/v1\nneeded 1\n${A}\n${B}\n`);
    const fingerprint = witnessPolicyFingerprint({ needed: 1, keys: [B, A] });
    expect(fingerprint).toBe(witnessPolicyFingerprint({ needed: 1, keys: [A, B] }));
    const expected = createHash('sha256').update(`witness-policy/v1\nneeded 1\n${A}\n${B}\n`).digest().subarray(0, 12).toString('base64url');
    expect(fingerprint).toBe(expected);
    expect(isPolicyFingerprint(fingerprint)).toBe(true);
  });

  it('changes its fingerprint when a witness is dropped or fewer cosignatures are needed', () => {
    const strong = witnessPolicyFingerprint({ needed: 2, keys: [A, B] });
    expect(witnessPolicyFingerprint({ needed: 1, keys: [A, B] })).not.toBe(strong);
    expect(witnessPolicyFingerprint({ needed: 1, keys: [A] })).not.toBe(strong);
  });

  it('reads its pin from a fragment among other parameters, after the key pin', () => {
    const url = withPolicyPin('https://x.example/q/ABC#k=MQqWZ0dc08dAKiJ6', 'AAAAAAAAAAAAAAAA');
    expect(url).toBe('https://x.example/q/ABC#k=MQqWZ0dc08dAKiJ6&w=AAAAAAAAAAAAAAAA');
    expect(policyPinOfFragment(new URL(url).hash)).toBe('AAAAAAAAAAAAAAAA');
    expect(policyPinOfFragment('#k=MQqWZ0dc08dAKiJ6')).toBeUndefined();
    expect(policyPinOfFragment('#w=short')).toBe('short');
  });

  it('refuses a served policy that needs none, more than it names, or names a key twice', () => {
    expect(policyProblem({ needed: 1, keys: [A] })).toBeNull();
    expect(policyProblem({ needed: 0, keys: [A] })).toMatch(/count from 1/);
    expect(policyProblem({ needed: 2, keys: [A] })).toMatch(/count from 1/);
    expect(policyProblem({ needed: 1, keys: [A, A] })).toMatch(/twice/);
    expect(policyProblem({ needed: 1 })).toMatch(/no list of keys/);
    expect(policyProblem('1')).toMatch(/not an object/);
  });
});
