import { fingerprintOfDigest, isKeyFingerprint, keyPinOfFragment } from '../../ledger/key-fingerprint.js';
import type { Digest } from './bytes.js';

/**
 * The label's pin of the ledger's key (LEDGER-SPEC §4.1): the fragment of the URL the phone opened
 * (`#k=<fingerprint>`, which the browser never sends to the server) names the verifier key the
 * checkpoint must be checked with. Without a fragment the page trusts the key the service serves, and
 * says so.
 */

export type KeyPinVerdict = { ok: true; key: 'pinned' | 'served' } | { ok: false; zh: string; en: string };

/** The part of WebCrypto this uses. */

export async function webKeyFingerprint(subtle: Digest, verifierKey: string): Promise<string> {
  return fingerprintOfDigest(new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(verifierKey))));
}

/** Whether the served verifier key is the one the fragment pins (or there is no pin). */
export async function checkKeyPin(subtle: Digest, fragment: string, servedKey: string): Promise<KeyPinVerdict> {
  const pin = keyPinOfFragment(fragment);
  if (pin === undefined) return { ok: true, key: 'served' };
  if (!isKeyFingerprint(pin)) return { ok: false, zh: '链接中的账本密钥指纹格式不对', en: 'the ledger key fingerprint in this link is malformed' };
  if ((await webKeyFingerprint(subtle, servedKey)) !== pin) {
    return {
      ok: false,
      zh: '服务器提供的账本密钥与标签上的指纹不符',
      en: 'the ledger key the service presented is not the one the label names (its fingerprint differs)',
    };
  }
  return { ok: true, key: 'pinned' };
}
