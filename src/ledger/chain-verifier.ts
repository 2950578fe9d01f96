import { LedgerEntry } from './ledger-entry.js';
import { entryHash, GENESIS_PREV_HASH, payloadHash } from './ledger-hash.js';

export interface VerificationResult {
  valid: boolean;
  checkedEntries: number;
  firstInvalidSeq: number | null;
  reason: string | null;
}

/**
 * Checks a run of consecutive ledger entries as LEDGER-SPEC §5 asks, recomputing every hash from
 * the stored members and never trusting a stored hash: each link is checked against the hash
 * recomputed for the entry before it.
 */
export class ChainVerifier {
  private checked = 0;
  private failure: { seq: number; reason: string } | null = null;
  private expectedSeq: number;
  private previousHash: string;
  /** Recomputed hash of each batch's latest entry seen so far. */
  private readonly batchHeads = new Map<string, string | null>();

  constructor(start: { fromSeq: number; previousHash: string | null }) {
    this.expectedSeq = start.fromSeq;
    this.previousHash = start.fromSeq === 1 ? GENESIS_PREV_HASH : (start.previousHash ?? '');
  }

  knowsBatch(batchId: string): boolean {
    return this.batchHeads.has(batchId);
  }

  /** For a range that starts after a batch's earlier entries: the hash its next entry must link to. */
  seedBatchHead(batchId: string, hash: string | null): void {
    this.batchHeads.set(batchId, hash);
  }

  /** Checks the next entry; returns false once the chain is broken (later entries prove nothing). */
  check(entry: LedgerEntry): boolean {
    if (this.failure) return false;
    const reason = this.problemWith(entry);
    if (reason) {
      this.failure = { seq: reason.seq, reason: reason.text };
      return false;
    }
    this.checked++;
    return true;
  }

  /** Call after the last entry: a range that ends early is missing entries. */
  finish(toSeq: number): VerificationResult {
    if (!this.failure && this.expectedSeq <= toSeq) {
      this.failure = { seq: this.expectedSeq, reason: `entry ${this.expectedSeq} is missing (the ledger should reach ${toSeq})` };
    }
    return {
      valid: this.failure === null,
      checkedEntries: this.checked,
      firstInvalidSeq: this.failure?.seq ?? null,
      reason: this.failure?.reason ?? null,
    };
  }

  private problemWith(entry: LedgerEntry): { seq: number; text: string } | null {
    if (entry.seq !== this.expectedSeq) {
      return { seq: this.expectedSeq, text: `entry ${this.expectedSeq} is missing (the next stored entry is ${entry.seq})` };
    }
    const seq = entry.seq;
    if (entry.payload !== null && entry.salt !== null && payloadHash(Buffer.from(entry.salt, 'hex'), entry.payload) !== entry.payloadHash) {
      return { seq, text: `entry ${seq}: the payload does not match its payloadHash (the payload or salt was changed)` };
    }
    if (entry.prevHash !== this.previousHash) {
      return { seq, text: `entry ${seq}: prevHash does not match the hash of entry ${seq - 1}` };
    }
    const hash = entryHash(entry);
    if (hash !== entry.hash) {
      return { seq, text: `entry ${seq}: the stored hash does not match its envelope (a member such as actor, type or recordedAt was changed)` };
    }
    if (entry.batchId !== null) {
      const expected = this.batchHeads.get(entry.batchId) ?? null;
      if (entry.batchPrevHash !== expected) {
        return {
          seq,
          text:
            expected === null
              ? `entry ${seq}: batchPrevHash should be null for the batch's first entry`
              : `entry ${seq}: batchPrevHash does not match the hash of the batch's previous entry`,
        };
      }
      this.batchHeads.set(entry.batchId, hash);
    } else if (entry.batchPrevHash !== null) {
      return { seq, text: `entry ${seq}: batchPrevHash is set on an entry with no batch` };
    }
    this.expectedSeq = seq + 1;
    this.previousHash = hash;
    return null;
  }
}

/**
 * Checks one batch's own sub-chain: every entry's hashes, the batchPrevHash links from the first
 * entry on, and each entry's prevHash against the (recomputed) hash of the ledger entry just before it.
 */
export function verifyBatchEntries(entries: { entry: LedgerEntry; previous: LedgerEntry | null }[]): VerificationResult {
  let batchHead: string | null = null;
  let checked = 0;
  for (const { entry, previous } of entries) {
    const seq = entry.seq;
    const fail = (reason: string, at = seq): VerificationResult => ({ valid: false, checkedEntries: checked, firstInvalidSeq: at, reason });
    if (entry.payload !== null && entry.salt !== null && payloadHash(Buffer.from(entry.salt, 'hex'), entry.payload) !== entry.payloadHash) {
      return fail(`entry ${seq}: the payload does not match its payloadHash (the payload or salt was changed)`);
    }
    const hash = entryHash(entry);
    if (hash !== entry.hash) {
      return fail(`entry ${seq}: the stored hash does not match its envelope (a member such as actor, type or recordedAt was changed)`);
    }
    if (seq === 1) {
      if (entry.prevHash !== GENESIS_PREV_HASH) return fail(`entry 1: prevHash is not the genesis value`);
    } else if (previous === null || previous.seq !== seq - 1) {
      return fail(`entry ${seq - 1}, just before entry ${seq}, is missing`, seq - 1);
    } else if (entry.prevHash !== entryHash(previous)) {
      return fail(`entry ${seq}: prevHash does not match the hash of entry ${seq - 1}`);
    }
    if (entry.batchPrevHash !== batchHead) {
      return fail(
        batchHead === null
          ? `entry ${seq}: batchPrevHash should be null for the batch's first entry`
          : `entry ${seq}: batchPrevHash does not match the hash of the batch's previous entry (an entry of the batch is missing or changed)`,
      );
    }
    batchHead = hash;
    checked++;
  }
  return validResult(checked);
}

/** The verdict on entries that all checked out. */
export function validResult(checkedEntries: number): VerificationResult {
  return { valid: true, checkedEntries, firstInvalidSeq: null, reason: null };
}
