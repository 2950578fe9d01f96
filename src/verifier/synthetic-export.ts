import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../ledger/canonical-json.js';
import { canonicalEnvelope, GENESIS_PREV_HASH, LedgerEnvelope, payloadHash, sha256Hex } from '../ledger/ledger-hash.js';
import { hashLeaf, MerkleRootBuilder } from '../ledger/merkle-verify.js';

/**
 * A valid ledger export in the service's layout, made without a database: for the verifier's
 * benchmark (bench:verify) and its tests. Entries are spread over `batches` batches, in turn, so
 * that batch links cross any chunking of the export.
 */
export function* syntheticExportLines(entries: number, batches = 10_000, tree?: MerkleRootBuilder): Generator<string> {
  const batchIds = Array.from({ length: batches }, (_, i) => `batch-${String(i).padStart(8, '0')}`);
  const heads = new Map<string, string>();
  let prevHash = GENESIS_PREV_HASH;
  for (let seq = 1; seq <= entries; seq++) {
    const batchId = batchIds[seq % batchIds.length];
    const salt = randomBytes(16);
    const payload = canonicalJson({ bizStep: 'STORING', details: { n: seq, note: '冷链运输 cold chain' }, eventTime: '2026-10-07T08:00:00.000Z' });
    const envelope: LedgerEnvelope = {
      v: 1,
      seq,
      prevHash,
      type: 'EVENT_RECORDED',
      batchId,
      batchPrevHash: heads.get(batchId) ?? null,
      actor: 'org:synthetic',
      recordedAt: '2026-10-07T08:00:00.000Z',
      payloadHash: payloadHash(salt, payload),
    };
    const hash = sha256Hex(canonicalEnvelope(envelope));
    heads.set(batchId, hash);
    prevHash = hash;
    tree?.push(hashLeaf(Buffer.from(hash, 'hex')));
    yield `${JSON.stringify({ ...envelope, hash, salt: salt.toString('hex') }).slice(0, -1)},"payload":${payload}}`;
  }
}
