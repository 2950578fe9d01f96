import { LedgerEntry } from '../ledger/ledger-entry.js';

/**
 * What a phone needs to check a batch's story on its own: the batch's entry envelopes (no payloads,
 * so nothing private), the inclusion proof of its newest entry in a signed checkpoint, the checkpoint
 * and the verifier key. The batchPrevHash links make the newest entry commit to every earlier one.
 */
export interface ProofBundle {
  origin: string;
  verifierKey: string;
  signedNote: string;
  entries: Omit<LedgerEntry, 'salt' | 'payload'>[];
  inclusion: { leafIndex: number; treeSize: number; hashes: string[] };
}

export function envelopesOf(entries: LedgerEntry[]): ProofBundle['entries'] {
  return entries.map(({ salt: _salt, payload: _payload, ...envelope }) => envelope);
}
