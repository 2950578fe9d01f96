import { MAX_JSON_DEPTH } from '../ledger/canonical-json.js';
import { ascii, holds, NULL } from './line-bytes.js';

/**
 * Whether UTF-8 bytes are exactly one JSON value in RFC 8785 canonical form as canonicalJson writes
 * it, read in place (the export verifier's fast path never decodes a line): no white space, object
 * keys strictly increasing by UTF-16 code units, numbers as ECMAScript writes them (safe integers
 * only), strings escaped minimally, well-formed UTF-8 (which cannot hold a lone surrogate), nested at
 * most MAX_JSON_DEPTH deep (deeper, the scan stops rather than recursing; canonicalJson then refuses
 * it by name). Conservative: a key with an escape, or one whose byte order might not be its UTF-16
 * order, answers false (the caller then canonicalizes the parsed value).
 */
export function isCanonicalJsonBytes(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  return new CanonicalJsonScanner().scan(bytes, start, end);
}

/**
 * One scanner, reused line after line. `members`, when given, receives four offsets a top-level
 * member of an object value: where its name starts and ends (inside the quotes), and where the member
 * (`"name":value`) starts and ends.
 */
export class CanonicalJsonScanner {
  private bytes: Uint8Array = new Uint8Array(0);
  private i = 0;
  private end = 0;
  /** How many objects and arrays enclose the position. */
  private depth = 0;
  private members: number[] | null = null;

  scan(bytes: Uint8Array, start: number, end: number, members?: number[]): boolean {
    this.bytes = bytes;
    this.i = start;
    this.end = end;
    this.depth = 0;
    this.members = members ?? null;
    if (members) members.length = 0;
    return this.value() && this.i === end;
  }

  private value(): boolean {
    if (this.i >= this.end) return false;
    const c = this.bytes[this.i];
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (this.depth === MAX_JSON_DEPTH) return false;
      this.depth++;
      const scanned = c === 123 ? this.object() : this.array();
      this.depth--;
      return scanned;
    }
    if (c === 34 /* " */) return this.string() >= 0;
    if (c === 116) return this.literal(TRUE);
    if (c === 102) return this.literal(FALSE);
    if (c === 110) return this.literal(NULL);
    return this.number();
  }

  private literal(word: Uint8Array): boolean {
    if (!holds(this.bytes, this.i, this.end, word)) return false;
    this.i += word.length;
    return true;
  }

  private object(): boolean {
    const bytes = this.bytes;
    const recording = this.depth === 1 ? this.members : null;
    this.i++; // {
    if (bytes[this.i] === 125) {
      this.i++;
      return true;
    }
    let previousStart = -1;
    let previousEnd = -1;
    for (;;) {
      const memberStart = this.i;
      if (bytes[this.i] !== 34) return false;
      const keyStart = this.i + 1;
      // No escapes (0), and no byte that could order differently in UTF-16 (see keyOrdered).
      if (this.string() !== 0 || !plainKey(bytes, keyStart, this.i - 1)) return false;
      const keyEnd = this.i - 1;
      if (previousStart >= 0 && !keyBefore(bytes, previousStart, previousEnd, keyStart, keyEnd)) return false;
      previousStart = keyStart;
      previousEnd = keyEnd;
      if (bytes[this.i] !== 58 /* : */) return false;
      this.i++;
      if (!this.value()) return false;
      recording?.push(keyStart, keyEnd, memberStart, this.i);
      const c = bytes[this.i];
      this.i++;
      if (c === 125) return true;
      if (c !== 44 /* , */) return false;
    }
  }

  private array(): boolean {
    this.i++; // [
    if (this.bytes[this.i] === 93) {
      this.i++;
      return true;
    }
    for (;;) {
      if (!this.value()) return false;
      const c = this.bytes[this.i];
      this.i++;
      if (c === 93) return true;
      if (c !== 44) return false;
    }
  }

  /** Scans a string at i (on its opening quote); returns how many escapes it holds, or -1 if not canonical. */
  private string(): number {
    const bytes = this.bytes;
    const end = this.end;
    this.i++;
    let escapes = 0;
    while (this.i < end) {
      const c = bytes[this.i];
      if (c === 34) {
        this.i++;
        return escapes;
      }
      let length = 1;
      if (c < 0x20) return -1;
      if (c === 92 /* \ */) {
        escapes++;
        length = canonicalEscapeLength(bytes, this.i, end);
      } else if (c >= 0x80) {
        length = utf8SequenceLength(bytes, this.i, end);
      }
      if (length < 0) return -1;
      this.i += length;
    }
    return -1;
  }

  private number(): boolean {
    const bytes = this.bytes;
    const start = this.i;
    while (this.i < this.end) {
      const c = bytes[this.i];
      if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101 || c === 69) this.i++;
      else break;
    }
    if (this.i === start) return false;
    const fast = plainNumberIsCanonical(bytes, start, this.i);
    if (fast !== undefined) return fast;
    let token = '';
    for (let k = start; k < this.i; k++) token += String.fromCharCode(bytes[k]);
    const v = Number(token);
    if (!Number.isFinite(v) || String(v) !== token) return false;
    return !Number.isInteger(v) || Number.isSafeInteger(v);
  }
}

const TRUE = ascii('true');
const FALSE = ascii('false');

/**
 * The common numbers without making a string: an integer, or a decimal in fixed notation, of at most
 * 15 significant digits. ECMAScript writes such a number back exactly as it was given (15 digits
 * always survive a double, so the shortest digits that do are these) as long as it has no leading
 * zero, no trailing zero in its fraction, is not -0, and is at least 1e-6 (below that it is written
 * with an exponent). Undefined for anything else: the caller compares with String(Number(token)).
 */
export function plainNumberIsCanonical(bytes: Uint8Array, start: number, end: number): boolean | undefined {
  let k = bytes[start] === 45 /* - */ ? start + 1 : start;
  const intStart = k;
  while (k < end && bytes[k] >= 48 && bytes[k] <= 57) k++;
  const intDigits = k - intStart;
  if (intDigits === 0 || intDigits > 15) return undefined;
  const zeroInteger = bytes[intStart] === 48;
  if (zeroInteger && intDigits > 1) return false; // a leading zero
  if (k === end) return intDigits <= 15 && !(zeroInteger && intStart > start); // -0 is written 0
  if (bytes[k] !== 46 /* . */) return undefined;
  const fractionStart = ++k;
  while (k < end && bytes[k] >= 48 && bytes[k] <= 57) k++;
  const fractionDigits = k - fractionStart;
  if (k !== end || fractionDigits === 0) return undefined;
  if (bytes[end - 1] === 48) return false; // a trailing zero
  let significant = intDigits + fractionDigits;
  if (zeroInteger) {
    let zeros = 0;
    while (bytes[fractionStart + zeros] === 48) zeros++;
    if (zeros > 5) return undefined;
    significant = fractionDigits - zeros;
  }
  return significant <= 15 ? true : undefined;
}

/**
 * A key whose UTF-8 byte order is its UTF-16 code-unit order: byte order is code-point order, which
 * differs from UTF-16 order only between a character from U+E000 (lead byte 0xEE and up) and one
 * beyond U+FFFF; a key with such a byte is left to the caller.
 */
function plainKey(bytes: Uint8Array, from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (bytes[k] >= 0xee) return false;
  return true;
}

/** Whether key [a, aEnd) sorts strictly before key [b, bEnd), byte by byte. */
function keyBefore(bytes: Uint8Array, a: number, aEnd: number, b: number, bEnd: number): boolean {
  const aLength = aEnd - a;
  const bLength = bEnd - b;
  const shorter = Math.min(aLength, bLength);
  for (let k = 0; k < shorter; k++) {
    const x = bytes[a + k];
    const y = bytes[b + k];
    if (x !== y) return x < y;
  }
  return aLength < bLength;
}

/**
 * Length of the escape at `at` (on its backslash) when canonicalJson would write it, else -1: a
 * short escape, or \u00xx in lowercase only for a control character without a short one.
 */
export function canonicalEscapeLength(bytes: Uint8Array, at: number, end = bytes.length): number {
  if (at + 1 >= end) return -1;
  const e = bytes[at + 1];
  if (e === 34 || e === 92 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) return 2;
  if (at + 5 >= end || e !== 117 || bytes[at + 2] !== 48 || bytes[at + 3] !== 48) return -1;
  const hi = bytes[at + 4];
  const lo = bytes[at + 5];
  if (hi !== 48 && hi !== 49) return -1;
  const loValue = lo >= 48 && lo <= 57 ? lo - 48 : lo >= 97 && lo <= 102 ? lo - 87 : -1;
  if (loValue < 0) return -1;
  const code = (hi - 48) * 16 + loValue;
  if (code === 8 || code === 9 || code === 10 || code === 12 || code === 13) return -1;
  return 6;
}

/**
 * Length of the well-formed UTF-8 sequence at `at` (RFC 3629: no overlong forms, no surrogates,
 * nothing beyond U+10FFFF), else -1. A JSON string's non-ASCII characters are written as they are.
 */
export function utf8SequenceLength(bytes: Uint8Array, at: number, end = bytes.length): number {
  const b0 = bytes[at];
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) length = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    length = 3;
    if (b0 === 0xe0) low = 0xa0;
    else if (b0 === 0xed) high = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    length = 4;
    if (b0 === 0xf0) low = 0x90;
    else if (b0 === 0xf4) high = 0x8f;
  } else return -1;
  if (at + length > end) return -1;
  const b1 = bytes[at + 1];
  if (b1 < low || b1 > high) return -1;
  for (let k = 2; k < length; k++) if ((bytes[at + k] & 0xc0) !== 0x80) return -1;
  return length;
}
