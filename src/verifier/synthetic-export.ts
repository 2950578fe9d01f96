import { randomUUID } from 'node:crypto';
import { EventRecordedPayload, newEntry } from '../ledger/entry-types.js';
import { sealEntry } from '../ledger/ledger-entry.js';
import { exportLine } from '../ledger/export-line.js';
import { GENESIS_PREV_HASH } from '../ledger/ledger-hash.js';
import { hashLeaf, MerkleRootBuilder } from '../ledger/merkle-verify.js';

/**
 * A valid ledger export exactly as the service writes it (format v2, src/ledger/export-line.ts),
 * made without a database: for the verifier's benchmark (bench:verify) and its tests. Every entry is
 * an EVENT_RECORDED with the six members a recorded event typically has; entries are spread over
 * `batches` batches, in turn, so that batch links cross any chunking of the export.
 */
export function* syntheticExportLines(entries: number, batches = 10_000, tree?: MerkleRootBuilder): Generator<string> {
  const batchIds = Array.from({ length: batches }, () => randomUUID());
  const facilityId = randomUUID();
  const actor = `org:${randomUUID()}`;
  const heads = new Map<string, string>();
  let prevHash = GENESIS_PREV_HASH;
  for (let seq = 1; seq <= entries; seq++) {
    const batchId = batchIds[seq % batchIds.length];
    const payload: EventRecordedPayload = {
      bizStep: 'STORING',
      details: { note: '冷链运输 cold chain', operator: `op-${seq % 50}`, temperatureC: (seq % 80) / 10 - 2 },
      eventTime: '2026-10-07T08:00:00.000Z',
      facilityId,
      quantity: (seq % 100_000) / 100,
      unit: 'kg',
    };
    const entry = sealEntry(newEntry('EVENT_RECORDED', batchId, payload), {
      seq,
      prevHash,
      batchPrevHash: heads.get(batchId) ?? null,
      actor,
      recordedAt: '2026-10-07T08:00:00.123Z',
    });
    heads.set(batchId, entry.hash);
    prevHash = entry.hash;
    tree?.push(hashLeaf(Buffer.from(entry.hash, 'hex')));
    yield exportLine(entry).slice(0, -1);
  }
}
