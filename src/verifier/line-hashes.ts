import { hash } from 'node:crypto';
import { MEMBER_LEAF_PREFIX, MEMBER_SALT_PREFIX, PAYLOAD_ROOT_PREFIX, SALT_BYTES } from '../ledger/hash-rule.js';
import { CanonicalJsonScanner } from './canonical-json-bytes.js';
import { ascii, holds, isLowerHex, NULL } from './line-bytes.js';
import type { ServiceLayoutLine } from './service-layout.js';

/**
 * The hashes of an export line in the service's layout, computed from the line's own bytes: the
 * payload's text on the line is already UTF-8 and, once found canonical, is exactly the bytes the
 * hash rule covers (LEDGER-SPEC §2; docs/ledger-format.md §2 for v2), and the envelope's JCS is
 * assembled from the line's members. Nothing is decoded into strings, which is where a verifier
 * reading millions of lines spends its time otherwise.
 *
 * SHA-256 answers in node:crypto's `binary` (latin1) form: a 32-character string whose character
 * codes are the digest's bytes, the cheapest form it returns. Not for concurrent use: one per verifier.
 */
export class ServiceLineHasher {
  private readonly scanner = new CanonicalJsonScanner();
  /** Top-level payload members: four offsets each (see CanonicalJsonScanner). */
  private readonly members: number[] = [];
  /** Every hash input is assembled from the start of one of these. */
  private readonly input = new Scratch();
  private readonly memberSaltInput = new Scratch();
  private readonly memberLeafInput = new Scratch();
  private readonly rootInput = new Scratch();
  private readonly salt = new Uint8Array(SALT_BYTES);
  /** 0x00 || entry hash: the Merkle leaf's input (LEDGER-SPEC §3). */
  private readonly leafInput = new Uint8Array(33);

  /**
   * Whether the line's payload is canonical and hashes to its payloadHash; for an erased payload
   * (salt null) the payload must be `null` and payloadHash is taken as stated. False sends the line
   * to the full check, which gives the verdict.
   */
  payloadMatches(bytes: Uint8Array, line: ServiceLayoutLine): boolean {
    const { payloadAt, payloadEnd, payloadHashAt } = line;
    if (line.saltAt < 0) return payloadEnd - payloadAt === NULL.length && holds(bytes, payloadAt, payloadEnd, NULL) && isLowerHex(bytes, payloadHashAt, 64);
    const v2 = line.v === 2;
    if (!this.scanner.scan(bytes, payloadAt, payloadEnd, v2 ? this.members : undefined)) return false;
    readHex(bytes, line.saltAt, this.salt, SALT_BYTES);
    const digest = v2 ? this.payloadRoot(bytes, payloadAt, payloadEnd) : this.saltedPayloadHash(bytes, payloadAt, payloadEnd);
    return digest !== null && digestIsHexAt(digest, bytes, payloadHashAt);
  }

  /** The entry's hash, SHA-256 of the JCS of its nine envelope members taken from the line (LEDGER-SPEC §1). */
  entryDigest(bytes: Uint8Array, line: ServiceLayoutLine): string {
    // The members come from the line, so the line's length bounds them; the JCS adds under 200 bytes.
    const out = this.input.bytesFor(line.payloadAt - line.seqAt + 256);
    let at = put(out, 0, JCS_ACTOR);
    at = copy(bytes, line.actorAt, line.actorEnd, out, at);
    at = put(out, at, JCS_BATCH_ID);
    at = line.batchIdAt < 0 ? put(out, at, NULL) : copy(bytes, line.batchIdAt - 1, line.batchIdEnd + 1, out, at);
    at = put(out, at, JCS_BATCH_PREV);
    at = line.batchPrevHashAt < 0 ? put(out, at, NULL) : copy(bytes, line.batchPrevHashAt - 1, line.batchPrevHashAt + 65, out, at);
    at = put(out, at, JCS_PAYLOAD_HASH);
    at = copy(bytes, line.payloadHashAt, line.payloadHashAt + 64, out, at);
    at = put(out, at, JCS_PREV_HASH);
    at = copy(bytes, line.prevHashAt, line.prevHashAt + 64, out, at);
    at = put(out, at, JCS_RECORDED_AT);
    at = copy(bytes, line.recordedAtAt, line.recordedAtEnd, out, at);
    at = put(out, at, JCS_SEQ);
    at = copy(bytes, line.seqAt, line.seqEnd, out, at);
    at = put(out, at, JCS_TYPE);
    at = copy(bytes, line.typeAt, line.typeEnd, out, at);
    at = put(out, at, JCS_V);
    out[at++] = 48 + line.v;
    out[at++] = 125; // }
    return hash('sha256', this.input.view(at), 'binary');
  }

  /** SHA-256(0x00 || entry hash), the entry's Merkle leaf, in `binary` form. */
  leafDigest(entryDigest: string): string {
    const input = this.leafInput;
    for (let k = 0; k < 32; k++) input[1 + k] = entryDigest.charCodeAt(k);
    return hash('sha256', input, 'binary');
  }

  /** v1: SHA-256(salt || payload). */
  private saltedPayloadHash(bytes: Uint8Array, from: number, to: number): string {
    const out = this.input.bytesFor(SALT_BYTES + to - from);
    out.set(this.salt, 0);
    const at = copy(bytes, from, to, out, SALT_BYTES);
    return hash('sha256', this.input.view(at), 'binary');
  }

  /**
   * v2: each member's salt (the first 16 bytes of SHA-256(0x10 || entry salt || name)) and leaf
   * (SHA-256(0x11 || member salt || member text)), then SHA-256(0x12 || JCS of the names' leaf hex).
   * Null when a member name is not an identifier: no v2 payloadHash can match it.
   */
  private payloadRoot(bytes: Uint8Array, payloadAt: number, payloadEnd: number): string | null {
    const members = this.members;
    if (bytes[payloadAt] !== 123 /* { */) return null;
    const length = payloadEnd - payloadAt;
    const saltOut = this.memberSaltInput.bytesFor(1 + SALT_BYTES + length);
    const leafOut = this.memberLeafInput.bytesFor(1 + SALT_BYTES + length);
    // Each member adds its name and 70 bytes to the root's input.
    const rootOut = this.rootInput.bytesFor(2 + length + (members.length / 4) * 70);
    saltOut[0] = MEMBER_SALT_PREFIX;
    saltOut.set(this.salt, 1);
    leafOut[0] = MEMBER_LEAF_PREFIX;
    let root = 0;
    rootOut[root++] = PAYLOAD_ROOT_PREFIX;
    rootOut[root++] = 123; // {
    for (let m = 0; m < members.length; m += 4) {
      const nameAt = members[m];
      const nameEnd = members[m + 1];
      const memberAt = members[m + 2];
      if (!isIdentifier(bytes, nameAt, nameEnd)) return null;
      let at = copy(bytes, nameAt, nameEnd, saltOut, 1 + SALT_BYTES);
      const memberSalt = hash('sha256', this.memberSaltInput.view(at), 'binary');
      for (let k = 0; k < SALT_BYTES; k++) leafOut[1 + k] = memberSalt.charCodeAt(k);
      at = copy(bytes, memberAt, members[m + 3], leafOut, 1 + SALT_BYTES);
      const leaf = hash('sha256', this.memberLeafInput.view(at), 'binary');
      if (m > 0) rootOut[root++] = 44; // ,
      root = copy(bytes, memberAt, nameEnd + 2, rootOut, root); // "name":
      rootOut[root++] = 34;
      root = writeHex(leaf, rootOut, root);
      rootOut[root++] = 34;
    }
    rootOut[root++] = 125; // }
    return hash('sha256', this.rootInput.view(root), 'binary');
  }
}

const MAX_KEPT_VIEW = 8192;

/**
 * A buffer that hash inputs are written at the start of, with its views by length kept: node:crypto
 * takes a view it has seen before markedly faster than a new one (measured: 0.28 against 0.42 µs a
 * hash, and a v2 entry takes 16), so each length's view is made once.
 */
class Scratch {
  private bytes = new Uint8Array(64 * 1024);
  /** Filled, so that V8 keeps it a plain array (one with holes far apart would become a slow dictionary). */
  private views: (Uint8Array | null)[] = new Array<Uint8Array | null>(MAX_KEPT_VIEW + 1).fill(null);

  /** The buffer, made larger first (its views dropped) when it holds fewer than `length` bytes. */
  bytesFor(length: number): Uint8Array {
    if (this.bytes.length < length) {
      this.bytes = new Uint8Array(length);
      this.views.fill(null);
    }
    return this.bytes;
  }

  /** The first `length` bytes. */
  view(length: number): Uint8Array {
    if (length > MAX_KEPT_VIEW) return this.bytes.subarray(0, length);
    return (this.views[length] ??= this.bytes.subarray(0, length));
  }
}

const JCS_ACTOR = ascii('{"actor":"');
const JCS_BATCH_ID = ascii('","batchId":');
const JCS_BATCH_PREV = ascii(',"batchPrevHash":');
const JCS_PAYLOAD_HASH = ascii(',"payloadHash":"');
const JCS_PREV_HASH = ascii('","prevHash":"');
const JCS_RECORDED_AT = ascii('","recordedAt":"');
const JCS_SEQ = ascii('","seq":');
const JCS_TYPE = ascii(',"type":"');
const JCS_V = ascii('","v":');
const HEX_DIGITS = ascii('0123456789abcdef');

function put(out: Uint8Array, at: number, text: Uint8Array): number {
  for (let k = 0; k < text.length; k++) out[at + k] = text[k];
  return at + text.length;
}

/**
 * Copies bytes [from, to) into out at `at`; returns the end. A loop for a few bytes, memcpy beyond:
 * a view costs about what a loop does on 24 bytes (measured; faster still from a plain Uint8Array
 * than from a Buffer, whose views are made by its own constructor).
 */
function copy(bytes: Uint8Array, from: number, to: number, out: Uint8Array, at: number): number {
  const length = to - from;
  if (length > 24) out.set(bytes.subarray(from, to), at);
  else for (let k = 0; k < length; k++) out[at + k] = bytes[from + k];
  return at + length;
}

/** Writes a latin1 digest as 64 lowercase hex digits; returns the end. */
function writeHex(digest: string, out: Uint8Array, at: number): number {
  for (let k = 0; k < 32; k++) {
    const c = digest.charCodeAt(k);
    out[at + 2 * k] = HEX_DIGITS[c >> 4];
    out[at + 2 * k + 1] = HEX_DIGITS[c & 15];
  }
  return at + 64;
}

/** Whether the 64 bytes at `at` are the latin1 digest in lowercase hex. */
export function digestIsHexAt(digest: string, bytes: Uint8Array, at: number): boolean {
  for (let k = 0; k < 32; k++) {
    const c = digest.charCodeAt(k);
    if (bytes[at + 2 * k] !== HEX_DIGITS[c >> 4] || bytes[at + 2 * k + 1] !== HEX_DIGITS[c & 15]) return false;
  }
  return true;
}

/** Whether the 64 bytes at `at` equal a hex string's characters. */
export function hexIsAt(hex: string, bytes: Uint8Array, at: number): boolean {
  if (hex.length !== 64) return false;
  for (let k = 0; k < 64; k++) if (bytes[at + k] !== hex.charCodeAt(k)) return false;
  return true;
}

/** Decodes `length` bytes of lowercase hex at `at` (already checked to be hex) into out. */
function readHex(bytes: Uint8Array, at: number, out: Uint8Array, length: number): void {
  const nibble = (c: number) => (c <= 57 ? c - 48 : c - 87);
  for (let k = 0; k < length; k++) out[k] = (nibble(bytes[at + 2 * k]) << 4) | nibble(bytes[at + 2 * k + 1]);
}

/** MEMBER_NAME_PATTERN on bytes: [A-Za-z_][A-Za-z0-9_]*. */
function isIdentifier(bytes: Uint8Array, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let k = from; k < to; k++) {
    const c = bytes[k];
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!letter && !(k > from && c >= 48 && c <= 57)) return false;
  }
  return true;
}
