import type { LedgerFormatVersion } from '../ledger/hash-rule.js';
import { ascii, holds, isLowerHex, NULL } from './line-bytes.js';

/**
 * Reads an export line's UTF-8 bytes in the exact layout the service writes (members in the export's
 * order, no white space; src/ledger/export-line.ts) without decoding or parsing it: the export
 * verifier's fast path. It answers null for any other layout (the caller then parses the line in
 * full), so it must never accept a line JSON.parse would read differently: the free-text members must
 * be printable ASCII with no escape, so that their bytes are both their value and their canonical JSON.
 * The links are not compared here; the caller compares them with the hashes it recomputed.
 */
export interface ServiceLayoutLine {
  v: LedgerFormatVersion;
  /** [start, end) of the seq's digits. */
  seqAt: number;
  seqEnd: number;
  /** Each hash is left on the line, 64 lowercase hex digits from these offsets (not yet checked to be hex). */
  prevHashAt: number;
  typeAt: number;
  typeEnd: number;
  /** -1 for null; else [start, end) inside the quotes. */
  batchIdAt: number;
  batchIdEnd: number;
  /** -1 for null. */
  batchPrevHashAt: number;
  actorAt: number;
  actorEnd: number;
  recordedAtAt: number;
  recordedAtEnd: number;
  payloadHashAt: number;
  hashAt: number;
  /** -1 for null (an erased payload); else 32 lowercase hex digits from here. */
  saltAt: number;
  /** [start, end) of the payload's text. */
  payloadAt: number;
  payloadEnd: number;
}

const LAYOUT_V = ascii('{"v":');
const LAYOUT_SEQ = ascii(',"seq":');
const LAYOUT_PREV = ascii(',"prevHash":"');
const LAYOUT_TYPE = ascii('","type":"');
const LAYOUT_BATCH = ascii('","batchId":');
const LAYOUT_BATCH_PREV = ascii(',"batchPrevHash":');
const LAYOUT_ACTOR = ascii(',"actor":"');
const LAYOUT_RECORDED_AT = ascii('","recordedAt":"');
const LAYOUT_PAYLOAD_HASH = ascii('","payloadHash":"');
const LAYOUT_HASH = ascii('","hash":"');
const LAYOUT_SALT = ascii('","salt":');
const LAYOUT_PAYLOAD = ascii(',"payload":');
const HASH_LENGTH = 64;
const SALT_LENGTH = 32;

/** The line's member offsets when [start, end) is a line in the service's layout holding entry `seq`; else null. */
export function readServiceLayout(bytes: Uint8Array, start: number, end: number, seq: number): ServiceLayoutLine | null {
  let at = start;
  // Moves past `text` when the line holds it here.
  const skip = (text: Uint8Array): boolean => {
    if (!holds(bytes, at, end, text)) return false;
    at += text.length;
    return true;
  };
  // Printable ASCII up to the next quote, no backslash: its end (on the quote), or -1.
  const plainText = (): number => plainTextEnd(bytes, at, end);

  if (!skip(LAYOUT_V)) return null;
  const v = bytes[at] === 49 ? 1 : bytes[at] === 50 ? 2 : null;
  at++;
  if (v === null || !skip(LAYOUT_SEQ)) return null;
  const seqAt = at;
  if (!digitsAre(bytes, seqAt, end, seq)) return null;
  at += decimalLength(seq);
  const seqEnd = at;
  if (!skip(LAYOUT_PREV)) return null;
  const prevHashAt = at;
  at += HASH_LENGTH;
  if (!skip(LAYOUT_TYPE)) return null;
  const typeAt = at;
  const typeEnd = plainText();
  if (typeEnd < 0) return null;
  at = typeEnd;
  if (!skip(LAYOUT_BATCH)) return null;
  let batchIdAt = -1;
  let batchIdEnd = -1;
  if (!skip(NULL)) {
    if (bytes[at] !== 34) return null;
    at++;
    batchIdAt = at;
    batchIdEnd = plainText();
    if (batchIdEnd < 0) return null;
    at = batchIdEnd + 1;
  }
  if (!skip(LAYOUT_BATCH_PREV)) return null;
  let batchPrevHashAt = -1;
  if (!skip(NULL)) {
    if (bytes[at] !== 34 || bytes[at + 1 + HASH_LENGTH] !== 34) return null;
    batchPrevHashAt = at + 1;
    at += HASH_LENGTH + 2;
  }
  if (!skip(LAYOUT_ACTOR)) return null;
  const actorAt = at;
  const actorEnd = plainText();
  if (actorEnd < 0) return null;
  at = actorEnd;
  if (!skip(LAYOUT_RECORDED_AT)) return null;
  const recordedAtAt = at;
  const recordedAtEnd = plainText();
  if (recordedAtEnd < 0) return null;
  at = recordedAtEnd;
  if (!skip(LAYOUT_PAYLOAD_HASH)) return null;
  const payloadHashAt = at;
  at += HASH_LENGTH;
  if (!skip(LAYOUT_HASH)) return null;
  const hashAt = at;
  at += HASH_LENGTH;
  if (!skip(LAYOUT_SALT)) return null;
  let saltAt = -1;
  if (!skip(NULL)) {
    if (bytes[at] !== 34 || bytes[at + 1 + SALT_LENGTH] !== 34 || !isLowerHex(bytes, at + 1, SALT_LENGTH)) return null;
    saltAt = at + 1;
    at += SALT_LENGTH + 2;
  }
  if (!skip(LAYOUT_PAYLOAD) || end - at < 2 || bytes[end - 1] !== 125 /* } */) return null;
  return {
    v,
    seqAt,
    seqEnd,
    prevHashAt,
    typeAt,
    typeEnd,
    batchIdAt,
    batchIdEnd,
    batchPrevHashAt,
    actorAt,
    actorEnd,
    recordedAtAt,
    recordedAtEnd,
    payloadHashAt,
    hashAt,
    saltAt,
    payloadAt: at,
    payloadEnd: end - 1,
  };
}

function plainTextEnd(bytes: Uint8Array, from: number, end: number): number {
  for (let k = from; k < end; k++) {
    const c = bytes[k];
    if (c === 34) return k;
    if (c < 0x20 || c > 0x7e || c === 92) return -1;
  }
  return -1;
}

/** Whether the bytes from `at` are `n` in decimal, as JSON writes it, followed by something other than a digit. */
function digitsAre(bytes: Uint8Array, at: number, end: number, n: number): boolean {
  const length = decimalLength(n);
  if (at + length >= end) return false;
  let value = n;
  for (let k = at + length - 1; k >= at; k--) {
    if (bytes[k] !== 48 + (value % 10)) return false;
    value = Math.floor(value / 10);
  }
  const next = bytes[at + length];
  return next < 48 || next > 57;
}

function decimalLength(n: number): number {
  let length = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) length++;
  return length;
}
