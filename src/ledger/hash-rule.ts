/**
 * The ledger's hash rule (LEDGER-SPEC §1, §2 and §5.1), the one copy that the service, the export
 * verifier and the consumer page's script (src/scan/browser) all use: what is hashed, byte for byte,
 * and how each entry links to the one before it and to its batch's previous entry.
 *
 * It imports nothing and computes no SHA-256 itself: each caller passes its own (node:crypto's,
 * synchronous, on the service's hot paths; WebCrypto's, a promise, in the browser).
 */

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
