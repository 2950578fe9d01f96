import { batchLinkReason, ChainLinks, GENESIS_PREV_HASH } from './hash-rule.js';
import { LedgerEntry } from './ledger-entry.js';
import { entryHash, payloadHashOf } from './ledger-hash.js';

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
  private readonly links: ChainLinks;

  constructor(start: { fromSeq: number; previousHash: string | null }) {
    this.links = new ChainLinks(start.fromSeq, start.previousHash);
  }

  knowsBatch(batchId: string): boolean {
    return this.links.knowsBatch(batchId);
  }

  /** For a range that starts after a batch's earlier entries: the hash its next entry must link to. */
  seedBatchHead(batchId: string, hash: string | null): void {
    this.links.seedBatchHead(batchId, hash);
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
    const expectedSeq = this.links.nextSeq;
    if (!this.failure && expectedSeq <= toSeq) {
      this.failure = { seq: expectedSeq, reason: `entry ${expectedSeq} is missing (the ledger should reach ${toSeq})` };
    }
    return {
      valid: this.failure === null,
      checkedEntries: this.checked,
      firstInvalidSeq: this.failure?.seq ?? null,
      reason: this.failure?.reason ?? null,
    };
  }

  private problemWith(entry: LedgerEntry): { seq: number; text: string } | null {
    const expectedSeq = this.links.nextSeq;
    if (entry.seq !== expectedSeq) {
      return { seq: expectedSeq, text: `entry ${expectedSeq} is missing (the next stored entry is ${entry.seq})` };
    }
    const seq = entry.seq;
    if (!payloadIntact(entry)) {
      return { seq, text: `entry ${seq}: the payload does not match its payloadHash (the payload or salt was changed)` };
    }
    if (entry.prevHash !== this.links.previousHash) {
      return { seq, text: `entry ${seq}: prevHash does not match the hash of entry ${seq - 1}` };
    }
    const hash = entryHash(entry);
    if (hash !== entry.hash) {
      return { seq, text: `entry ${seq}: the stored hash does not match its envelope (a member such as actor, type or recordedAt was changed)` };
    }
    const batchProblem = this.links.batchLinkProblem(entry);
    if (batchProblem) return { seq, text: batchLinkReason(batchProblem, seq) };
    this.links.accept(entry.batchId, hash);
    return null;
  }
}

/** An erased payload (salt and payload null) has nothing to check; the envelope still commits to its hash. */
function payloadIntact(entry: LedgerEntry): boolean {
  return entry.payload === null || entry.salt === null || payloadHashOf(entry.v, Buffer.from(entry.salt, 'hex'), entry.payload) === entry.payloadHash;
}

/**
 * Checks one batch's own sub-chain: every entry's hashes, the batchPrevHash links from the first
 * entry on, and each entry's prevHash against the (recomputed) hash of the ledger entry just before it.
 */
export function verifyBatchEntries(entries: { entry: LedgerEntry; previous: LedgerEntry | null }[]): VerificationResult {
  const links = new ChainLinks(1, null);
  let checked = 0;
  for (const { entry, previous } of entries) {
    const seq = entry.seq;
    const fail = (reason: string, at = seq): VerificationResult => ({ valid: false, checkedEntries: checked, firstInvalidSeq: at, reason });
    if (!payloadIntact(entry)) {
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
    const batchProblem = links.batchLinkProblem(entry);
    if (batchProblem) {
      // Here the batch's own entries are read, so a broken link means one of them is missing or changed.
      const reason = batchLinkReason(batchProblem, seq);
      return fail(batchProblem === 'PREVIOUS_ENTRY_MISMATCH' ? `${reason} (an entry of the batch is missing or changed)` : reason);
    }
    if (entry.batchId !== null) links.seedBatchHead(entry.batchId, hash);
    checked++;
  }
  return validResult(checked);
}

/** The verdict on entries that all checked out. */
export function validResult(checkedEntries: number): VerificationResult {
  return { valid: true, checkedEntries, firstInvalidSeq: null, reason: null };
}
