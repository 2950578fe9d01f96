import { MAX_JSON_DEPTH } from '../ledger/canonical-json.js';

/**
 * True only when `text` is exactly one JSON value in RFC 8785 canonical form as canonicalJson
 * writes it: no white space, object keys strictly increasing by UTF-16 code units, numbers as
 * ECMAScript writes them (safe integers only), strings escaped minimally, no lone surrogates, and
 * nested at most MAX_JSON_DEPTH deep (deeper, the scan stops rather than recursing; canonicalJson
 * then refuses it by name). Conservative: a key with an escape in it answers false (the caller then
 * canonicalizes).
 */
export function isCanonicalJsonText(text: string): boolean {
  const scanner = new CanonicalScanner(text);
  return scanner.value() && scanner.atEnd();
}

/** A recursive-descent scan of one JSON text, position `i`; each method reads one value at i and moves past it. */
class CanonicalScanner {
  private i = 0;
  /** How many objects and arrays enclose the position. */
  private depth = 0;
  private readonly n: number;

  constructor(private readonly text: string) {
    this.n = text.length;
  }

  atEnd(): boolean {
    return this.i === this.n;
  }

  value(): boolean {
    if (this.i >= this.n) return false;
    const c = this.text.charCodeAt(this.i);
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (this.depth === MAX_JSON_DEPTH) return false;
      this.depth++;
      const scanned = c === 123 ? this.object() : this.array();
      this.depth--;
      return scanned;
    }
    if (c === 34 /* " */) return this.string() >= 0;
    if (c === 116) return this.literal('true');
    if (c === 102) return this.literal('false');
    if (c === 110) return this.literal('null');
    return this.number();
  }

  private literal(word: string): boolean {
    if (!this.text.startsWith(word, this.i)) return false;
    this.i += word.length;
    return true;
  }

  private object(): boolean {
    const text = this.text;
    this.i++; // {
    if (text.charCodeAt(this.i) === 125) {
      this.i++;
      return true;
    }
    let previousKey: string | null = null;
    for (;;) {
      if (text.charCodeAt(this.i) !== 34) return false;
      const start = this.i + 1;
      const escapes = this.string();
      if (escapes !== 0) return false; // malformed, or a key with escapes: let the caller decide
      const key = text.slice(start, this.i - 1);
      if (previousKey !== null && !(previousKey < key)) return false;
      previousKey = key;
      if (text.charCodeAt(this.i) !== 58 /* : */) return false;
      this.i++;
      if (!this.value()) return false;
      const c = text.charCodeAt(this.i);
      this.i++;
      if (c === 125) return true;
      if (c !== 44 /* , */) return false;
    }
  }

  private array(): boolean {
    this.i++; // [
    if (this.text.charCodeAt(this.i) === 93) {
      this.i++;
      return true;
    }
    for (;;) {
      if (!this.value()) return false;
      const c = this.text.charCodeAt(this.i);
      this.i++;
      if (c === 93) return true;
      if (c !== 44) return false;
    }
  }

  /** Scans a string at i (on its opening quote); returns how many escapes it holds, or -1 if not canonical. */
  private string(): number {
    const text = this.text;
    this.i++;
    let escapes = 0;
    while (this.i < this.n) {
      const c = text.charCodeAt(this.i);
      if (c === 34) {
        this.i++;
        return escapes;
      }
      if (c < 0x20) return -1;
      let length = 1;
      if (c === 92 /* \ */) {
        escapes++;
        length = canonicalEscapeLength(text, this.i);
      } else if (c >= 0xd800 && c <= 0xdfff) {
        length = surrogatePairLength(text, this.i);
      }
      if (length < 0) return -1;
      this.i += length;
    }
    return -1;
  }

  private number(): boolean {
    const text = this.text;
    const start = this.i;
    while (this.i < this.n) {
      const c = text.charCodeAt(this.i);
      if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46 || c === 101) this.i++;
      else break;
    }
    if (this.i === start) return false;
    const token = text.slice(start, this.i);
    const v = Number(token);
    if (!Number.isFinite(v) || String(v) !== token) return false;
    return !Number.isInteger(v) || Number.isSafeInteger(v);
  }
}

/**
 * Length of the escape at `at` (on its backslash) when canonicalJson would write it, else -1: a
 * short escape, or \u00xx in lowercase only for a control character without a short one.
 */
export function canonicalEscapeLength(text: string, at: number): number {
  const e = text.charCodeAt(at + 1);
  if (e === 34 || e === 92 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) return 2;
  if (e !== 117 || text.charCodeAt(at + 2) !== 48 || text.charCodeAt(at + 3) !== 48) return -1;
  const hi = text.charCodeAt(at + 4);
  const lo = text.charCodeAt(at + 5);
  if (hi !== 48 && hi !== 49) return -1;
  const loValue = lo >= 48 && lo <= 57 ? lo - 48 : lo >= 97 && lo <= 102 ? lo - 87 : -1;
  if (loValue < 0) return -1;
  const code = (hi - 48) * 16 + loValue;
  if (code === 8 || code === 9 || code === 10 || code === 12 || code === 13) return -1;
  return 6;
}

/** 2 when a surrogate at `at` is a high one followed by a low one (one character), else -1. */
export function surrogatePairLength(text: string, at: number): number {
  const c = text.charCodeAt(at);
  const next = text.charCodeAt(at + 1);
  return c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : -1;
}
