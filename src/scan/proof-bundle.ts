import { LedgerEntry } from '../ledger/ledger-entry.js';
import type { WitnessPolicy } from '../witnesses/witness-policy.js';

/**
 * The lot's whole chain, which a phone checks on request ("check every entry"), served in pages of PROOF_PAGE_ENTRIES
 * entries so that no answer grows with the lot's history: the batch's entry envelopes (no payloads,
 * so nothing private), oldest first; on the first page also the inclusion proof of its newest entry
 * in a signed checkpoint, the checkpoint and the verifier key. The batchPrevHash links make the newest
 * entry commit to every earlier one, so the pages together are checked as one chain.
 *
 * The first page fixes `through`, the batch's newest entry then; every `next` link carries it, so the
 * pages of one check stay the same chain while the batch grows.
 */
export interface ProofPage {
  through: number;
  entries: Omit<LedgerEntry, 'salt' | 'payload'>[];
  /** The path of the next page, or null on the last. */
  next: string | null;
}

export interface ProofBundle extends ProofPage {
  /** The batch's entries up to `through`, in all pages together. */
  total: number;
  origin: string;
  verifierKey: string;
  signedNote: string;
  inclusion: { leafIndex: number; treeSize: number; hashes: string[] };
  /** The witness policy the checkpoint must meet (WITNESS_COSIGNATURES_NEEDED of WITNESS_URLS' keys); absent when none is set. */
  witnesses?: WitnessPolicy;
}

/**
 * Entries a page holds. An envelope is about 500 bytes as JSON, so a page is at most about 205 KB
 * with the checkpoint and its proof (PROOF_PAGE_MAX_BYTES, which test/e2e/scan.e2e-spec.ts holds it to).
 */
export const PROOF_PAGE_ENTRIES = 400;
export const PROOF_PAGE_MAX_BYTES = 256 * 1024;

/** Where a page after the first starts (the last seq the page before it held) and ends. */
export interface ProofCursor {
  after: number;
  through: number;
}

export function proofPagePath(traceCode: string, cursor: ProofCursor): string {
  return `/q/${traceCode}/chain.json?after=${cursor.after}&through=${cursor.through}`;
}

export function envelopesOf(entries: LedgerEntry[]): ProofPage['entries'] {
  return entries.map(({ salt: _salt, payload: _payload, ...envelope }) => envelope);
}
