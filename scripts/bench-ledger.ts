/**
 * Ledger append benchmark: chained appends through LedgerWriter against a plain one-commit-per-row
 * baseline, at 1, 8 and 64 concurrent callers, on a fresh database that is dropped at the end.
 * Run with `npm run bench:ledger`. DATABASE_URL picks the server; otherwise this machine's
 * PostgreSQL on 127.0.0.1:5432, otherwise the embedded one.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Database } from '../src/database/database.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { ChainVerifier } from '../src/ledger/chain-verifier.js';
import { draftEntry } from '../src/ledger/ledger-entry.js';
import { LEDGER_ENTRY_COLUMNS, rowToLedgerEntry } from '../src/ledger/ledger-row.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { eventPayload, pick, run, RunResult } from './bench-support.js';

const LEVELS = [1, 8, 64];
/** Each level's chained run stops at this many entries or this long, whichever comes first. */
const MAX_ENTRIES_PER_LEVEL = 20_000;
const MAX_MS_PER_LEVEL = 5_000;
const WARM_UP_ENTRIES = 500;
/** The writer's DataSource pool and the baseline's pg Pool get the same size. */
const POOL_SIZE = 80;
const BATCH_COUNT = 1000;
const ACTOR = 'bench';

async function main(): Promise<void> {
  const server = await findPostgresServer({ url: process.env.DATABASE_URL, embeddedName: 'bench-postgres', embeddedPort: 54349 });
  const database = `suyuan_bench_${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(server.adminUrl, database);
  await withAdminClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${database}`));
  console.log(`server: ${server.label}; bench database: ${database}`);

  let dataSource: DataSource | undefined;
  let plainPool: pg.Pool | undefined;
  try {
    dataSource = new DataSource(dataSourceOptions(url, POOL_SIZE));
    await dataSource.initialize();
    await dataSource.runMigrations();

    // The writer talks to pg directly: the DataSource's own pool is what the app hands it.
    const pool = new Database(dataSource).pool;
    const writer = new LedgerWriter(pool);
    plainPool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
    plainPool.on('error', () => undefined); // an idle client dropped at DROP DATABASE time is not a result

    await printServerSettings(plainPool);
    await plainPool.query('CREATE TABLE bench_plain (id bigserial PRIMARY KEY, batch_id uuid, payload text, recorded_at timestamptz DEFAULT now())');

    // ~1000 batches, so entries land on existing sub-chains most of the time (batchPrevHash lookups).
    const batchIds = Array.from({ length: BATCH_COUNT }, () => randomUUID());
    const appendOne = async () => {
      const batchId = pick(batchIds);
      await writer.append(ACTOR, [draftEntry('EVENT_RECORDED', batchId, eventPayload())]);
    };
    const insertOne = async () => {
      // An autocommit INSERT: one commit (and WAL flush) per row, no chain, no lock.
      await plainPool!.query('INSERT INTO bench_plain (batch_id, payload) VALUES ($1, $2)', [pick(batchIds), JSON.stringify(eventPayload())]);
    };

    // Warm-up: connections opened, plans cached, JIT-free steady state for both paths.
    await run(8, WARM_UP_ENTRIES, Infinity, appendOne);
    await run(8, WARM_UP_ENTRIES, Infinity, insertOne);

    const rows: { callers: number; chained: RunResult; baseline: RunResult }[] = [];
    for (const callers of LEVELS) {
      const chained = await run(callers, MAX_ENTRIES_PER_LEVEL, MAX_MS_PER_LEVEL, appendOne);
      // The baseline writes exactly as many rows as the chained run did, with the same callers.
      const baseline = await run(callers, chained.count, Infinity, insertOne);
      rows.push({ callers, chained, baseline });
      const baselineRows = `${baseline.count} baseline rows in ${baseline.elapsedMs.toFixed(0)} ms`;
      console.log(`  ${callers} caller(s): ${chained.count} chained entries in ${chained.elapsedMs.toFixed(0)} ms, ${baselineRows}`);
    }
    await writer.whenIdle();

    printTable(rows);
    printGoals(rows);
    await checkChain(plainPool);
  } finally {
    await dataSource?.destroy().catch(() => undefined);
    await plainPool?.end().catch(() => undefined);
    await withAdminClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch((err) =>
      console.error(`could not drop ${database}: ${(err as Error).message}`),
    );
    await server.stop?.();
  }
}

function printTable(rows: { callers: number; chained: RunResult; baseline: RunResult }[]): void {
  const header = ['callers', 'chained entries/s', 'p50 ms', 'p99 ms', 'baseline rows/s', 'p50 ms', 'p99 ms', 'ratio (chained/baseline)'];
  const body = rows.map(({ callers, chained, baseline }) => [
    String(callers),
    chained.perSecond.toFixed(0),
    chained.p50.toFixed(2),
    chained.p99.toFixed(2),
    baseline.perSecond.toFixed(0),
    baseline.p50.toFixed(2),
    baseline.p99.toFixed(2),
    (chained.perSecond / baseline.perSecond).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  console.log('');
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of body) console.log(line(r));
  console.log('');
}

function printGoals(rows: { callers: number; chained: RunResult; baseline: RunResult }[]): void {
  const at = (n: number) => rows.find((r) => r.callers === n)!;
  const r64 = at(64);
  const r1 = at(1);
  const goals: [string, boolean, string][] = [
    ['64 callers: chained >= 20,000 entries/s', r64.chained.perSecond >= 20_000, `${r64.chained.perSecond.toFixed(0)} entries/s`],
    [
      '64 callers: chained >= 1.5x baseline',
      r64.chained.perSecond >= 1.5 * r64.baseline.perSecond,
      `${(r64.chained.perSecond / r64.baseline.perSecond).toFixed(2)}x`,
    ],
    [
      '1 caller: chained p50 <= 2x baseline p50',
      r1.chained.p50 <= 2 * r1.baseline.p50,
      `${r1.chained.p50.toFixed(2)} ms vs ${r1.baseline.p50.toFixed(2)} ms (${(r1.chained.p50 / r1.baseline.p50).toFixed(3)}x)`,
    ],
  ];
  console.log('Goals:');
  for (const [goal, met, detail] of goals) console.log(`  [${met ? 'MET' : 'MISSED'}] ${goal}: ${detail}`);
  const failed = rows.reduce((n, r) => n + r.chained.errors + r.baseline.errors, 0);
  if (failed > 0) console.log(`  note: ${failed} calls failed during the run (see above); they are not counted`);
}

/** No gaps (count = max(seq)), the head where the last entry is, and every hash link recomputed. */
async function checkChain(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ count: string; max: string | null; head: string }>(
    'SELECT count(*) AS count, max(seq) AS max, (SELECT seq FROM ledger_head WHERE id = 1) AS head FROM ledger_entry',
  );
  const count = Number(rows[0].count);
  const max = Number(rows[0].max ?? 0);
  const head = Number(rows[0].head);
  const gapless = count === max && head === max;
  console.log(`Chain: count(*) = ${count}, max(seq) = ${max}, ledger_head.seq = ${head}: ${gapless ? 'no gaps' : 'GAPS OR HEAD MISMATCH'}`);

  // Recompute every hash and link (cheap at this size) with the same verifier the API uses.
  const verifier = new ChainVerifier({ fromSeq: 1, previousHash: null });
  let after = 0;
  for (;;) {
    const page = await pool.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry WHERE seq > $1 ORDER BY seq LIMIT 10000`, [after]);
    if (page.rows.length === 0) break;
    for (const row of page.rows) {
      const entry = rowToLedgerEntry(row);
      if (!verifier.check(entry)) break;
      after = entry.seq;
    }
    if (after !== Number(page.rows[page.rows.length - 1].seq)) break; // the verifier stopped early
  }
  const result = verifier.finish(max);
  console.log(`Chain verification: ${result.valid ? `valid (${result.checkedEntries} entries)` : `INVALID at ${result.firstInvalidSeq}: ${result.reason}`}`);
}

async function printServerSettings(pool: pg.Pool): Promise<void> {
  const version = (await pool.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  const syncCommit = (await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit;
  const fsync = (await pool.query<{ fsync: string }>('SHOW fsync')).rows[0].fsync;
  console.log(`PostgreSQL ${version}; synchronous_commit = ${syncCommit}; fsync = ${fsync}`);
  if (syncCommit !== 'on' || fsync !== 'on') console.log('  warning: commits are not fully durable on this server, so both columns are optimistic');
}

// No process.exit on success: the process ending by itself shows every pool was closed.
main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
