import { createHash } from 'node:crypto';
import { checkpointBody, parseVerifierKey, signCheckpoint, VerifierKey } from '../../src/ledger/checkpoint-note.js';
import { consistencyProof, leafHash, NodeReader, perfectHash, rootAt } from '../../src/ledger/merkle.js';
import { LedgerSigningKey, signingKeyFromSeed, verifierKey } from '../../src/ledger/signing-key.js';

/** A log in memory for the witness specs: leaves from labels, signed checkpoints and consistency proofs at any size. */
export interface TestLog {
  key: LedgerSigningKey;
  verifier: VerifierKey;
  note(size: number): string;
  proof(fromSize: number, toSize: number): Buffer[];
}

export function testLog(origin: string, labels: string[], seedByte = 7): TestLog {
  const key = signingKeyFromSeed(Buffer.alloc(32, seedByte));
  const leaves = labels.map((l) => leafHash(createHash('sha256').update(l).digest()));
  const read: NodeReader = (level, index) => perfectHash(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
  return {
    key,
    verifier: parseVerifierKey(verifierKey(origin, key.publicKeyRaw)),
    note: (size) => signCheckpoint(checkpointBody(origin, size, rootAt(size, read)), key),
    proof: (fromSize, toSize) => consistencyProof(fromSize, toSize, read),
  };
}
