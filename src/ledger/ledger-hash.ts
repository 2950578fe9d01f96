import { hash } from 'node:crypto';

/** LEDGER-SPEC §1: the nine envelope members, exactly. */
export interface LedgerEnvelope {
  v: 1;
  seq: number;
  prevHash: string;
  type: string;
  batchId: string | null;
  batchPrevHash: string | null;
  actor: string;
  recordedAt: string;
  payloadHash: string;
}

export const LEDGER_FORMAT_VERSION = 1;
export const GENESIS_PREV_HASH = '0'.repeat(64);
export const SALT_BYTES = 16;

/** `payloadHash = SHA-256(salt || UTF-8(JCS(payload)))`, the canonical text given as computed once. */
export function payloadHash(salt: Buffer, canonicalPayload: string): string {
  // One-shot crypto.hash: a third of createHash's cost on inputs this small, hashed several times per entry.
  return hash('sha256', Buffer.concat([salt, Buffer.from(canonicalPayload, 'utf8')]), 'hex');
}

/**
 * JCS of the envelope, written out by hand: its members and their types are fixed, so the key
 * order is known and only the strings need escaping. Verification calls this once per entry.
 */
export function canonicalEnvelope(e: LedgerEnvelope): string {
  return (
    `{"actor":${JSON.stringify(e.actor)}` +
    `,"batchId":${e.batchId === null ? 'null' : JSON.stringify(e.batchId)}` +
    `,"batchPrevHash":${e.batchPrevHash === null ? 'null' : JSON.stringify(e.batchPrevHash)}` +
    `,"payloadHash":${JSON.stringify(e.payloadHash)}` +
    `,"prevHash":${JSON.stringify(e.prevHash)}` +
    `,"recordedAt":${JSON.stringify(e.recordedAt)}` +
    `,"seq":${e.seq}` +
    `,"type":${JSON.stringify(e.type)}` +
    `,"v":${e.v}}`
  );
}

export function entryHash(e: LedgerEnvelope): string {
  return hash('sha256', canonicalEnvelope(e), 'hex');
}

/** `recordedAt` is exactly `YYYY-MM-DDTHH:mm:ss.sssZ`, which is what Date#toISOString gives for years 0–9999. */
export function formatRecordedAt(date: Date): string {
  return date.toISOString();
}
