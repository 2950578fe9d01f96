/**
 * `npm run bench:proofs [-- --entries N]`: the verifiable ledger at scale (default 1,000,000 entries).
 * Prints: the rate the ledger was built at through the writer; what storing the Merkle tree costs
 * appends (the same writer on a fresh ledger and on one that drops tree nodes, alternating rounds);
 * inclusion and consistency proof latency through GraphQL on the big ledger; the export's streaming
 * rate; and how fast the offline verifier checks that export. Databases are dropped at the end.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { Database } from '../src/database/database.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { draftEntry } from '../src/ledger/ledger-entry.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { runVerify } from '../src/verifier/verify-command.js';
import { eventPayload, pick, post, run, RunningService, startService, timeEach } from './bench-support.js';

const CALLERS = 64;
const AB_ROUNDS = 3;
const AB_ENTRIES = 20_000;
const PROOF_REQUESTS = 1000;
const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;

/**
 * Makes a benchmark ledger drop every tree node it is asked to store: the writer still hashes the tree
 * (about one SHA-256 per entry, in the process), but the database stores nothing of it, so comparing
 * with a normal ledger shows what storing the tree costs appends. Such a ledger cannot answer proofs.
 */
async function storeNoTree(ds: DataSource): Promise<void> {
  await ds.query(`CREATE FUNCTION bench_drop_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`);
  await ds.query(`CREATE TRIGGER bench_no_tree BEFORE INSERT ON merkle_node FOR EACH ROW EXECUTE FUNCTION bench_drop_row()`);
}

type Timing = Awaited<ReturnType<typeof timeEach>>;
type OpenLedger = (name: string) => Promise<DataSource>;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { entries: { type: 'string', default: '1000000' } } });
  const entries = Number(values.entries);
  const server = await findPostgresServer({ url: process.env.DATABASE_URL, embeddedName: 'bench-postgres', embeddedPort: 54349 });
  const names = {
    big: `suyuan_bench_${randomBytes(5).toString('hex')}`,
    tree: `suyuan_bench_${randomBytes(5).toString('hex')}`,
    plain: `suyuan_bench_${randomBytes(5).toString('hex')}`,
  };
  const dataSources: DataSource[] = [];
  const scratch = await mkdtemp(join(tmpdir(), 'suyuan-bench-'));
  let service: RunningService | undefined;
  console.log(`server: ${server.label}; ${entries.toLocaleString('en')} entries`);
  try {
    const open: OpenLedger = async (name) => {
      await withAdminClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      const ds = await new DataSource(dataSourceOptions(databaseUrl(server.adminUrl, name), CALLERS + 8)).initialize();
      dataSources.push(ds);
      await ds.runMigrations();
      return ds;
    };
    // 1. The big ledger, through the writer with its tree.
    const built = await run(CALLERS, entries, Infinity, appendWith(new LedgerWriter(poolOf(await open(names.big)))));
    console.log(`built ${built.count.toLocaleString('en')} entries in ${(built.elapsedMs / 1000).toFixed(1)} s: ${built.perSecond.toFixed(0)} entries/s`);
    // 2. What storing the tree costs.
    const rates = await treeCost(open, names);
    // 3. Proofs through GraphQL, on the big ledger, by the whole service in a process of its own (as in production).
    service = await startService(databaseUrl(server.adminUrl, names.big), ADMIN_KEY);
    const proofs = await proofLatency(service.base, built.count);
    // 4. The export, streamed to a file as a regulator downloads it, and 5. the offline verifier on it.
    const exported = await exportAndVerify(service, scratch);
    printReport(built, rates, built.count, proofs, exported);
  } finally {
    await service?.stop();
    for (const ds of dataSources) await ds.destroy().catch(() => undefined);
    for (const name of Object.values(names)) {
      await withAdminClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
    }
    await rm(scratch, { recursive: true, force: true });
    await server.stop?.();
  }
}

const poolOf = (ds: DataSource) => new Database(ds).pool;
const BATCH_IDS = Array.from({ length: 10_000 }, () => randomUUID());
const appendWith = (writer: LedgerWriter) => async () => {
  await writer.append('bench', [draftEntry('EVENT_RECORDED', pick(BATCH_IDS), eventPayload())]);
};

/** The same writer on two fresh ledgers, one of which keeps no tree nodes, in alternating rounds. */
async function treeCost(open: OpenLedger, names: { tree: string; plain: string }): Promise<{ treeRate: number; plainRate: number }> {
  const withTree = new LedgerWriter(poolOf(await open(names.tree)));
  const plain = await open(names.plain);
  await storeNoTree(plain);
  const withoutTree = new LedgerWriter(poolOf(plain));
  await run(CALLERS, 2000, Infinity, appendWith(withTree)); // warm-up: batch heads known, plans cached
  await run(CALLERS, 2000, Infinity, appendWith(withoutTree));
  let treeRate = 0;
  let plainRate = 0;
  for (let round = 0; round < AB_ROUNDS; round++) {
    treeRate += (await run(CALLERS, AB_ENTRIES, Infinity, appendWith(withTree))).perSecond / AB_ROUNDS;
    plainRate += (await run(CALLERS, AB_ENTRIES, Infinity, appendWith(withoutTree))).perSecond / AB_ROUNDS;
  }
  return { treeRate, plainRate };
}

/** Inclusion and consistency proofs at random sizes, beside the framework's floor. */
async function proofLatency(base: string, size: number): Promise<{ floor: Timing; inclusion: Timing; consistency: Timing }> {
  const graphql = (query: string) => graphqlOk(base, query);
  const random = (max: number) => 1 + Math.floor(Math.random() * max);
  for (let i = 0; i < 200; i++) await graphql(`{ inclusionProof(seq: ${random(size)}, treeSize: ${size}) { hashes } }`); // warm-up
  const floor = await timeEach(PROOF_REQUESTS, () => graphql('{ __typename }'));
  const inclusion = await timeEach(PROOF_REQUESTS, () => graphql(`{ inclusionProof(seq: ${random(size)}, treeSize: ${size}) { leafHash hashes } }`));
  const consistency = await timeEach(PROOF_REQUESTS, () => {
    const to = random(size);
    return graphql(`{ consistencyProof(fromSize: ${random(to)}, toSize: ${to}) { hashes } }`);
  });
  return { floor, inclusion, consistency };
}

async function graphqlOk(base: string, query: string): Promise<void> {
  const body = JSON.parse(await post(base, '/graphql', JSON.stringify({ query }))) as { errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
}

interface Exported {
  checkpointSize: number;
  exportMs: number;
  serviceRss: number;
  verifyMs: number;
  exitCode: number;
  report: string[];
}

/** Streams the export up to the latest checkpoint into a file, then runs the offline verifier on it. */
async function exportAndVerify(service: RunningService, scratch: string): Promise<Exported> {
  const base = service.base;
  const checkpointFile = join(scratch, 'checkpoint.txt');
  const exportFile = join(scratch, 'export.jsonl');
  await graphqlOk(base, '{ latestCheckpoint { treeSize } }');
  const note = await (await fetch(`${base}/ledger/checkpoint`)).text();
  await writeFile(checkpointFile, note);
  const checkpointSize = Number(note.split('\n')[1]);
  const exportStart = process.hrtime.bigint();
  const res = await fetch(`${base}/ledger/export?toSeq=${checkpointSize}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  await pipeline(Readable.fromWeb(res.body as never), createWriteStream(exportFile));
  const exportMs = Number(process.hrtime.bigint() - exportStart) / 1e6;
  const serviceRss = service.rssMb();
  const verifierKey = JSON.parse(await post(base, '/graphql', JSON.stringify({ query: '{ ledgerInfo { verifierKey } }' }))) as {
    data: { ledgerInfo: { verifierKey: string } };
  };
  const report: string[] = [];
  const verifyStart = process.hrtime.bigint();
  const exitCode = await runVerify(['--file', exportFile, '--checkpoint', checkpointFile, '--key', verifierKey.data.ledgerInfo.verifierKey], (line) =>
    report.push(line),
  );
  const verifyMs = Number(process.hrtime.bigint() - verifyStart) / 1e6;
  return { checkpointSize, exportMs, serviceRss, verifyMs, exitCode, report };
}

function printReport(
  built: { perSecond: number },
  { treeRate, plainRate }: { treeRate: number; plainRate: number },
  size: number,
  { floor, inclusion, consistency }: { floor: Timing; inclusion: Timing; consistency: Timing },
  { checkpointSize, exportMs, serviceRss, verifyMs, exitCode, report }: Exported,
): void {
  const verifyRate = checkpointSize / (verifyMs / 1000);
  const rows: [string, string, string][] = [
    ['ledger built through the writer (64 callers)', `${built.perSecond.toFixed(0)} entries/s`, ''],
    [
      'appends with the tree stored / not stored (64 callers)',
      `${treeRate.toFixed(0)} / ${plainRate.toFixed(0)} entries/s`,
      `tree costs ${(100 * (1 - treeRate / plainRate)).toFixed(1)}% (goal < 15%)`,
    ],
    [
      `inclusion proof via GraphQL, tree of ${size.toLocaleString('en')}`,
      `p50 ${inclusion.p50.toFixed(2)} ms, p99 ${inclusion.p99.toFixed(2)} ms`,
      `goal p99 < 5 ms: ${inclusion.p99 < 5 ? 'met' : 'MISSED'}`,
    ],
    ['trivial GraphQL query `{ __typename }` (the framework floor)', `p50 ${floor.p50.toFixed(2)} ms, p99 ${floor.p99.toFixed(2)} ms`, ''],
    [
      'consistency proof via GraphQL',
      `p50 ${consistency.p50.toFixed(2)} ms, p99 ${consistency.p99.toFixed(2)} ms`,
      `goal p99 < 5 ms: ${consistency.p99 < 5 ? 'met' : 'MISSED'}`,
    ],
    [`export of ${checkpointSize.toLocaleString('en')} entries (HTTP, to a file)`, `${(checkpointSize / (exportMs / 1000)).toFixed(0)} entries/s`, ''],
    ['service RSS right after streaming the export', `${serviceRss.toFixed(0)} MB`, ''],
    [
      'offline verification of that export (npm run verify)',
      `${verifyRate.toFixed(0)} entries/s`,
      `exit ${exitCode}; goal ≥ 200,000/s: ${verifyRate >= 200_000 ? 'met' : 'MISSED'}`,
    ],
  ];
  console.log('');
  for (const [what, figure, note] of rows) console.log(`| ${what} | ${figure} | ${note} |`);
  if (exitCode !== 0) console.log(report.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
