/**
 * `npm run bench:service [-- --database NAME] [--seconds 10] [--entries 1000000]`: the compiled service,
 * started as in production (with the baseline module added: scripts/bench-service-main.ts), under load
 * from a second process (autocannon, scripts/bench-load.ts), beside
 * two baselines measured in the same run on the same machine: a trivial GraphQL query `{ __typename }`
 * (the framework's ceiling) and `benchPlainInsert`, one plain INSERT per call behind the same key check
 * (the database's ceiling for a write). Prints one table against the goals of the performance issue.
 *
 * The database: BENCH_DATABASE_URL when set; else --database (default suyuan_large, the 1,000,000-entry
 * ledger `npm run seed:large` builds) on this machine's PostgreSQL; when that is absent, a throwaway
 * database whose ledger is padded to --entries through the writer (as bench-proofs does), dropped at
 * the end. Either way a fresh producer with its own batches does the writing and is scanned.
 * SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the service (see bench-support).
 * --only recordEvent,recordEvents measures just those points (recordEvent at 64 connections beside the plain
 * insert; recordEvents at its 16): a short run, or a profile, of the write paths alone.
 * --only history measures what a lot's history costs a consumer: scan(code) and the page of a lot with 10
 * events beside one with 10,000 (each at 64 connections, with the trivial query measured alongside), with
 * each answer's size in bytes; the full run measures it too.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Database } from '../src/database/database.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, PostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { draftEntry } from '../src/ledger/ledger-entry.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { loadFromSecondProcess, LoadResult, LoadSpec } from './bench-load.js';
import {
  Api,
  eventPayload,
  graphqlClient,
  pick,
  printTable,
  Producer,
  producerWithBatches,
  run,
  RunningService,
  SCAN_QUERY,
  startService,
} from './bench-support.js';

const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const LEVELS = [1, 16, 64];
const SCAN_CONNECTIONS = 64;
const EVENTS_PER_CALL = 100;
const RECORD_EVENTS_CONNECTIONS = 16;
/** Events spread over this many batches, so no one batch's sub-chain is the bottleneck. */
const BATCHES = 500;
const SCANNED_LOT_EVENTS = 10;
/** The long-lived lot scanned beside it: storage checks and sales for years. */
const LONG_LOT_EVENTS = 10_000;
/** Lots scanned in turn for the uncached figure: more than a 10-second point at 64 connections reaches, so no lot is scanned twice. */
const MANY_LOTS = 10_000;
const PAD_CALLERS = 64;
const WARM_UP_SECONDS = 2;
/** The points --only can pick. */
const ONLY_POINTS = ['recordEvent', 'recordEvents', 'history'];

const GOALS = {
  recordEventVsPlainInsert: 0.8,
  recordEventsPerSecond: 20_000,
  scanP99Ms: 20,
  scanVsTrivial: 0.5,
  /** A lot of 10,000 events against a lot of ten, scanned or paged: "about the same". */
  historyVsShortLot: 0.8,
  verifySeconds: 5,
  rssMb: 300,
};

interface Row {
  measurement: string;
  connections: string;
  rate: string;
  p50: string;
  p99: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}

interface BenchOptions {
  database: string;
  seconds: number;
  entries: number;
  /** The points --only names; undefined measures them all. */
  only: string[] | undefined;
}

type Request = Pick<LoadSpec, 'method' | 'path' | 'headers' | 'body'>;

/** Every request the bench loads the service with. */
interface BenchRequests {
  trivial: Request;
  plainInsert: Request;
  recordEvent: Request;
  recordEvents: Request;
  scan: Request;
  scanMany: Request;
  page: Request;
  scanLong: Request;
  pageLong: Request;
  /** The same scan asking for the story's first 10 events, of either lot: answers of one size, whatever the history. */
  scanTen: Request;
  scanTenLong: Request;
  manyLots: number;
}

async function main(): Promise<void> {
  const options = benchOptions();
  const { url, label, cleanUp } = await benchDatabase(options.database, options.entries);
  let service: RunningService | undefined;
  try {
    await analyze(url);
    // The production start with the baseline module (benchPlainInsert) added: scripts/bench-service-main.ts.
    service = await startService(url, ADMIN_KEY, { entry: 'dist/scripts/bench-service-main.js' });
    const api = graphqlClient(service.base);
    const producer = await producerWithBatches(api, ADMIN_KEY, {
      batches: BATCHES,
      scannedLotEvents: SCANNED_LOT_EVENTS,
      longLotEvents: !options.only || options.only.includes('history') ? LONG_LOT_EVENTS : 0,
    });
    // Every scan a different lot of the ledger: what a scan costs when its view is not in memory.
    const requests = benchRequests(producer, await traceCodes(url, MANY_LOTS));
    const bench = new ServiceBench(service, options);
    await bench.warmUp(requests);
    const { plainAt64, trivialAt64 } = await bench.writes(requests);
    if (bench.measures('recordEvents')) await bench.recordEvents(requests.recordEvents, plainAt64);
    if (bench.measures('history')) await bench.history(requests, trivialAt64);
    if (!options.only) {
      await bench.scans(requests, trivialAt64!);
      await bench.verify(api);
    }
    bench.serviceRss();
    bench.print(label);
  } finally {
    await service?.stop();
    await cleanUp();
  }
}

function benchOptions(): BenchOptions {
  const { values } = parseArgs({
    options: {
      database: { type: 'string', default: 'suyuan_large' },
      seconds: { type: 'string', default: '10' },
      entries: { type: 'string', default: '1000000' },
      only: { type: 'string' },
    },
  });
  const only = values.only?.split(',').filter(Boolean);
  for (const name of only ?? []) if (!ONLY_POINTS.includes(name)) throw new Error(`--only takes ${ONLY_POINTS.join(', ')}, got ${name}`);
  return { database: values.database!, seconds: Number(values.seconds), entries: Number(values.entries), only };
}

function benchRequests(producer: Producer, manyLots: string[]): BenchRequests {
  const auth = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });
  const graphql = (key: string | null, body: LoadSpec['body']) => ({
    method: 'POST' as const,
    path: '/graphql',
    headers: key ? auth(key) : { 'content-type': 'application/json' },
    body,
  });
  const events = (perCall: number) => graphql(producer.key, { kind: 'storingEvents', batchIds: producer.batchIds, facilityId: producer.facilityId, perCall });
  const plainInsert = { query: 'mutation($note: String!) { benchPlainInsert(note: $note) }', variables: { note: JSON.stringify(eventPayload()) } };
  const scanTenQuery = SCAN_QUERY.replace('timeline {', 'timeline(first: 10) {');
  return {
    trivial: graphql(null, { kind: 'fixed', body: JSON.stringify({ query: '{ __typename }' }) }),
    plainInsert: graphql(producer.key, { kind: 'fixed', body: JSON.stringify(plainInsert) }),
    recordEvent: events(1),
    recordEvents: events(EVENTS_PER_CALL),
    scan: graphql(null, { kind: 'fixed', body: JSON.stringify({ query: SCAN_QUERY, variables: { code: producer.traceCode } }) }),
    scanMany: graphql(null, { kind: 'codesInTurn', query: SCAN_QUERY, codes: manyLots }),
    page: pageOf(producer.traceCode),
    scanLong: graphql(null, { kind: 'fixed', body: JSON.stringify({ query: SCAN_QUERY, variables: { code: producer.longTraceCode } }) }),
    scanTen: graphql(null, { kind: 'fixed', body: JSON.stringify({ query: scanTenQuery, variables: { code: producer.traceCode } }) }),
    scanTenLong: graphql(null, { kind: 'fixed', body: JSON.stringify({ query: scanTenQuery, variables: { code: producer.longTraceCode } }) }),
    pageLong: pageOf(producer.longTraceCode ?? producer.traceCode),
    manyLots: manyLots.length,
  };
}

const pageOf = (code: string): Request => ({ method: 'GET', path: `/q/${code}`, headers: {}, body: { kind: 'none' } });

/** The points measured against one running service: each loads it from a second process and adds its rows to the table. */
class ServiceBench {
  private readonly rows: Row[] = [];
  private readonly failures: string[] = [];
  /** RSS after each point, so a high figure at the end can be traced to the load that grew it. */
  private readonly rssAlong: string[] = [];

  constructor(
    private readonly service: RunningService,
    private readonly options: BenchOptions,
  ) {}

  measures(point: string): boolean {
    return !this.options.only || this.options.only.includes(point);
  }

  /** Connections and plans settled for every path before anything counts. */
  async warmUp(r: BenchRequests): Promise<void> {
    const warmUps = this.options.only
      ? [...(this.measures('recordEvent') ? [r.plainInsert, r.recordEvent] : []), ...(this.measures('recordEvents') ? [r.recordEvents] : [])]
      : [r.trivial, r.plainInsert, r.recordEvent, r.recordEvents, r.scan, r.page];
    if (this.options.only && this.measures('history')) warmUps.push(r.trivial, r.scan, r.page, r.scanLong, r.pageLong);
    for (const spec of warmUps) await this.load(16, spec, WARM_UP_SECONDS);
  }

  /** Each level runs the three side by side, so they see the same machine. Returns the baselines at 64 connections. */
  async writes(r: BenchRequests): Promise<{ plainAt64?: LoadResult; trivialAt64?: LoadResult }> {
    let plainAt64: LoadResult | undefined;
    let trivialAt64: LoadResult | undefined;
    const only = this.options.only;
    // With --only recordEvent: the goal's level alone, and no trivial query.
    for (const connections of only ? (this.measures('recordEvent') ? [64] : []) : LEVELS) {
      const t = only ? undefined : await this.measured('trivial query', connections, r.trivial);
      const p = await this.measured('benchPlainInsert', connections, r.plainInsert);
      const e = await this.measured('recordEvent', connections, r.recordEvent);
      if (t) this.rows.push(row('trivial query { __typename }', connections, t));
      this.rows.push(row('plain insert mutation', connections, p));
      this.rows.push(recordEventRow(connections, e, p));
      if (connections === 64) [plainAt64, trivialAt64] = [p, t];
    }
    return { plainAt64, trivialAt64 };
  }

  async recordEvents(spec: Request, plainAt64: LoadResult | undefined): Promise<void> {
    const batch = await this.measured(`recordEvents x${EVENTS_PER_CALL}`, RECORD_EVENTS_CONNECTIONS, spec);
    const eventsPerSecond = batch.perSecond * EVENTS_PER_CALL;
    this.rows.push(
      row(`recordEvents, ${EVENTS_PER_CALL} events a call`, RECORD_EVENTS_CONNECTIONS, batch, {
        rate: `${eventsPerSecond.toFixed(0)} events/s`,
        baseline: plainAt64 ? `${plainAt64.perSecond.toFixed(0)} rows/s (plain insert, 64)` : '',
        ratio: plainAt64 ? `${(eventsPerSecond / plainAt64.perSecond).toFixed(2)}x` : '',
        target: `>= ${GOALS.recordEventsPerSecond.toLocaleString('en')} events/s`,
        met: verdict(batch.failed === 0 && eventsPerSecond >= GOALS.recordEventsPerSecond),
      }),
    );
  }

  /**
   * A lot of ten events beside one of LONG_LOT_EVENTS: scan(code) and the page, each at 64 connections, with
   * the size of each answer. The long lot costing what the short one does is the goal (issue 17 point 4).
   */
  async history(r: BenchRequests, trivialAt64: LoadResult | undefined): Promise<void> {
    const trivial = trivialAt64 ?? (await this.measured('trivial query', SCAN_CONNECTIONS, r.trivial));
    if (!trivialAt64) this.rows.push(row('trivial query { __typename }', SCAN_CONNECTIONS, trivial));
    const pairs: [string, Request, Request][] = [
      ['scan(code)', r.scan, r.scanLong],
      ['scan(code) { timeline(first: 10) }', r.scanTen, r.scanTenLong],
      ['GET /q/<code>', r.page, r.pageLong],
    ];
    for (const [name, short, long] of pairs) {
      const [shortBytes, longBytes] = [await answerBytes(this.service.base, short), await answerBytes(this.service.base, long)];
      const s = await this.measured(`${name}, lot of ${SCANNED_LOT_EVENTS} events`, SCAN_CONNECTIONS, short);
      const l = await this.measured(`${name}, lot of ${LONG_LOT_EVENTS.toLocaleString('en')} events`, SCAN_CONNECTIONS, long);
      const vsTrivial = (x: LoadResult) => ({
        baseline: `${trivial.perSecond.toFixed(0)} (trivial query)`,
        ratio: `${(x.perSecond / trivial.perSecond).toFixed(2)}x`,
      });
      this.rows.push(row(`${name}, lot of ${SCANNED_LOT_EVENTS} events (${kb(shortBytes)})`, SCAN_CONNECTIONS, s, vsTrivial(s)));
      const vsShort = l.perSecond / s.perSecond;
      this.rows.push(
        row(`${name}, lot of ${LONG_LOT_EVENTS.toLocaleString('en')} events (${kb(longBytes)})`, SCAN_CONNECTIONS, l, {
          ...vsTrivial(l),
          target: `>= ${GOALS.historyVsShortLot}x the lot of ${SCANNED_LOT_EVENTS}`,
          met: `${verdict(l.failed === 0 && vsShort >= GOALS.historyVsShortLot)} (${vsShort.toFixed(2)}x)`,
        }),
      );
    }
  }

  async scans(r: BenchRequests, trivialAt64: LoadResult): Promise<void> {
    const points: [string, Request, boolean][] = [
      ['scan(code), one lot', r.scan, true],
      [`scan(code), ${r.manyLots.toLocaleString('en')} lots in turn`, r.scanMany, false],
      [`GET /q/<code> (public page)`, r.page, false],
    ];
    for (const [name, spec, goal] of points) {
      const result = await this.measured(name, SCAN_CONNECTIONS, spec);
      const ratio = result.perSecond / trivialAt64.perSecond;
      this.rows.push(
        row(name, SCAN_CONNECTIONS, result, {
          baseline: `${trivialAt64.perSecond.toFixed(0)} (trivial query)`,
          ratio: `${ratio.toFixed(2)}x`,
          target: goal ? `p99 < ${GOALS.scanP99Ms} ms, >= ${GOALS.scanVsTrivial}x` : '',
          met: goal ? verdict(result.failed === 0 && result.p99 < GOALS.scanP99Ms && ratio >= GOALS.scanVsTrivial) : '',
        }),
      );
    }
  }

  /**
   * Entries 1 to 1,000,000 (the goal's size; the ledger grows with every run), or the whole of a
   * smaller ledger, once, with the admin key: what an auditor's full check costs.
   */
  async verify(api: Api): Promise<void> {
    const { ledgerInfo } = await api<{ ledgerInfo: { size: number } }>(ADMIN_KEY, '{ ledgerInfo { size } }');
    const toSeq = Math.min(ledgerInfo.size, 1_000_000);
    const verifyStart = process.hrtime.bigint();
    const verification = await api<{ verifyLedger: { valid: boolean; checkedEntries: number } }>(
      ADMIN_KEY,
      `{ verifyLedger(fromSeq: 1, toSeq: ${toSeq}) { valid checkedEntries } }`,
    );
    const verifySeconds = Number(process.hrtime.bigint() - verifyStart) / 1e9;
    const { valid, checkedEntries } = verification.verifyLedger;
    console.log(`  verifyLedger: ${checkedEntries} entries, valid ${valid}, ${verifySeconds.toFixed(2)} s`);
    const tooSmall = checkedEntries < 1_000_000;
    this.rows.push({
      measurement: `verifyLedger, ${checkedEntries.toLocaleString('en')} of ${ledgerInfo.size.toLocaleString('en')} entries`,
      connections: '1',
      rate: `${(checkedEntries / verifySeconds).toFixed(0)} entries/s`,
      p50: '',
      p99: `${verifySeconds.toFixed(2)} s total`,
      baseline: '',
      ratio: '',
      target: `< ${GOALS.verifySeconds} s${tooSmall ? ' (for 1,000,000)' : ''}`,
      met: verdict(valid && !tooSmall && verifySeconds < GOALS.verifySeconds) + (tooSmall ? ' (ledger too small)' : ''),
    });
  }

  serviceRss(): void {
    const rss = this.service.rssMb();
    const empty = { p50: '', p99: '', baseline: '', ratio: '' };
    this.rows.push({
      measurement: 'service RSS after the run',
      connections: '',
      rate: `${rss.toFixed(0)} MB`,
      ...empty,
      target: `< ${GOALS.rssMb} MB`,
      met: verdict(rss < GOALS.rssMb),
    });
  }

  print(label: string): void {
    const [load1, load5] = loadavg();
    const machine = `${availableParallelism()} cores, load average ${load1.toFixed(1)} (1 min) ${load5.toFixed(1)} (5 min) at the end`;
    console.log(`\nserver: ${label}; ${this.options.seconds} s a point; autocannon in a second process; ${machine}`);
    printTable(
      ['measurement', 'connections', 'throughput', 'p50', 'p99', 'baseline', 'ratio', 'target', 'met/missed'],
      this.rows.map((r) => [r.measurement, r.connections, r.rate, r.p50, r.p99, r.baseline, r.ratio, r.target, r.met]),
    );
    console.log(`service RSS (MB) after each point: ${this.rssAlong.join('; ')}`);
    for (const f of this.failures) console.log(`note: ${f}`);
  }

  private load(connections: number, spec: Request, seconds = this.options.seconds): Promise<LoadResult> {
    return loadFromSecondProcess({ base: this.service.base, connections, seconds, ...spec });
  }

  /** Loads the service, prints the point's line, and notes its failures for the end. */
  private async measured(name: string, connections: number, spec: Request): Promise<LoadResult> {
    const result = await this.load(connections, spec);
    this.rssAlong.push(`${name} ${connections}: ${this.service.rssMb().toFixed(0)}`);
    const latency = `p50 ${result.p50} ms, p99 ${result.p99} ms`;
    console.log(`  ${name}, ${connections} connection(s): ${result.ok} ok, ${result.failed} failed, ${result.perSecond.toFixed(0)}/s, ${latency}`);
    if (result.failed > 0) this.failures.push(`${name} at ${connections}: ${result.failed} failed; first: ${result.firstFailure}`);
    return result;
  }
}

function row(measurement: string, connections: number, r: LoadResult, extra: Partial<Row> = {}): Row {
  return {
    measurement,
    connections: String(connections),
    rate: `${r.perSecond.toFixed(0)} req/s`,
    p50: r.ok > 0 ? `${r.p50} ms` : 'n/a',
    p99: r.ok > 0 ? `${r.p99} ms` : 'n/a',
    baseline: '',
    ratio: '',
    target: '',
    met: '',
    ...extra,
  };
}

/** recordEvent against the plain insert at the same level; the goal is set at 64 connections. */
function recordEventRow(connections: number, e: LoadResult, p: LoadResult): Row {
  const ratio = e.perSecond / p.perSecond;
  const goal = connections === 64;
  return row('recordEvent', connections, e, {
    baseline: `${p.perSecond.toFixed(0)} (plain insert)`,
    ratio: `${ratio.toFixed(2)}x`,
    target: goal ? `>= ${GOALS.recordEventVsPlainInsert}x` : '',
    met: goal ? verdict(e.failed === 0 && ratio >= GOALS.recordEventVsPlainInsert) : '',
  });
}

/** The size of one answer to a request, as a consumer's phone would download it. */
async function answerBytes(base: string, spec: Request): Promise<number> {
  const body = spec.body.kind === 'fixed' ? spec.body.body : undefined;
  const res = await fetch(new URL(spec.path, base), { method: spec.method, headers: spec.headers, body });
  const bytes = (await res.arrayBuffer()).byteLength;
  if (res.status !== 200) throw new Error(`${spec.method} ${spec.path} answered ${res.status}`);
  return bytes;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function verdict(met: boolean): string {
  return met ? 'met' : 'MISSED';
}

/** Up to `count` trace codes of the ledger's batches, in no particular order. */
async function traceCodes(url: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ trace_code: string }>('SELECT trace_code FROM batch TABLESAMPLE SYSTEM (50) LIMIT $1', [count]);
    return rows.map((r) => r.trace_code);
  } finally {
    await client.end();
  }
}

/** BENCH_DATABASE_URL, else the named database if it exists, else a throwaway one built here and dropped by cleanUp. */
async function benchDatabase(name: string, entries: number): Promise<{ url: string; label: string; cleanUp: () => Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, label: 'BENCH_DATABASE_URL', cleanUp: async () => undefined };
  const server = await findPostgresServer({ url: process.env.DATABASE_URL, embeddedName: 'bench-postgres', embeddedPort: 54349 });
  const exists = await withAdminClient(server.adminUrl, async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
  if (exists) return { url: databaseUrl(server.adminUrl, name), label: `${server.label}, database ${name}`, cleanUp: async () => server.stop?.() };

  const database = `suyuan_bench_${randomBytes(6).toString('hex')}`;
  console.log(`no database ${name} on ${server.label}: building ${database} with a ledger of ${entries.toLocaleString('en')} entries`);
  const url = databaseUrl(server.adminUrl, database);
  const cleanUp = () => dropDatabase(server, database);
  try {
    await withAdminClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${database}`));
    await padLedger(url, entries);
  } catch (err) {
    await cleanUp();
    throw err;
  }
  return { url, label: `${server.label}, throwaway database ${database}`, cleanUp };
}

/** EVENT_RECORDED entries through the writer on batches no one scans: the table and its indexes at the size the goals name. */
async function padLedger(url: string, entries: number): Promise<void> {
  const dataSource = await new DataSource(dataSourceOptions(url, PAD_CALLERS + 8)).initialize();
  try {
    await dataSource.runMigrations();
    const pool = new Database(dataSource).pool;
    const writer = new LedgerWriter(pool);
    const batchIds = Array.from({ length: 10_000 }, () => randomUUID());
    const padding = await run(PAD_CALLERS, entries, Infinity, async () => {
      await writer.append('bench', [draftEntry('EVENT_RECORDED', pick(batchIds), eventPayload())]);
    });
    await writer.whenIdle();
    if (padding.errors > 0) throw new Error(`${padding.errors} padding appends failed`);
    const took = `${(padding.elapsedMs / 1000).toFixed(1)} s (${padding.perSecond.toFixed(0)} entries/s)`;
    console.log(`padded the ledger with ${padding.count.toLocaleString('en')} entries in ${took}`);
    // The visibility map as autovacuum keeps it on a live service (statistics come next, in main).
    await pool.query('VACUUM');
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Statistics as autovacuum keeps them on a live service. A freshly seeded ledger has none, and the scan's
 * lineage walk then plans a parallel sequential scan of the whole ledger: over 30 s instead of 1 ms.
 */
async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('ANALYZE').finally(() => client.end());
}

async function dropDatabase(server: PostgresServer, database: string): Promise<void> {
  await withAdminClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch((err) =>
    console.error(`could not drop ${database}: ${(err as Error).message}`),
  );
  await server.stop?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
