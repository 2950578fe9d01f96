import { LedgerEntry } from './ledger-entry.js';

/**
 * One export line (LEDGER-SPEC §5): every envelope member, hash, salt and payload, in this order,
 * ending in "\n". The payload is written as its stored canonical text, so its bytes are the ones hashed.
 */
export function exportLine(e: LedgerEntry): string {
  const str = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));
  return (
    `{"v":${e.v},"seq":${e.seq},"prevHash":${str(e.prevHash)},"type":${str(e.type)},"batchId":${str(e.batchId)}` +
    `,"batchPrevHash":${str(e.batchPrevHash)},"actor":${str(e.actor)},"recordedAt":${str(e.recordedAt)}` +
    `,"payloadHash":${str(e.payloadHash)},"hash":${str(e.hash)},"salt":${str(e.salt)},"payload":${e.payload ?? 'null'}}\n`
  );
}
