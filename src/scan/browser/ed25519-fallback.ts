import { verifyAsync } from '@noble/ed25519';

/**
 * WebCrypto with Ed25519 on every phone: a browser whose SubtleCrypto refuses Ed25519 (Safari before 17,
 * Chrome before 137, many in-app browsers) gets its signatures checked by @noble/ed25519 (audited, bundled
 * at build) instead, so the page can still say "verified" rather than "could not check the signature".
 * SHA-256 and SHA-512 stay WebCrypto's: every browser with SubtleCrypto has them.
 */

/** The part of SubtleCrypto the page's checks use. */
export interface PageSubtle {
  digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  importKey(format: 'raw', keyData: Uint8Array<ArrayBuffer>, algorithm: { name: 'Ed25519' }, extractable: false, usages: ['verify']): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: never, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<boolean>;
}

/** A public key the browser would not import: its raw bytes, checked by the bundled library. */
class FallbackKey {
  constructor(readonly raw: Uint8Array) {}
}

/** Which implementation checked the signatures, for the page's data-ed25519 attribute (tests and support read it). */
export type Ed25519Source = 'webcrypto' | 'bundled';

export function withEd25519Fallback(subtle: PageSubtle, onFallback: () => void = () => undefined): PageSubtle {
  return {
    digest: (algorithm, data) => subtle.digest(algorithm, data),
    async importKey(format, keyData, algorithm, extractable, usages) {
      try {
        return await subtle.importKey(format, keyData, algorithm, extractable, usages);
      } catch {
        // A key of the wrong length is no Ed25519 key for either: refuse it as WebCrypto would.
        if (keyData.length !== 32) throw new Error('an Ed25519 public key is 32 bytes');
        onFallback();
        return new FallbackKey(keyData.slice());
      }
    },
    async verify(algorithm, key, signature, data) {
      const k = key as unknown;
      if (!(k instanceof FallbackKey)) return subtle.verify(algorithm, key, signature, data);
      try {
        // RFC 8032's strict rules, as WebCrypto and the service's OpenSSL apply them (not ZIP-215's looser ones).
        return await verifyAsync(signature, data, k.raw, { zip215: false });
      } catch {
        return false; // a malformed signature or key is one that does not verify
      }
    },
  };
}
