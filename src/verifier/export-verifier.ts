import { canonicalJson } from '../ledger/canonical-json.js';
import { batchLinkReason, canonicalEnvelope, ChainLinks, LedgerEnvelope, LedgerFormatVersion, payloadHashInput, SALT_BYTES } from '../ledger/hash-rule.js';
import { payloadRoot, sha256Hex } from '../ledger/ledger-hash.js';
import { compactRange, MerkleRootBuilder, perfectSubtreeRoot } from '../ledger/merkle-verify.js';
import { isCanonicalJsonBytes } from './canonical-json-bytes.js';
import { digestIsHexAt, hexIsAt, ServiceLineHasher } from './line-hashes.js';
import { readServiceLayout, ServiceLayoutLine } from './service-layout.js';

/**
 * A streaming verifier of a ledger export (LEDGER-SPEC §5.5): JSON Lines, one entry a line, from
 * seq 1. Feed it the lines in order; it recomputes every hash (never trusting a stored one), checks
 * the links exactly as ChainVerifier does, and builds the RFC 9162 Merkle root of the recomputed
 * entry hashes incrementally, so the root at any size it passes can be compared with a checkpoint.
 *
 * Pure: no I/O. Memory: O(log n) for the tree plus one hash per batch seen.
 */
export interface ExportVerifierOptions {
  /** Tree sizes whose Merkle root to record as the entries pass them (e.g. a checkpoint's size). */
  rootsAt?: Iterable<number>;
  /**
   * Checks a chunk of the export on its own (in a worker), from entry `fromSeq` at line `fromLine`:
   * the links into the chunk (the prevHash of its first entry, the batchPrevHash of each batch's first
   * entry in it) are taken from the lines themselves and reported in the outcome, for the verifier
   * of the whole export to compare with the hashes it recomputed (see adopt). No Merkle tree: the
   * outcome carries the leaf hashes instead.
   */
  chunk?: { fromSeq: number; fromLine: number; maxEntries: number };
}

/** What a chunk verifier found, for the whole export's verifier to adopt (see ExportVerifier.adopt). */
export interface ChunkOutcome {
  fromSeq: number;
  /** Lines read, blank ones included. */
  lines: number;
  entries: number;
  erased: number;
  slow: number;
  /** An entry failed: the chunk must be checked again in order, which names the failure exactly. */
  failed: boolean;
  /** The links the chunk's entries were checked against, which the entries before it must provide. */
  assumedPrevHash: string;
  assumedHeads: [string, string | null][];
  /** The recomputed hash of the chunk's last entry and of each of its batches' latest entry. */
  lastHash: string;
  heads: [string, string | null][];
  /** 32 bytes an entry: SHA-256(0x00 || entry hash). */
  leaves: Uint8Array;
  /** The same leaves as the perfect subtrees of their compact range (compactRange), each as its root. */
  subtrees: { height: number; root: Uint8Array }[];
}

export interface ExportFailure {
  /** The seq the failing line holds or should hold. */
  seq: number;
  /** 1-based line number in the export (blank lines counted). */
  line: number;
  reason: string;
}

export interface ExportVerification {
  valid: boolean;
  /** Entries that passed every check (the tree size reached). */
  checkedEntries: number;
  /** Of those, entries whose payload was erased (salt and payload null): envelope checked, payload not checkable. */
  erasedPayloads: number;
  /** Entries whose payload line was not in canonical form and needed the full canonicalization. */
  slowPayloads: number;
  failure: ExportFailure | null;
  /** Merkle root of the checked entries. */
  root: Buffer;
  /** Roots recorded at the requested sizes that were reached. */
  roots: Map<number, Buffer>;
}

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

class EntryProblem extends Error {}

export class ExportVerifier {
  private readonly tree = new MerkleRootBuilder();
  private readonly wanted: Set<number>;
  private readonly roots = new Map<number, Buffer>();
  /** The links the next entry must hold: the recomputed hash before it and of each batch's latest entry. */
  private links = new ChainLinks(1, null);
  private readonly firstSeq: number;
  private accepted = 0;
  private lineNumber: number;
  /** Chunk mode only: the links taken from the lines, and the leaf hashes. */
  private readonly chunk: { assumedPrevHash: string | null; assumedHeads: [string, string | null][]; leaves: Buffer } | null;
  private erased = 0;
  private slow = 0;
  private failed: ExportFailure | null = null;
  /** salt || UTF-8(payload) is assembled here on the full check (a larger payload gets its own array). */
  private readonly scratch = new Uint8Array(64 * 1024);
  private readonly salt = Buffer.alloc(SALT_BYTES);
  private readonly hasher = new ServiceLineHasher();
  private viewOf: Buffer | null = null;
  private view: Uint8Array = new Uint8Array(0);

  constructor(options: ExportVerifierOptions = {}) {
    this.wanted = new Set(options.rootsAt ?? []);
    if (this.wanted.has(0)) this.roots.set(0, this.tree.root());
    this.firstSeq = options.chunk?.fromSeq ?? 1;
    this.lineNumber = (options.chunk?.fromLine ?? 1) - 1;
    this.chunk = options.chunk ? { assumedPrevHash: null, assumedHeads: [], leaves: Buffer.alloc(32 * options.chunk.maxEntries) } : null;
  }

  /** Entries checked so far (in chunk mode, of the chunk), which is the Merkle tree's size. */
  get size(): number {
    return this.accepted;
  }

  /** The seq the next line must hold. */
  get nextSeq(): number {
    return this.firstSeq + this.accepted;
  }

  get failure(): ExportFailure | null {
    return this.failed;
  }

  /** Root at a requested size, once the entries have reached it. */
  rootAt(size: number): Buffer | undefined {
    return this.roots.get(size);
  }

  /** Merkle root of the entries checked so far. */
  root(): Buffer {
    return this.tree.root();
  }

  /**
   * Checks the next line. Blank lines (and a trailing "\r") are ignored. Returns false once the
   * export has failed: the entries after a broken link prove nothing, so they are not checked.
   */
  push(rawLine: string): boolean {
    const bytes = Buffer.from(rawLine, 'utf8');
    return this.pushBytes(bytes, 0, bytes.length);
  }

  /** push() for the line held by bytes [start, end) in UTF-8, without its "\n": what readers of a file or stream call. */
  pushBytes(bytes: Buffer, start: number, end: number): boolean {
    if (this.failed) return false;
    this.lineNumber++;
    const to = end > start && bytes[end - 1] === 13 ? end - 1 : end;
    if (to === start) return true;
    const seq = this.nextSeq;
    try {
      if (!this.fastCheck(bytes, start, to, seq)) {
        const line = bytes.toString('utf8', start, to);
        if (this.chunk) this.assumeLinks(line, seq, this.chunk);
        this.fullCheck(line, seq);
      }
      return true;
    } catch (err) {
      if (!(err instanceof EntryProblem)) throw err;
      this.failed = { seq, line: this.lineNumber, reason: err.message };
      return false;
    }
  }

  /**
   * Call after the last line. `expectedSize`: the export must reach at least this many entries
   * (a checkpoint's size); fewer is a failure naming the first missing seq.
   */
  finish(expectedSize = 0): ExportVerification {
    if (!this.failed && this.accepted < expectedSize) {
      const seq = this.nextSeq;
      this.failed = {
        seq,
        line: this.lineNumber + 1,
        reason: `entry ${seq} is missing: the export ends at ${this.accepted} entries, it should reach ${expectedSize}`,
      };
    }
    return {
      valid: this.failed === null,
      checkedEntries: this.accepted,
      erasedPayloads: this.erased,
      slowPayloads: this.slow,
      failure: this.failed,
      root: this.tree.root(),
      roots: new Map(this.roots),
    };
  }

  /**
   * Every check on a line in the exact layout the service writes (see readServiceLayout), on its
   * bytes. It accepts only a line that is then valid JSON holding exactly these values and that passes
   * every check; anything else (including every failure) goes to fullCheck, which gives the verdict
   * and the reason. Returns true when the entry was accepted.
   */
  private fastCheck(buffer: Buffer, start: number, end: number, seq: number): boolean {
    const bytes = this.plainView(buffer);
    const read = readServiceLayout(bytes, start, end, seq);
    if (read === null) return false;
    const batchId = read.batchIdAt < 0 ? null : buffer.toString('latin1', read.batchIdAt, read.batchIdEnd);
    if (this.chunk) this.assumeLinksRead(buffer, read, batchId, this.chunk);
    if (!hexIsAt(this.links.previousHash, bytes, read.prevHashAt)) return false;
    const head = batchId === null ? null : this.links.batchHead(batchId);
    if (head === null ? read.batchPrevHashAt >= 0 : read.batchPrevHashAt < 0 || !hexIsAt(head, bytes, read.batchPrevHashAt)) return false;
    if (!this.hasher.payloadMatches(bytes, read)) return false;
    const digest = this.hasher.entryDigest(bytes, read);
    if (!digestIsHexAt(digest, bytes, read.hashAt)) return false;
    if (read.saltAt < 0) this.erased++;
    this.accept(seq, batchId, buffer.toString('latin1', read.hashAt, read.hashAt + 64), this.hasher.leafDigest(digest));
    return true;
  }

  /** The buffer as a plain Uint8Array, made once per buffer: V8 reads and views one faster than a Buffer. */
  private plainView(buffer: Buffer): Uint8Array {
    if (this.viewOf !== buffer) {
      this.viewOf = buffer;
      this.view = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    return this.view;
  }

  /** `hash` is the entry's recomputed hash in hex, `leaf` its Merkle leaf hash in latin1 (ServiceLineHasher). */
  private accept(seq: number, batchId: string | null, hash: string, leaf: string): void {
    this.links.accept(batchId, hash);
    if (this.chunk) {
      const leaves = this.chunk.leaves;
      const at = 32 * this.accepted;
      for (let k = 0; k < 32; k++) leaves[at + k] = leaf.charCodeAt(k);
    } else this.pushLeaf(seq, Buffer.from(leaf, 'latin1'));
    this.accepted++;
  }

  private pushLeaf(seq: number, leaf: Buffer): void {
    this.tree.push(leaf);
    if (this.wanted.size > 0 && this.wanted.has(seq)) this.roots.set(seq, this.tree.root());
  }

  /** Chunk mode, fast path: assumeLinks with the links read from the line's bytes. */
  private assumeLinksRead(bytes: Buffer, read: ServiceLayoutLine, batchId: string | null, chunk: NonNullable<ExportVerifier['chunk']>): void {
    if (chunk.assumedPrevHash === null) {
      this.links = new AssumingLinks(this.nextSeq, bytes.toString('latin1', read.prevHashAt, read.prevHashAt + 64), chunk.assumedHeads);
      chunk.assumedPrevHash = this.links.previousHash;
    }
    if (batchId !== null && !this.links.knowsBatch(batchId)) {
      const claimed = read.batchPrevHashAt < 0 ? null : bytes.toString('latin1', read.batchPrevHashAt, read.batchPrevHashAt + 64);
      this.links.seedBatchHead(batchId, claimed);
      chunk.assumedHeads.push([batchId, claimed]);
    }
  }

  /**
   * Chunk mode: the first entry's prevHash and each batch's first batchPrevHash in the chunk are
   * taken as the line states them. Whatever a line claims, the outcome only counts once adopt has
   * found the claims equal to the hashes recomputed before the chunk, so a misread claim costs a
   * re-check, never a wrong verdict.
   */
  private assumeLinks(line: string, seq: number, chunk: NonNullable<ExportVerifier['chunk']>): void {
    const claim = claimedLinks(line);
    if (chunk.assumedPrevHash === null) {
      this.links = new AssumingLinks(seq, claim?.prevHash ?? '', chunk.assumedHeads);
      chunk.assumedPrevHash = this.links.previousHash;
    }
    if (claim?.batchId != null && !this.links.knowsBatch(claim.batchId)) {
      this.links.seedBatchHead(claim.batchId, claim.batchPrevHash);
      chunk.assumedHeads.push([claim.batchId, claim.batchPrevHash]);
    }
  }

  /** Chunk mode: what the chunk holds, once its lines have all been pushed. */
  outcome(lines: number): ChunkOutcome {
    const chunk = this.chunk;
    if (!chunk) throw new Error('outcome() is for a verifier made with the chunk option');
    return {
      fromSeq: this.firstSeq,
      lines,
      entries: this.accepted,
      erased: this.erased,
      slow: this.slow,
      failed: this.failed !== null,
      assumedPrevHash: chunk.assumedPrevHash ?? this.links.previousHash,
      assumedHeads: chunk.assumedHeads,
      lastHash: this.links.previousHash,
      heads: [...this.links.batchHeadEntries()],
      leaves: chunk.leaves.subarray(0, 32 * this.accepted),
      // The tree's hashing for these leaves, done here (in the worker) rather than by the one thread that adopts every chunk.
      subtrees: compactRange(this.firstSeq - 1, this.firstSeq - 1 + this.accepted).map(({ start, height }) => ({
        height,
        root: perfectSubtreeRoot(chunk.leaves, start - (this.firstSeq - 1), height),
      })),
    };
  }

  /**
   * Takes on a chunk checked by a worker when it is the next one, every entry in it passed, and the
   * links it assumed are the hashes recomputed here: then pushing its lines here would have given
   * the same result, entry by entry. Returns false otherwise (nothing changed): the caller pushes the
   * chunk's lines here instead, which names any failure exactly as a run without workers would.
   */
  adopt(outcome: ChunkOutcome): boolean {
    if (this.failed || this.chunk || outcome.failed || outcome.fromSeq !== this.nextSeq) return false;
    if (outcome.entries > 0) {
      if (outcome.assumedPrevHash !== this.links.previousHash) return false;
      for (const [batchId, head] of outcome.assumedHeads) if (this.links.batchHead(batchId) !== head) return false;
      this.pushChunkLeaves(outcome);
      this.links.advance(outcome.entries, outcome.lastHash, outcome.heads);
    }
    this.accepted += outcome.entries;
    this.erased += outcome.erased;
    this.slow += outcome.slow;
    this.lineNumber += outcome.lines;
    return true;
  }

  /** A chunk's leaves into the tree: as its subtrees' roots, unless a root is wanted at a size inside the chunk. */
  private pushChunkLeaves(outcome: ChunkOutcome): void {
    const from = outcome.fromSeq - 1;
    const to = from + outcome.entries;
    const wantedInside = [...this.wanted].some((size) => size > from && size < to);
    if (wantedInside) {
      const leaves = Buffer.from(outcome.leaves.buffer, outcome.leaves.byteOffset, outcome.leaves.byteLength);
      for (let i = 0; i < outcome.entries; i++) this.pushLeaf(outcome.fromSeq + i, leaves.subarray(32 * i, 32 * i + 32));
      return;
    }
    for (const { height, root } of outcome.subtrees) this.tree.pushSubtree(Buffer.from(root.buffer, root.byteOffset, root.byteLength), height);
    if (this.wanted.has(to)) this.roots.set(to, this.tree.root());
  }

  /** Every check on a line in any JSON layout, with the reason for the first that fails. */
  private fullCheck(line: string, seq: number): void {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line);
    } catch (err) {
      throw new EntryProblem(`line ${this.lineNumber} (entry ${seq}) is not valid JSON: ${(err as Error).message}`);
    }
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new EntryProblem(`line ${this.lineNumber} (entry ${seq}) is not a JSON object`);
    }
    if (entry.seq !== seq) {
      throw new EntryProblem(
        typeof entry.seq === 'number'
          ? `entry ${seq} is missing (the next line holds entry ${entry.seq})`
          : `entry ${seq}: seq is ${JSON.stringify(entry.seq)}, not a number`,
      );
    }
    const envelope = checkShape(entry, seq);
    const salt = entry.salt;
    const payload = entry.payload;

    // v1: payloadHash = SHA-256(salt || UTF-8(JCS(payload))); v2: the root of its members (docs/ledger-format.md §2)
    if (salt === null || payload === null) {
      if (salt !== null || payload !== null) {
        throw new EntryProblem(`entry ${seq}: salt and payload must both be present, or both null for an erased payload`);
      }
      this.erased++;
    } else {
      if (typeof salt !== 'string' || !HEX32.test(salt)) throw new EntryProblem(`entry ${seq}: salt is not 16 bytes of lowercase hex`);
      if (!this.payloadMatches(line, envelope.v, salt, payload, envelope.payloadHash, seq)) {
        throw new EntryProblem(`entry ${seq}: the payload does not match its payloadHash (the payload or salt was changed)`);
      }
    }

    if (envelope.prevHash !== this.links.previousHash) {
      throw new EntryProblem(
        seq === 1 ? `entry 1: prevHash is not the genesis value (64 zeros)` : `entry ${seq}: prevHash does not match the hash of entry ${seq - 1}`,
      );
    }
    const hash = sha256Hex(canonicalEnvelope(envelope));
    if (hash !== entry.hash) {
      throw new EntryProblem(`entry ${seq}: the stored hash does not match its envelope (a member such as actor, type or recordedAt was changed)`);
    }
    const batchProblem = this.links.batchLinkProblem(envelope);
    if (batchProblem) throw new EntryProblem(batchLinkReason(batchProblem, seq));
    this.accept(seq, envelope.batchId, hash, this.hasher.leafDigest(Buffer.from(hash, 'hex').toString('latin1')));
  }

  /**
   * Fast path, exact: the payload's text on the line is the slice after the last `,"payload":` up to
   * the line's final `}`. When that slice is in canonical form (JCS) and hashes to payloadHash, it is
   * the top-level payload member verbatim (any other slice is not one JSON value, which the canonical
   * check refuses), so it equals canonicalJson(payload). Otherwise the authoritative path
   * canonicalizes the parsed payload.
   */
  private payloadMatches(line: string, v: LedgerFormatVersion, salt: string, payload: unknown, expected: string, seq: number): boolean {
    const at = line.lastIndexOf(PAYLOAD_KEY);
    if (at > 0 && line.charCodeAt(line.length - 1) === 125 /* } */) {
      const text = line.slice(at + PAYLOAD_KEY.length, line.length - 1);
      if (isCanonicalJsonBytes(Buffer.from(text, 'utf8')) && this.payloadHashOf(v, salt, text) === expected) return true;
    }
    this.slow++;
    let canonical: string;
    try {
      canonical = canonicalJson(payload, 'payload');
    } catch (err) {
      throw new EntryProblem(`entry ${seq}: the payload cannot be canonicalized: ${(err as Error).message}`);
    }
    return this.payloadHashOf(v, salt, canonical) === expected;
  }

  /** The payloadHash of a canonical payload text by its entry's version; null for a text that cannot be a v2 payload. */
  private payloadHashOf(v: LedgerFormatVersion, salt: string, text: string): string | null {
    if (v === 1) return this.saltedHash(salt, text);
    this.salt.write(salt, 0, SALT_BYTES, 'hex');
    return payloadRoot(this.salt, text);
  }

  /** payloadHash of a line's hex salt and payload text, in reused buffers. */
  private saltedHash(salt: string, text: string): string {
    this.salt.write(salt, 0, SALT_BYTES, 'hex');
    return sha256Hex(payloadHashInput(this.salt, text, this.scratch));
  }
}

/**
 * A chunk's links: a batch it has not seen is taken to have no entry before the chunk, and that is
 * recorded as an assumption too, so that whichever way a line names its batch, adopt checks every
 * head the chunk relied on.
 */
class AssumingLinks extends ChainLinks {
  constructor(
    fromSeq: number,
    previousHash: string,
    private readonly assumed: [string, string | null][],
  ) {
    super(fromSeq, previousHash);
  }

  override batchHead(batchId: string): string | null {
    if (!this.knowsBatch(batchId)) {
      this.assumed.push([batchId, null]);
      this.seedBatchHead(batchId, null);
    }
    return super.batchHead(batchId);
  }
}

/**
 * The links a line states (null when it states none): chunk mode's assumptions for a line the fast path
 * could not read, which the full check parses anyway.
 */
function claimedLinks(line: string): { prevHash: string; batchId: string | null; batchPrevHash: string | null } | null {
  try {
    const e = JSON.parse(line) as Record<string, unknown>;
    if (typeof e?.prevHash !== 'string') return null;
    return {
      prevHash: e.prevHash,
      batchId: typeof e.batchId === 'string' ? e.batchId : null,
      batchPrevHash: typeof e.batchPrevHash === 'string' ? e.batchPrevHash : null,
    };
  } catch {
    return null;
  }
}
const PAYLOAD_KEY = ',"payload":';

/** The nine envelope members with the types LEDGER-SPEC §1 gives them; anything else fails the entry. */
function checkShape(e: Record<string, unknown>, seq: number): LedgerEnvelope {
  const bad = (member: string, what: string): never => {
    throw new EntryProblem(`entry ${seq}: ${member} ${what}`);
  };
  if (e.v !== 1 && e.v !== 2) bad('v', `is ${JSON.stringify(e.v)}, not 1 or 2`);
  if (typeof e.prevHash !== 'string' || !HEX64.test(e.prevHash)) bad('prevHash', 'is not a 64-digit lowercase hex hash');
  if (typeof e.type !== 'string') bad('type', 'is not a string');
  if (e.batchId !== null && typeof e.batchId !== 'string') bad('batchId', 'is neither a string nor null');
  if (e.batchPrevHash !== null && (typeof e.batchPrevHash !== 'string' || !HEX64.test(e.batchPrevHash))) {
    bad('batchPrevHash', 'is neither a 64-digit lowercase hex hash nor null');
  }
  if (typeof e.actor !== 'string') bad('actor', 'is not a string');
  if (typeof e.recordedAt !== 'string') bad('recordedAt', 'is not a string');
  if (typeof e.payloadHash !== 'string' || !HEX64.test(e.payloadHash)) bad('payloadHash', 'is not a 64-digit lowercase hex hash');
  if (typeof e.hash !== 'string') bad('hash', 'is not a string');
  return e as unknown as LedgerEnvelope;
}
