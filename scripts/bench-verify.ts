/**
 * `npm run bench:verify [-- --entries N] [-- --workers 0,1,2]`: the offline verifier (the installable
 * `suyuan-verify` bin, as a regulator runs it) on a synthetic export in the service's layout, with
 * no database: N entries (default 1,000,000) spread over 10,000 batches, a signed checkpoint of them.
 * Prints the entries/s for each worker count (0 = one thread) beside the goal of 200,000/s; --keep
 * leaves the export, checkpoint and verifier key in the temporary folder it names. BENCH_BATCHES=n
 * spreads the entries over n batches instead (fewer batches: fewer links for the workers to hand over).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkpointBody, signCheckpoint } from '../src/ledger/checkpoint-note.js';
import { MerkleRootBuilder } from '../src/ledger/merkle-verify.js';
import { generateSigningKeyPem, parseSigningKey, verifierKey } from '../src/ledger/signing-key.js';
import { syntheticExportLines } from '../src/verifier/synthetic-export.js';

const ORIGIN = 'bench.suyuan.example/ledger';
const BIN = fileURLToPath(new URL('../../bin/suyuan-verify.mjs', import.meta.url));

async function writeExport(file: string, entries: number): Promise<Buffer> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const tree = new MerkleRootBuilder();
  for (const line of syntheticExportLines(entries, Number(process.env.BENCH_BATCHES ?? 10_000), tree)) {
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  return tree.root();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { entries: { type: 'string', default: '1000000' }, workers: { type: 'string', default: '0,2' }, keep: { type: 'boolean' } },
  });
  const entries = Number(values.entries);
  const dir = await mkdtemp(join(tmpdir(), 'suyuan-bench-verify-'));
  try {
    const key = parseSigningKey(generateSigningKeyPem());
    const exportFile = join(dir, 'export.jsonl');
    const started = Date.now();
    const root = await writeExport(exportFile, entries);
    const checkpointFile = join(dir, 'checkpoint.txt');
    await writeFile(checkpointFile, signCheckpoint(checkpointBody(ORIGIN, entries, root), key));
    // Kept beside the export so that a --keep run can be profiled or repeated by hand.
    await writeFile(join(dir, 'verifier-key.txt'), verifierKey(ORIGIN, key.publicKeyRaw));
    console.log(
      `CPUs: ${availableParallelism()}; load average before: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(`export of ${entries.toLocaleString('en')} entries written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const workers of values.workers.split(',')) {
      const args = [BIN, '--file', exportFile, '--checkpoint', checkpointFile, '--key', verifierKey(ORIGIN, key.publicKeyRaw), '--workers', workers];
      const t0 = process.hrtime.bigint();
      const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const perSecond = entries / seconds;
      const goal = perSecond >= 200_000 ? 'met' : 'MISSED';
      const checking = /entries checked in .*\(([0-9,–]+) entries\/s\)/.exec(run.stdout)?.[1] ?? '?';
      const figure = `${Math.round(perSecond).toLocaleString('en')} entries/s (${seconds.toFixed(2)} s)`;
      console.log(
        `| suyuan-verify --workers ${workers}, whole process | ${figure} | checking alone ${checking}/s; exit ${run.status}; goal ≥ 200,000/s: ${goal} |`,
      );
      if (run.status !== 0) console.log(run.stdout, run.stderr);
    }
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

await main();
