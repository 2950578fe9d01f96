import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { cosignatureLine, rawPublicKey, witnessVerifierKey } from '../witnesses/cosignature.js';
import { witnessPolicyFingerprint } from '../witnesses/served-policy.js';
import { checkPolicyPin, verifiedCosigners, WitnessSubtle } from './browser/witness-check.js';

const subtle = webcrypto.subtle as unknown as WitnessSubtle;
const body = 'suyuan.test/ledger\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';
const logLine = '\u2014 suyuan.test/ledger AAAAAAAA\n';
const w1 = generateKeyPairSync('ed25519').privateKey;
const w2 = generateKeyPairSync('ed25519').privateKey;
const key1 = witnessVerifierKey('w.test/1', rawPublicKey(w1));
const key2 = witnessVerifierKey('w.test/2', rawPublicKey(w2));
const policy = { needed: 2, keys: [key1, key2].sort() };

describe('the page\u2019s witness check (WebCrypto)', () => {
  it('counts each policy witness whose cosignature/v1 line verifies over the checkpoint body', async () => {
    const both = `${body}\n${logLine}${cosignatureLine(body, 'w.test/1', w1, 1700000000)}${cosignatureLine(body, 'w.test/2', w2, 1700000001)}`;
    expect(await verifiedCosigners(subtle, both, policy)).toBe(2);
  });

  it('does not count a line over another body, a line by another key under the name, a repeated line or a malformed one', async () => {
    const otherBody = cosignatureLine(body.replace('\n3\n', '\n4\n'), 'w.test/1', w1, 1);
    const impostor = cosignatureLine(body, 'w.test/2', generateKeyPairSync('ed25519').privateKey, 1);
    const good = cosignatureLine(body, 'w.test/1', w1, 1);
    const note = `${body}\n${logLine}${otherBody}${impostor}${good}${good}\u2014 w.test/2 AAAA\n`;
    expect(await verifiedCosigners(subtle, note, policy)).toBe(1);
  });

  it('fails a pinned policy the service does not serve or serves changed, and trusts a served one without a pin', async () => {
    const pin = witnessPolicyFingerprint(policy);
    expect(await checkPolicyPin(subtle, `#k=x&w=${pin}`, policy)).toEqual({ ok: true, policy: 'pinned' });
    expect(await checkPolicyPin(subtle, '#k=x', policy)).toEqual({ ok: true, policy: 'served' });
    expect(await checkPolicyPin(subtle, '', undefined)).toEqual({ ok: true, policy: 'none' });
    expect(await checkPolicyPin(subtle, `#w=${pin}`, undefined)).toMatchObject({ ok: false, en: expect.stringContaining('presented no witness policy') });
    expect(await checkPolicyPin(subtle, `#w=${pin}`, { needed: 1, keys: policy.keys })).toMatchObject({
      ok: false,
      en: expect.stringContaining('fingerprint differs'),
    });
    expect(await checkPolicyPin(subtle, '#w=bad', policy)).toMatchObject({ ok: false, en: expect.stringContaining('malformed') });
  });
});
