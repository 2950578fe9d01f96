import { hash } from 'node:crypto';
import { entryHashWith, payloadHashInput, type LedgerEnvelope, type Sha256Hex } from './hash-rule.js';

/** The hash rule (hash-rule.ts) bound to node:crypto, for the service and the CLI. */
export { canonicalEnvelope, GENESIS_PREV_HASH, LEDGER_FORMAT_VERSION, SALT_BYTES } from './hash-rule.js';
export type { LedgerEnvelope } from './hash-rule.js';

/** One-shot crypto.hash: cheaper than createHash on inputs this small, hashed several times per entry. */
export const sha256Hex: Sha256Hex<string> = (data) => hash('sha256', data, 'hex');

/** `payloadHash = SHA-256(salt || UTF-8(JCS(payload)))`, the canonical text given as computed once. */
export function payloadHash(salt: Uint8Array, canonicalPayload: string): string {
  return sha256Hex(payloadHashInput(salt, canonicalPayload, scratch));
}

/** Reused by every payloadHash (synchronous, so never shared), so the writer allocates no array per entry. */
const scratch = Buffer.allocUnsafe(64 * 1024);

export function entryHash(e: LedgerEnvelope): string {
  return entryHashWith(sha256Hex, e);
}

/** `recordedAt` is exactly `YYYY-MM-DDTHH:mm:ss.sssZ`, which is what Date#toISOString gives for years 0–9999. */
export function formatRecordedAt(date: Date): string {
  return date.toISOString();
}
