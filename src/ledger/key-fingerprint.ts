/**
 * The verifier key's fingerprint (LEDGER-SPEC §4.1), which a label carries in its URL fragment
 * (`#k=<fingerprint>`, never sent to a server) so the phone can pin the key it checks the checkpoint
 * with: the first KEY_FINGERPRINT_BYTES bytes of SHA-256 of the verifier key string's UTF-8 bytes,
 * in base64url without padding. 12 bytes (96 bits, 16 characters): too many to search for a key with
 * the same fingerprint, few enough to keep the label's QR code small.
 *
 * It imports nothing and computes no SHA-256 itself, so the service (node:crypto) and the page's
 * script (WebCrypto) share it, as they share the hash rule.
 */

export const KEY_FINGERPRINT_BYTES = 12;

/** The name of the fragment parameter that carries the fingerprint. */
export const KEY_PIN_PARAM = 'k';

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The fingerprint from the SHA-256 of the verifier key string. */
export function fingerprintOfDigest(sha256OfKey: Uint8Array): string {
  if (sha256OfKey.length !== 32) throw new Error('a SHA-256 digest is 32 bytes');
  let out = '';
  // 12 bytes are four groups of three: base64 with no padding.
  for (let i = 0; i < KEY_FINGERPRINT_BYTES; i += 3) {
    const n = (sha256OfKey[i] << 16) | (sha256OfKey[i + 1] << 8) | sha256OfKey[i + 2];
    out += BASE64URL[(n >> 18) & 63] + BASE64URL[(n >> 12) & 63] + BASE64URL[(n >> 6) & 63] + BASE64URL[n & 63];
  }
  return out;
}

export function isKeyFingerprint(text: string): boolean {
  return /^[A-Za-z0-9_-]{16}$/.test(text);
}

/** A URL with the fingerprint in its fragment: `<url>#k=<fingerprint>`. */
export function withKeyPin(url: string, fingerprint: string): string {
  return `${url}#${KEY_PIN_PARAM}=${fingerprint}`;
}

/**
 * The fingerprint a URL fragment carries ("#k=…", possibly among other "&"-separated parameters):
 * undefined when it carries none, the text as found (possibly malformed) when it does.
 */
export function keyPinOfFragment(fragment: string): string | undefined {
  const params = fragment.replace(/^#/, '').split('&');
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq > 0 && param.slice(0, eq) === KEY_PIN_PARAM) return param.slice(eq + 1);
  }
  return undefined;
}
