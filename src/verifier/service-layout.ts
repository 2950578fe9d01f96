import type { LedgerFormatVersion } from '../ledger/hash-rule.js';

/**
 * Reads an export line in the exact layout the service writes (members in the export's order, no
 * white space), without JSON.parse: the export verifier's fast path. It answers null for any other
 * layout (the caller then parses the line in full), so it must never accept a line JSON.parse would
 * read differently.
 */
const LAYOUT_V1_SEQ = '{"v":1,"seq":';
const LAYOUT_V2_SEQ = '{"v":2,"seq":';
const LAYOUT_PREV = ',"prevHash":"';
const LAYOUT_TYPE = '","type":"';
const LAYOUT_BATCH = '","batchId":';
const LAYOUT_BATCH_PREV = ',"batchPrevHash":';
const LAYOUT_ACTOR = ',"actor":"';
const LAYOUT_RECORDED_AT = '","recordedAt":"';
const LAYOUT_PAYLOAD_HASH = '","payloadHash":"';
const LAYOUT_HASH = '","hash":"';
const LAYOUT_SALT = '","salt":';
export const PAYLOAD_KEY = ',"payload":';
const HEX_HASH_LENGTH = 64;
const HEX32 = /^[0-9a-f]{32}$/;
/** A character that makes a JSON string's raw text differ from its value, or makes it invalid. */
// eslint-disable-next-line no-control-regex -- a raw control character in a JSON string is exactly what this looks for
const UNSIMPLE = /[\\\x00-\x1f]/;

/** The links a line must hold, known before it is read: they are matched in place, never parsed. */
export interface ExpectedLinks {
  readonly previousHash: string;
  batchHead(batchId: string): string | null;
}

/** The members of a line in the service's layout; the two hashes are left on the line, at these offsets. */
export interface ServiceLayoutLine {
  v: LedgerFormatVersion;
  type: string;
  batchId: string | null;
  batchPrevHash: string | null;
  actor: string;
  recordedAt: string;
  payloadHashAt: number;
  hashAt: number;
  /** null for an erased payload. */
  salt: string | null;
  payloadText: string;
}

/** The line's members when it is in the service's layout, holds entry `seq` and the expected links; else null. */
export function readServiceLayout(line: string, seq: number, links: ExpectedLinks): ServiceLayoutLine | null {
  const at = new LineCursor(line);
  const v = at.skip(LAYOUT_V1_SEQ) ? 1 : at.skip(LAYOUT_V2_SEQ) ? 2 : null;
  if (v === null || !at.skip(String(seq)) || !at.skip(LAYOUT_PREV) || !at.skip(links.previousHash) || !at.skip(LAYOUT_TYPE)) return null;
  const type = at.textToQuote();
  if (type === null || !at.skip(LAYOUT_BATCH)) return null;
  const batchId = at.nullOrString();
  if (batchId === undefined || !at.skip(LAYOUT_BATCH_PREV)) return null;
  const batchPrevHash = batchId === null ? null : links.batchHead(batchId);
  if (!at.skipNullOrQuoted(batchPrevHash) || !at.skip(LAYOUT_ACTOR)) return null;
  const actor = at.textToQuote();
  if (actor === null || !at.skip(LAYOUT_RECORDED_AT)) return null;
  const recordedAt = at.textToQuote();
  if (recordedAt === null || !at.skip(LAYOUT_PAYLOAD_HASH)) return null;
  const payloadHashAt = at.pass(HEX_HASH_LENGTH);
  if (!at.skip(LAYOUT_HASH)) return null;
  const hashAt = at.pass(HEX_HASH_LENGTH);
  if (!at.skip(LAYOUT_SALT)) return null;
  const salt = at.nullOrSalt();
  if (salt === undefined || !at.skip(PAYLOAD_KEY) || line.charCodeAt(line.length - 1) !== 125 /* } */) return null;
  const payloadText = line.slice(at.position, line.length - 1);
  // The free-text members must need no unescaping for their raw text to be their value.
  if (UNSIMPLE.test(type) || UNSIMPLE.test(actor) || UNSIMPLE.test(recordedAt) || (batchId !== null && UNSIMPLE.test(batchId))) return null;
  return { v, type, batchId, batchPrevHash, actor, recordedAt, payloadHashAt, hashAt, salt, payloadText };
}

/** A position on a line that moves forward as its parts are matched. */
class LineCursor {
  position = 0;

  constructor(private readonly line: string) {}

  /** Moves past `text` when the line holds it here. */
  skip(text: string): boolean {
    if (!this.line.startsWith(text, this.position)) return false;
    this.position += text.length;
    return true;
  }

  /** Moves `length` characters on, unread; returns where they start. */
  pass(length: number): number {
    const start = this.position;
    this.position += length;
    return start;
  }

  /** The raw text up to the next quote, which stays unread; null when there is none. */
  textToQuote(): string | null {
    const end = this.line.indexOf('"', this.position);
    if (end < 0) return null;
    const text = this.line.slice(this.position, end);
    this.position = end;
    return text;
  }

  /** `null`, or a quoted string's raw text; undefined when neither is here. */
  nullOrString(): string | null | undefined {
    if (this.skip('null')) return null;
    if (this.line.charCodeAt(this.position) !== 34) return undefined;
    const end = this.line.indexOf('"', this.position + 1);
    if (end < 0) return undefined;
    const text = this.line.slice(this.position + 1, end);
    this.position = end + 1;
    return text;
  }

  /** Moves past `null` when `expected` is null, else past `expected` in quotes. */
  skipNullOrQuoted(expected: string | null): boolean {
    if (expected === null) return this.skip('null');
    return this.skip('"') && this.skip(expected) && this.skip('"');
  }

  /** `null`, or a quoted salt of 32 lowercase hex digits; undefined when neither is here. */
  nullOrSalt(): string | null | undefined {
    if (this.skip('null')) return null;
    const at = this.position;
    if (this.line.charCodeAt(at) !== 34 || this.line.charCodeAt(at + 33) !== 34) return undefined;
    const salt = this.line.slice(at + 1, at + 33);
    if (!HEX32.test(salt)) return undefined;
    this.position = at + 34;
    return salt;
  }
}
