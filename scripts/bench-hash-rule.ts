/**
 * Micro-benchmark of the hash rule on Node's hot paths, no database: what the writer computes per
 * entry (v1 payload hash, v2 payload root and member ends, entry hash), ChainVerifier over a chain, ExportVerifier over export lines.
 * Run with `npm run bench:hash` (or bundle this file with esbuild and run it); figures go to docs/benchmarks.md.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { ChainVerifier } from '../src/ledger/chain-verifier.js';
import { exportLine } from '../src/ledger/export-line.js';
import { draftEntry, LedgerEntry, sealEntry } from '../src/ledger/ledger-entry.js';
import { entryHash, GENESIS_PREV_HASH, payloadHash, payloadRootAndEnds } from '../src/ledger/ledger-hash.js';
import { ExportVerifier } from '../src/verifier/export-verifier.js';

const ENTRIES = 200_000;
const ROUNDS = 5;

function chain(count: number): LedgerEntry[] {
  const batches = Array.from({ length: 1000 }, () => randomUUID());
  const heads = new Map<string, string>();
  const entries: LedgerEntry[] = [];
  let prevHash = GENESIS_PREV_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const batchId = batches[seq % batches.length];
    const draft = draftEntry('EVENT_RECORDED', batchId, {
      bizStep: 'SHIPPING',
      eventTime: '2026-11-20T21:00:00.000Z',
      facilityId: randomUUID(),
      details: { note: '天津小站稻', seq },
    });
    const entry = sealEntry(draft, {
      seq,
      prevHash,
      batchPrevHash: heads.get(batchId) ?? null,
      actor: randomUUID(),
      recordedAt: new Date(1_790_000_000_000 + seq).toISOString(),
    });
    heads.set(batchId, entry.hash);
    prevHash = entry.hash;
    entries.push(entry);
  }
  return entries;
}

/** Best of ROUNDS, in ns per item. */
function time(label: string, items: number, fn: () => void): void {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start));
  }
  console.log(`${label.padEnd(44)} ${(best / items).toFixed(0).padStart(6)} ns/entry  (${((items / best) * 1e9).toFixed(0)} entries/s)`);
}

const entries = chain(ENTRIES);
const salts = entries.map((e) => Buffer.from(e.salt!, 'hex'));
const lines = entries.map(exportLine);
const sink: string[] = [];

time('payloadHash (writer, per entry)', ENTRIES, () => {
  for (let i = 0; i < ENTRIES; i++) sink[i & 7] = payloadHash(salts[i], entries[i].payload!);
});
time('payloadRootAndEnds (writer v2, per entry)', ENTRIES, () => {
  for (let i = 0; i < ENTRIES; i++) sink[i & 7] = payloadRootAndEnds(salts[i], entries[i].payload!).payloadHash;
});
time('entryHash (writer, per entry)', ENTRIES, () => {
  for (let i = 0; i < ENTRIES; i++) sink[i & 7] = entryHash(entries[i]);
});
time('ChainVerifier.check (range verification)', ENTRIES, () => {
  const verifier = new ChainVerifier({ fromSeq: 1, previousHash: null });
  for (const e of entries) if (!verifier.check(e)) throw new Error(`chain broke at ${e.seq}`);
});
time('ExportVerifier.push (export lines)', ENTRIES, () => {
  const verifier = new ExportVerifier();
  for (const line of lines) if (!verifier.push(line)) throw new Error(JSON.stringify(verifier.failure));
});
if (sink.length === 0) console.log(randomBytes(1));
