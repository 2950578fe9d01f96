/**
 * The ledger's hash rule (LEDGER-SPEC §1, §2 and §5.1), the one copy that the service, the export
 * verifier and the consumer page's script (src/scan/browser) all use: what is hashed, byte for byte,
 * and how each entry links to the one before it and to its batch's previous entry.
 *
 * It imports nothing and computes no SHA-256 itself: each caller passes its own (node:crypto's,
 * synchronous, on the service's hot paths; WebCrypto's, a promise, in the browser).
 */

/** The entry format versions: 1 (LEDGER-SPEC.md, payload hashed whole), 2 (docs/ledger-format.md, member by member). */
export type LedgerFormatVersion = 1 | 2;

/** LEDGER-SPEC §1: the nine envelope members, exactly (the same nine in both versions). */
export interface LedgerEnvelope {
  v: LedgerFormatVersion;
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
export const LEDGER_FORMAT_VERSIONS: readonly LedgerFormatVersion[] = [1, 2];
export const GENESIS_PREV_HASH = '0'.repeat(64);
export const SALT_BYTES = 16;

/** SHA-256 as lowercase hex; a string is hashed as its UTF-8 bytes. Synchronous (string) or not (a promise). */
export type Sha256Hex<R extends string | Promise<string>> = (data: Uint8Array | string) => R;

/**
 * JCS of the envelope, written out by hand: its members and their types are fixed, so the key
 * order is known and only the strings need escaping (JSON.stringify escapes exactly as JCS does).
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

/** `hash = SHA-256(UTF-8(JCS(envelope)))`. */
export function entryHashWith<R extends string | Promise<string>>(sha256: Sha256Hex<R>, e: LedgerEnvelope): R {
  return sha256(canonicalEnvelope(e));
}

const utf8 = new TextEncoder();

/**
 * The bytes payloadHash covers: `salt || UTF-8(canonical payload)`. Written into `scratch` when it is
 * large enough (a verifier reuses one buffer for millions of entries), else into a new array.
 */
export function payloadHashInput(salt: Uint8Array, canonicalPayload: string, scratch?: Uint8Array): Uint8Array {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const most = salt.length + canonicalPayload.length * 3;
  const out = scratch && scratch.length >= most ? scratch : new Uint8Array(most);
  out.set(salt, 0);
  const { written } = utf8.encodeInto(canonicalPayload, out.subarray(salt.length));
  return out.subarray(0, salt.length + written);
}

/** `payloadHash = SHA-256(salt || UTF-8(JCS(payload)))`, the canonical text given as computed once. */
export function payloadHashWith<R extends string | Promise<string>>(sha256: Sha256Hex<R>, salt: Uint8Array, canonicalPayload: string): R {
  return sha256(payloadHashInput(salt, canonicalPayload));
}

// ---- Format v2 (docs/ledger-format.md §2): a payload committed member by member ----

/** Domain-separation bytes of v2's three hashes (distinct from the Merkle tree's 0x00 and 0x01). */
export const MEMBER_SALT_PREFIX = 0x10;
export const MEMBER_LEAF_PREFIX = 0x11;
export const PAYLOAD_ROOT_PREFIX = 0x12;

/** A v2 payload's member names: plain identifiers, so JCS writes them as they are and SQL can split on them. */
export const MEMBER_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One top-level member of a v2 payload: its name and `text`, exactly `"name":<JCS of its value>` as in the canonical payload. */
export interface PayloadMember {
  name: string;
  text: string;
}

/**
 * The members of a canonical payload text, in order, each as the exact slice of the text it is (so the
 * canonical payload is `{` + the texts joined by `,` + `}`). Refuses (returns a reason) a text that is
 * not an object, a name that is not an identifier, or names out of canonical (strictly ascending) order.
 */
export function splitPayloadMembers(canonicalPayload: string): PayloadMember[] | string {
  const text = canonicalPayload;
  if (text[0] !== '{' || text[text.length - 1] !== '}') return 'the payload is not a JSON object';
  const members: PayloadMember[] = [];
  if (text === '{}') return members;
  let at = 1;
  while (at < text.length) {
    const nameEnd = text.indexOf('"', at + 1);
    const name = text.slice(at + 1, nameEnd);
    if (text[at] !== '"' || nameEnd < 0 || text[nameEnd + 1] !== ':' || !MEMBER_NAME_PATTERN.test(name)) {
      return `a member name at character ${at} is not an identifier`;
    }
    const previous = members[members.length - 1];
    if (previous && !(previous.name < name)) return `member ${JSON.stringify(name)} is out of canonical order`;
    const end = valueEnd(text, nameEnd + 2);
    if (end < 0) return `member ${JSON.stringify(name)} does not end`;
    members.push({ name, text: text.slice(at, end) });
    if (text[end] === '}') return end === text.length - 1 ? members : 'text follows the payload object';
    at = end + 1;
  }
  return 'the payload object does not end';
}

/** Index of the `,` or `}` that ends the JSON value starting at `from` (outside strings, at depth 0); −1 if none. */
function valueEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, past escapes.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) return c === 0x7d ? i : -1;
      depth--;
    } else if (c === 0x2c && depth === 0) return i;
  }
  return -1;
}

/**
 * `prefix || head[0..headLength] || UTF-8(text)`, the shape of v2's three hash inputs. Written into `scratch`
 * when it is large enough (the service reuses one buffer for every member of every entry), else into a new
 * array of exactly that length.
 */
function prefixedInput(prefix: number, head: Uint8Array, headLength: number, text: string, scratch?: Uint8Array): Uint8Array {
  const start = 1 + headLength;
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const out = scratch && scratch.length >= start + text.length * 3 ? scratch : null;
  if (out === null) {
    const encoded = utf8.encode(text);
    const exact = new Uint8Array(start + encoded.length);
    exact[0] = prefix;
    exact.set(head.subarray(0, headLength), 1);
    exact.set(encoded, start);
    return exact;
  }
  out[0] = prefix;
  // A salt is 16 bytes: a loop, rather than a view of it for set().
  for (let i = 0; i < headLength; i++) out[1 + i] = head[i];
  return out.subarray(0, start + utf8.encodeInto(text, out.subarray(start)).written);
}

const NO_BYTES = new Uint8Array(0);

/** `0x10 || entry salt || UTF-8(name)`: a member's salt is the first 16 bytes of its SHA-256. */
export function memberSaltInput(entrySalt: Uint8Array, name: string, scratch?: Uint8Array): Uint8Array {
  return prefixedInput(MEMBER_SALT_PREFIX, entrySalt, entrySalt.length, name, scratch);
}

/** `0x11 || member salt || UTF-8("name":<JCS(value)>)`: the member's leaf is its SHA-256. */
export function memberLeafInput(memberSalt: Uint8Array, memberText: string, scratch?: Uint8Array): Uint8Array {
  return prefixedInput(MEMBER_LEAF_PREFIX, memberSalt, memberSalt.length, memberText, scratch);
}

/** JCS of `{ name: leaf hash hex, … }`, the pairs given in canonical order (names are identifiers: nothing to escape). */
export function memberHashesText(pairs: readonly (readonly [string, string])[]): string {
  return `{${pairs.map(([name, leaf]) => `"${name}":"${leaf}"`).join(',')}}`;
}

/** `0x12 || UTF-8(memberHashesText)`: a v2 entry's payloadHash is its SHA-256. */
export function payloadRootInput(hashesText: string, scratch?: Uint8Array): Uint8Array {
  return prefixedInput(PAYLOAD_ROOT_PREFIX, NO_BYTES, 0, hashesText, scratch);
}

/** The 16 bytes of a member salt from the hex SHA-256 of memberSaltInput. */
export function memberSaltOf(saltInputHashHex: string): Uint8Array {
  return bytesOfHex(saltInputHashHex.slice(0, SALT_BYTES * 2));
}

/**
 * SHA-256 as its 32 bytes, synchronous, in an array of its own (never a view of its input): with it the
 * service keeps each member salt as bytes, with no hex round-trip.
 */
export type Sha256Bytes = (data: Uint8Array) => Uint8Array;

/** What payloadRootWith's hot path takes beside the hex SHA-256: the same SHA-256 answering bytes, and one buffer for every hash input. */
export interface PayloadRootScratch {
  sha256Bytes: Sha256Bytes;
  scratch: Uint8Array;
}

/**
 * A v2 payloadHash from the entry salt and the payload's members, with a synchronous SHA-256. Given `fast`
 * (the same SHA-256 answering bytes, and a scratch buffer), the member salts stay bytes and every input is
 * written into the scratch; the leaves stay hex, which is what memberHashesText is made of.
 */
export function payloadRootWith(sha256: Sha256Hex<string>, entrySalt: Uint8Array, members: readonly PayloadMember[], fast?: PayloadRootScratch): string {
  if (!fast) {
    const pairs = members.map((m) => [m.name, sha256(memberLeafInput(memberSaltOf(sha256(memberSaltInput(entrySalt, m.name))), m.text))] as const);
    return sha256(payloadRootInput(memberHashesText(pairs)));
  }
  const { sha256Bytes, scratch } = fast;
  const pairs = members.map((m) => {
    // The salt input's whole digest, of which the leaf input takes the first SALT_BYTES.
    const saltDigest = sha256Bytes(memberSaltInput(entrySalt, m.name, scratch));
    return [m.name, sha256(prefixedInput(MEMBER_LEAF_PREFIX, saltDigest, SALT_BYTES, m.text, scratch))] as const;
  });
  return sha256(payloadRootInput(memberHashesText(pairs), scratch));
}

/** payloadRootWith for a SHA-256 that answers with a promise (WebCrypto's). */
export async function payloadRootAsync(sha256: Sha256Hex<Promise<string>>, entrySalt: Uint8Array, members: readonly PayloadMember[]): Promise<string> {
  const pairs: (readonly [string, string])[] = [];
  for (const m of members) {
    const memberSalt = memberSaltOf(await sha256(memberSaltInput(entrySalt, m.name)));
    pairs.push([m.name, await sha256(memberLeafInput(memberSalt, m.text))]);
  }
  return sha256(payloadRootInput(memberHashesText(pairs)));
}

function bytesOfHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** What is wrong with an entry's batchPrevHash, in the words every verifier shares. */
export type BatchLinkProblem = 'FIRST_ENTRY_NOT_NULL' | 'PREVIOUS_ENTRY_MISMATCH' | 'SET_WITHOUT_BATCH';

/**
 * LEDGER-SPEC §1's batch link: `batchPrevHash` is the hash of the previous entry with the same
 * batchId (`batchHead`, null when there is none), and null when batchId is null.
 */
export function batchLinkProblem(batchId: string | null, batchPrevHash: string | null, batchHead: string | null): BatchLinkProblem | null {
  if (batchId === null) return batchPrevHash === null ? null : 'SET_WITHOUT_BATCH';
  if (batchPrevHash === batchHead) return null;
  return batchHead === null ? 'FIRST_ENTRY_NOT_NULL' : 'PREVIOUS_ENTRY_MISMATCH';
}

/** The prevHash entry `seq` must hold, given the recomputed hash of entry seq − 1. */
export function expectedPrevHash(seq: number, hashBefore: string): string {
  return seq === 1 ? GENESIS_PREV_HASH : hashBefore;
}

/**
 * The links of a run of consecutive entries (LEDGER-SPEC §5.1): the next seq, the hash its prevHash
 * must equal, and the recomputed hash of each batch's latest entry. Its user recomputes each entry's
 * hash and, once the entry checks out, calls `accept` with it — never with a stored hash.
 */
export class ChainLinks {
  private seq: number;
  private hashBefore: string;
  private readonly batchHeads = new Map<string, string | null>();

  /** `previousHash`: the hash of entry fromSeq − 1 (ignored when fromSeq is 1). */
  constructor(fromSeq: number, previousHash: string | null) {
    this.seq = fromSeq;
    this.hashBefore = expectedPrevHash(fromSeq, previousHash ?? '');
  }

  get nextSeq(): number {
    return this.seq;
  }

  /** The prevHash the next entry must hold. */
  get previousHash(): string {
    return this.hashBefore;
  }

  knowsBatch(batchId: string): boolean {
    return this.batchHeads.has(batchId);
  }

  /** For a range that starts after a batch's earlier entries: the hash its next entry must link to. */
  seedBatchHead(batchId: string, hash: string | null): void {
    this.batchHeads.set(batchId, hash);
  }

  /** The hash the batch's next entry must link to; null for its first. */
  batchHead(batchId: string): string | null {
    return this.batchHeads.get(batchId) ?? null;
  }

  batchLinkProblem(e: Pick<LedgerEnvelope, 'batchId' | 'batchPrevHash'>): BatchLinkProblem | null {
    return batchLinkProblem(e.batchId, e.batchPrevHash, e.batchId === null ? null : this.batchHead(e.batchId));
  }

  /** The recomputed hash of each batch's latest entry, as far as this run knows them. */
  batchHeadEntries(): IterableIterator<[string, string | null]> {
    return this.batchHeads.entries();
  }

  /**
   * Takes on a run of `count` entries checked elsewhere (a worker's chunk) whose links into this run
   * were found to hold: `lastHash` is the recomputed hash of its last entry, `heads` its batches' latest.
   */
  advance(count: number, lastHash: string, heads: Iterable<[string, string | null]>): void {
    for (const [batchId, hash] of heads) this.batchHeads.set(batchId, hash);
    this.hashBefore = lastHash;
    this.seq += count;
  }

  /** The next entry checked out; `hash` is its recomputed hash. */
  accept(batchId: string | null, hash: string): void {
    if (batchId !== null) this.batchHeads.set(batchId, hash);
    this.hashBefore = hash;
    this.seq++;
  }
}

/** The verifiers' English reason for a batch link problem of entry `seq`. */
export function batchLinkReason(problem: BatchLinkProblem, seq: number): string {
  switch (problem) {
    case 'FIRST_ENTRY_NOT_NULL':
      return `entry ${seq}: batchPrevHash should be null for the batch's first entry`;
    case 'PREVIOUS_ENTRY_MISMATCH':
      return `entry ${seq}: batchPrevHash does not match the hash of the batch's previous entry`;
    case 'SET_WITHOUT_BATCH':
      return `entry ${seq}: batchPrevHash is set on an entry with no batch`;
  }
}
