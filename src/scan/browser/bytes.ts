import { NODE_PREFIX } from '../../ledger/merkle-path.js';

/**
 * Bytes as the page's checks read and compare them (hex hashes, base64 roots, keys and signatures),
 * and a Merkle node hashed with WebCrypto: one copy for the proof, the checkpoint memory and the
 * witnesses' cosignatures.
 */

/** The part of WebCrypto a hash needs. */
export interface Digest {
  digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}

export function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return out;
}

export function bytesOfHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** Standard base64 decoded; throws on text that is not base64 (atob's DOMException). */
export function bytesOfBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RFC 9162's interior node, SHA-256(0x01 || left || right), with WebCrypto. */
export function webNodeHash(subtle: Digest): (left: Uint8Array, right: Uint8Array) => Promise<Uint8Array> {
  return async (left, right) => new Uint8Array(await subtle.digest('SHA-256', concatBytes([new Uint8Array([NODE_PREFIX]), left, right])));
}
