import { hash } from 'node:crypto';
import {
  entryHashWith,
  payloadHashInput,
  payloadRootWith,
  splitPayloadMembers,
  type LedgerEnvelope,
  type PayloadMember,
  type LedgerFormatVersion,
  type PayloadRootScratch,
  type Sha256Bytes,
  type Sha256Hex,
} from './hash-rule.js';

/** The hash rule (hash-rule.ts) bound to node:crypto, for the service and the CLI. */
export { canonicalEnvelope, GENESIS_PREV_HASH, LEDGER_FORMAT_VERSION, SALT_BYTES } from './hash-rule.js';
export type { LedgerEnvelope, LedgerFormatVersion } from './hash-rule.js';

/** One-shot crypto.hash: cheaper than createHash on inputs this small, hashed several times per entry. */
export const sha256Hex: Sha256Hex<string> = (data) => hash('sha256', data, 'hex');

/**
 * The same as its 32 bytes (a new array each call): v2's member salts, which never need to be hex. Read from
 * crypto.hash's 'binary' (latin1) string, one character per byte: on Node 20, `hash(…, 'buffer')` took about 1.2 µs
 * against 0.65 µs for this on a 60-byte input (hex: 0.6 µs).
 */
export const sha256Bytes: Sha256Bytes = (data) => {
  const digest = hash('sha256', data, 'binary');
  const out = new Uint8Array(digest.length);
  for (let i = 0; i < out.length; i++) out[i] = digest.charCodeAt(i);
  return out;
};

/** `payloadHash = SHA-256(salt || UTF-8(JCS(payload)))`, the canonical text given as computed once. */
export function payloadHash(salt: Uint8Array, canonicalPayload: string): string {
  return sha256Hex(payloadHashInput(salt, canonicalPayload, scratch));
}

/**
 * v2's payloadHash (docs/ledger-format.md §2): the root of the payload's members, each salted with a salt
 * derived from the entry's. Null when the text cannot be a v2 payload (not an object, a name that is not
 * an identifier, members out of order): no stored hash can match it.
 */
export function payloadRoot(salt: Uint8Array, canonicalPayload: string): string | null {
  const members = splitPayloadMembers(canonicalPayload);
  return typeof members === 'string' ? null : payloadRootWith(sha256Hex, salt, members, fast);
}

/** The payloadHash of an entry of format `v`: null for a v2 text that cannot be a v2 payload. */
export function payloadHashOf(v: LedgerFormatVersion, salt: Uint8Array, canonicalPayload: string): string | null {
  return v === 1 ? payloadHash(salt, canonicalPayload) : payloadRoot(salt, canonicalPayload);
}

/**
 * Where each member of a v2 payload ends, in characters (code points) from the start of the text: what
 * the SQL check (ledger.repository.ts) cuts the stored text at, since SQL cannot parse it as JSON does.
 * Only a hint: a wrong one makes the check fail, never pass.
 */
export function payloadMemberEnds(canonicalPayload: string): number[] {
  const members = splitPayloadMembers(canonicalPayload);
  if (typeof members === 'string') throw new Error(`not a v2 payload: ${members}`);
  return memberEnds(members);
}

/** A v2 draft's payloadHash and member ends, the text split once; throws for a text that cannot be a v2 payload. */
export function payloadRootAndEnds(salt: Uint8Array, canonicalPayload: string): { payloadHash: string; memberEnds: number[] } {
  const members = splitPayloadMembers(canonicalPayload);
  if (typeof members === 'string') throw new Error(`not a v2 payload: ${members}`);
  return { payloadHash: payloadRootWith(sha256Hex, salt, members, fast), memberEnds: memberEnds(members) };
}

function memberEnds(members: readonly PayloadMember[]): number[] {
  const ends: number[] = [];
  let at = 1; // past "{"
  for (const m of members) {
    at += codePoints(m.text);
    ends.push(at);
    at += 1; // the "," between members
  }
  return ends;
}

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++; // a surrogate pair is one character to PostgreSQL
    n++;
  }
  return n;
}

/** Reused by every payloadHash and payload root (synchronous, so never shared), so the writer allocates no array per hash. */
const scratch = Buffer.allocUnsafe(64 * 1024);
/** The same memory as a plain Uint8Array for v2's inputs: its views (one per hash input) are cheaper to make than a Buffer's. */
const fast: PayloadRootScratch = { sha256Bytes, scratch: new Uint8Array(scratch.buffer, scratch.byteOffset, scratch.length) };

export function entryHash(e: LedgerEnvelope): string {
  return entryHashWith(sha256Hex, e);
}

/** `recordedAt` is exactly `YYYY-MM-DDTHH:mm:ss.sssZ`, which is what Date#toISOString gives for years 0–9999. */
export function formatRecordedAt(date: Date): string {
  return date.toISOString();
}
