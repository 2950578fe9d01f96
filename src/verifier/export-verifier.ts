import { hash as sha256Once } from 'node:crypto';
import { canonicalJson } from '../ledger/canonical-json.js';
import { batchLinkReason, canonicalEnvelope, ChainLinks, LedgerEnvelope, LedgerFormatVersion, payloadHashInput, SALT_BYTES } from '../ledger/hash-rule.js';
import { payloadRoot, sha256Hex } from '../ledger/ledger-hash.js';
import { MerkleRootBuilder } from '../ledger/merkle-verify.js';
import { isCanonicalJsonText } from './canonical-json-text.js';
import { PAYLOAD_KEY, readServiceLayout, ServiceLayoutLine } from './service-layout.js';

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
  private readonly links = new ChainLinks(1, null);
  private lineNumber = 0;
  private erased = 0;
  private slow = 0;
  private failed: ExportFailure | null = null;
  /** salt || UTF-8(payload) is assembled here (a larger payload gets its own array). */
  private readonly scratch = new Uint8Array(64 * 1024);
  private readonly salt = Buffer.alloc(SALT_BYTES);
  /** 0x00 || entry hash: the leaf's input (LEDGER-SPEC §3). */
  private readonly leafInput = Buffer.alloc(33);

  constructor(options: ExportVerifierOptions = {}) {
    this.wanted = new Set(options.rootsAt ?? []);
    if (this.wanted.has(0)) this.roots.set(0, this.tree.root());
  }

  /** Entries checked so far, which is the Merkle tree's size. */
  get size(): number {
    return this.tree.size;
  }

  /** The seq the next line must hold. */
  get nextSeq(): number {
    return this.tree.size + 1;
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
    if (this.failed) return false;
    this.lineNumber++;
    let line = rawLine;
    if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (line.length === 0) return true;
    const seq = this.tree.size + 1;
    try {
      this.check(line, seq);
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
    if (!this.failed && this.tree.size < expectedSize) {
      const seq = this.tree.size + 1;
      this.failed = {
        seq,
        line: this.lineNumber + 1,
        reason: `entry ${seq} is missing: the export ends at ${this.tree.size} entries, it should reach ${expectedSize}`,
      };
    }
    return {
      valid: this.failed === null,
      checkedEntries: this.tree.size,
      erasedPayloads: this.erased,
      slowPayloads: this.slow,
      failure: this.failed,
      root: this.tree.root(),
      roots: new Map(this.roots),
    };
  }

  private check(line: string, seq: number): void {
    if (!this.fastCheck(line, seq)) this.fullCheck(line, seq);
  }

  /**
   * The same checks on a line in the exact layout the service writes (see readServiceLayout). It
   * accepts only a line that is then valid JSON holding exactly these values and that passes every
   * check; anything else (including every failure) goes to fullCheck, which gives the verdict and
   * the reason. Returns true when the entry was accepted.
   */
  private fastCheck(line: string, seq: number): boolean {
    const read = readServiceLayout(line, seq, this.links);
    if (read === null) return false;
    const payloadHash = this.fastPayloadHash(line, read);
    if (payloadHash === null) return false;
    const { type, batchId, batchPrevHash, actor, recordedAt } = read;
    const envelope: LedgerEnvelope = { v: read.v, seq, prevHash: this.links.previousHash, type, batchId, batchPrevHash, actor, recordedAt, payloadHash };
    const hash = sha256Hex(canonicalEnvelope(envelope));
    if (!line.startsWith(hash, read.hashAt)) return false;

    if (read.salt === null) this.erased++;
    this.accept(seq, batchId, hash);
    return true;
  }

  /** The line's payloadHash when its payload (or its erasure) checks out on the fast path; else null. */
  private fastPayloadHash(line: string, read: ServiceLayoutLine): string | null {
    if (read.salt === null) {
      if (read.payloadText !== 'null') return null;
      const stored = line.slice(read.payloadHashAt, read.payloadHashAt + 64);
      return HEX64.test(stored) ? stored : null;
    }
    if (!isCanonicalJsonText(read.payloadText)) return null;
    const computed = this.payloadHashOf(read.v, read.salt, read.payloadText);
    if (computed === null) return null;
    return line.startsWith(computed, read.payloadHashAt) ? computed : null;
  }

  private accept(seq: number, batchId: string | null, hash: string): void {
    this.links.accept(batchId, hash);
    // hashLeaf(Buffer.from(hash, 'hex')), SHA-256(0x00 || hash), in one call on a reused buffer
    this.leafInput.write(hash, 1, 32, 'hex');
    this.tree.push(sha256Once('sha256', this.leafInput, 'buffer'));
    if (this.wanted.size > 0 && this.wanted.has(seq)) this.roots.set(seq, this.tree.root());
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
    this.accept(seq, envelope.batchId, hash);
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
      if (isCanonicalJsonText(text) && this.payloadHashOf(v, salt, text) === expected) return true;
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
