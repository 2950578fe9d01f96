/**
 * `npm run bench:service [-- --database NAME] [--seconds 10] [--entries 1000000]`: the compiled service,
 * started as in production (with the baseline module added: scripts/bench-service-main.ts), under load from a second process (autocannon, scripts/bench-load.ts), beside
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
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, PostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { draftEntry } from '../src/ledger/ledger-entry.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { loadFromSecondProcess, LoadResult, LoadSpec } from './bench-load.js';
import { eventPayload, inParallel, pick, post, printTable, run, RunningService, startService } from './bench-support.js';

const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const LEVELS = [1, 16, 64];
const SCAN_CONNECTIONS = 64;
const EVENTS_PER_CALL = 100;
const RECORD_EVENTS_CONNECTIONS = 16;
/** Events spread over this many batches, so no one batch's sub-chain is the bottleneck. */
const BATCHES = 500;
const SCANNED_LOT_EVENTS = 10;
/** Lots scanned in turn for the uncached figure: more than a 10-second point at 64 connections reaches, so no lot is scanned twice. */
const MANY_LOTS = 10_000;
const PAD_CALLERS = 64;
const WARM_UP_SECONDS = 2;
/** The points --only can pick. */
const ONLY_POINTS = ['recordEvent', 'recordEvents'];

const GOALS = {
  recordEventVsPlainInsert: 0.8,
  recordEventsPerSecond: 20_000,
  scanP99Ms: 20,
  scanVsTrivial: 0.5,
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      database: { type: 'string', default: 'suyuan_large' },
      seconds: { type: 'string', default: '10' },
      entries: { type: 'string', default: '1000000' },
      only: { type: 'string' },
    },
  });
  const seconds = Number(values.seconds);
  const only = values.only?.split(',').filter(Boolean);
  for (const name of only ?? []) if (!ONLY_POINTS.includes(name)) throw new Error(`--only takes ${ONLY_POINTS.join(', ')}, got ${name}`);
  const measures = (point: string) => !only || only.includes(point);
  const { url, label, cleanUp } = await benchDatabase(values.database!, Number(values.entries));
  let service: RunningService | undefined;
  try {
    await analyze(url);
    // The production start with the baseline module (benchPlainInsert) added: scripts/bench-service-main.ts.
    service = await startService(url, ADMIN_KEY, { entry: 'dist/scripts/bench-service-main.js' });
    const api = graphqlClient(service.base);
    const producer = await producerWithBatches(api);
    const auth = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });
    const graphql = (key: string | null, body: LoadSpec['body']) => ({
      method: 'POST' as const,
      path: '/graphql',
      headers: key ? auth(key) : { 'content-type': 'application/json' },
      body,
    });
    const load = (connections: number, spec: Pick<LoadSpec, 'method' | 'path' | 'headers' | 'body'>, secs = seconds) =>
      loadFromSecondProcess({ base: service!.base, connections, seconds: secs, ...spec });

    const trivial = graphql(null, { kind: 'fixed', body: JSON.stringify({ query: '{ __typename }' }) });
    const plainInsert = graphql(producer.key, {
      kind: 'fixed',
      body: JSON.stringify({ query: 'mutation($note: String!) { benchPlainInsert(note: $note) }', variables: { note: JSON.stringify(eventPayload()) } }),
    });
    const recordEvent = graphql(producer.key, { kind: 'storingEvents', batchIds: producer.batchIds, facilityId: producer.facilityId, perCall: 1 });
    const recordEvents = graphql(producer.key, {
      kind: 'storingEvents',
      batchIds: producer.batchIds,
      facilityId: producer.facilityId,
      perCall: EVENTS_PER_CALL,
    });
    const scanQuery = `query($code: String!) { scan(code: $code) { traceCode productName lotCode producer status coldChainStatus timeline { bizStep eventTime place organization } verification { valid checkedEntries } } }`;
    const scan = graphql(null, { kind: 'fixed', body: JSON.stringify({ query: scanQuery, variables: { code: producer.traceCode } }) });
    const page = { method: 'GET' as const, path: `/q/${producer.traceCode}`, headers: {}, body: { kind: 'none' as const } };
    // Every scan a different lot of the ledger: what a scan costs when its view is not in memory.
    const manyLots = await traceCodes(url, MANY_LOTS);
    const scanMany = graphql(null, { kind: 'codesInTurn', query: scanQuery, codes: manyLots });

    // Warm-up: connections and plans settled for every path before anything counts.
    const warmUps = only
      ? [...(measures('recordEvent') ? [plainInsert, recordEvent] : []), ...(measures('recordEvents') ? [recordEvents] : [])]
      : [trivial, plainInsert, recordEvent, recordEvents, scan, page];
    for (const spec of warmUps) await load(16, spec, WARM_UP_SECONDS);

    const rows: Row[] = [];
    const failures: string[] = [];
    // RSS after each point, so a high figure at the end can be traced to the load that grew it.
    const rssAlong: string[] = [];
    const measured = (name: string, connections: number, result: LoadResult) => {
      rssAlong.push(`${name} ${connections}: ${service!.rssMb().toFixed(0)}`);
      console.log(
        `  ${name}, ${connections} connection(s): ${result.ok} ok, ${result.failed} failed, ${result.perSecond.toFixed(0)}/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
      );
      if (result.failed > 0) failures.push(`${name} at ${connections}: ${result.failed} failed; first: ${result.firstFailure}`);
      return result;
    };
    const row = (measurement: string, connections: number, r: LoadResult, extra: Partial<Row> = {}): Row => ({
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
    });
    const verdict = (met: boolean) => (met ? 'met' : 'MISSED');

    // Each level runs the three side by side, so they see the same machine.
    let plainAt64: LoadResult | undefined;
    let trivialAt64: LoadResult | undefined;
    // With --only recordEvent: the goal's level alone, and no trivial query.
    for (const connections of only ? (measures('recordEvent') ? [64] : []) : LEVELS) {
      const t = only ? undefined : measured('trivial query', connections, await load(connections, trivial));
      const p = measured('benchPlainInsert', connections, await load(connections, plainInsert));
      const e = measured('recordEvent', connections, await load(connections, recordEvent));
      if (t) rows.push(row('trivial query { __typename }', connections, t));
      rows.push(row('plain insert mutation', connections, p));
      const ratio = e.perSecond / p.perSecond;
      const goal = connections === 64;
      rows.push(
        row('recordEvent', connections, e, {
          baseline: `${p.perSecond.toFixed(0)} (plain insert)`,
          ratio: `${ratio.toFixed(2)}x`,
          target: goal ? `>= ${GOALS.recordEventVsPlainInsert}x` : '',
          met: goal ? verdict(e.failed === 0 && ratio >= GOALS.recordEventVsPlainInsert) : '',
        }),
      );
      if (connections === 64) [plainAt64, trivialAt64] = [p, t];
    }

    if (measures('recordEvents')) {
      const batch = measured(`recordEvents x${EVENTS_PER_CALL}`, RECORD_EVENTS_CONNECTIONS, await load(RECORD_EVENTS_CONNECTIONS, recordEvents));
      const eventsPerSecond = batch.perSecond * EVENTS_PER_CALL;
      rows.push(
        row(`recordEvents, ${EVENTS_PER_CALL} events a call`, RECORD_EVENTS_CONNECTIONS, batch, {
          rate: `${eventsPerSecond.toFixed(0)} events/s`,
          baseline: plainAt64 ? `${plainAt64.perSecond.toFixed(0)} rows/s (plain insert, 64)` : '',
          ratio: plainAt64 ? `${(eventsPerSecond / plainAt64.perSecond).toFixed(2)}x` : '',
          target: `>= ${GOALS.recordEventsPerSecond.toLocaleString('en')} events/s`,
          met: verdict(batch.failed === 0 && eventsPerSecond >= GOALS.recordEventsPerSecond),
        }),
      );
    }

    for (const [name, spec, goal] of only
      ? []
      : ([
          ['scan(code), one lot', scan, true],
          [`scan(code), ${manyLots.length.toLocaleString('en')} lots in turn`, scanMany, false],
          [`GET /q/<code> (public page)`, page, false],
        ] as const)) {
      const r = measured(name, SCAN_CONNECTIONS, await load(SCAN_CONNECTIONS, spec));
      const ratio = r.perSecond / trivialAt64!.perSecond;
      rows.push(
        row(name, SCAN_CONNECTIONS, r, {
          baseline: `${trivialAt64!.perSecond.toFixed(0)} (trivial query)`,
          ratio: `${ratio.toFixed(2)}x`,
          target: goal ? `p99 < ${GOALS.scanP99Ms} ms, >= ${GOALS.scanVsTrivial}x` : '',
          met: goal ? verdict(r.failed === 0 && r.p99 < GOALS.scanP99Ms && ratio >= GOALS.scanVsTrivial) : '',
        }),
      );
    }

    // Entries 1 to 1,000,000 (the goal's size; the ledger grows with every run), or the whole of a
    // smaller ledger, once, with the admin key: what an auditor's full check costs.
    if (!only) {
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
      rows.push({
        measurement: `verifyLedger, ${checkedEntries.toLocaleString('en')} of ${ledgerInfo.size.toLocaleString('en')} entries`,
        connections: '1',
        rate: `${(checkedEntries / verifySeconds).toFixed(0)} entries/s`,
        p50: '',
        p99: `${verifySeconds.toFixed(2)} s total`,
        baseline: '',
        ratio: '',
        target: `< ${GOALS.verifySeconds} s${checkedEntries < 1_000_000 ? ' (for 1,000,000)' : ''}`,
        met: verdict(valid && checkedEntries >= 1_000_000 && verifySeconds < GOALS.verifySeconds) + (checkedEntries < 1_000_000 ? ' (ledger too small)' : ''),
      });
    }

    const rss = service.rssMb();
    rows.push({
      measurement: 'service RSS after the run',
      connections: '',
      rate: `${rss.toFixed(0)} MB`,
      p50: '',
      p99: '',
      baseline: '',
      ratio: '',
      target: `< ${GOALS.rssMb} MB`,
      met: verdict(rss < GOALS.rssMb),
    });

    const [load1, load5] = loadavg();
    console.log(
      `\nserver: ${label}; ${seconds} s a point; autocannon in a second process; ${availableParallelism()} cores, load average ${load1.toFixed(1)} (1 min) ${load5.toFixed(1)} (5 min) at the end`,
    );
    printTable(
      ['measurement', 'connections', 'throughput', 'p50', 'p99', 'baseline', 'ratio', 'target', 'met/missed'],
      rows.map((r) => [r.measurement, r.connections, r.rate, r.p50, r.p99, r.baseline, r.ratio, r.target, r.met]),
    );
    console.log(`service RSS (MB) after each point: ${rssAlong.join('; ')}`);
    for (const f of failures) console.log(`note: ${f}`);
  } finally {
    await service?.stop();
    await cleanUp();
  }
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
    const pool = (dataSource.driver as PostgresDriver).master as pg.Pool;
    const writer = new LedgerWriter(pool);
    const batchIds = Array.from({ length: 10_000 }, () => randomUUID());
    const padding = await run(PAD_CALLERS, entries, Infinity, async () => {
      await writer.append('bench', [draftEntry('EVENT_RECORDED', pick(batchIds), eventPayload())]);
    });
    await writer.whenIdle();
    if (padding.errors > 0) throw new Error(`${padding.errors} padding appends failed`);
    console.log(
      `padded the ledger with ${padding.count.toLocaleString('en')} entries in ${(padding.elapsedMs / 1000).toFixed(1)} s (${padding.perSecond.toFixed(0)} entries/s)`,
    );
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

type Api = <T>(key: string | null, query: string, variables?: Record<string, unknown>) => Promise<T>;

/** GraphQL over HTTP for the set-up calls; a GraphQL error throws. */
function graphqlClient(base: string): Api {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return async <T>(key: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const text = await post(base, '/graphql', JSON.stringify({ query, variables }), { agent, headers: key ? { authorization: `Bearer ${key}` } : {} });
    const body = JSON.parse(text) as { data?: T; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 1000)}`);
    return body.data!;
  };
}

/** A new producer with a facility, a product and BATCHES lots in its custody: the writer of every event measured, and the owner of the lot scanned. */
async function producerWithBatches(api: Api): Promise<{ key: string; facilityId: string; batchIds: string[]; traceCode: string }> {
  const suffix = randomBytes(3).toString('hex');
  const { createOrganization } = await api<{ createOrganization: { apiKey: string } }>(
    ADMIN_KEY,
    'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { apiKey } }',
    { input: { name: `静海区压测农场 ${suffix}`, kind: 'PRODUCER' } },
  );
  const key = createOrganization.apiKey;
  const { registerFacility } = await api<{ registerFacility: { id: string } }>(
    key,
    'mutation($input: RegisterFacilityInput!) { registerFacility(input: $input) { id } }',
    {
      input: { name: `静海区压测农场 ${suffix} 冷库`, region: '天津市静海区' },
    },
  );
  const { registerProduct } = await api<{ registerProduct: { id: string } }>(
    key,
    'mutation($input: RegisterProductInput!) { registerProduct(input: $input) { id } }',
    {
      input: { name: '静海 西红柿', category: 'VEGETABLE', storage: 'CHILLED' },
    },
  );
  const batches = await inParallel(
    Array.from({ length: BATCHES }, (_, i) => i),
    8,
    async (i) =>
      (
        await api<{ registerBatch: { id: string; traceCode: string } }>(
          key,
          'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id traceCode } }',
          {
            input: {
              productId: registerProduct.id,
              facilityId: registerFacility.id,
              lotCode: `JH-${suffix}-${i + 1}`,
              quantity: 1000,
              unit: 'kg',
              producedAt: new Date().toISOString(),
            },
          },
        )
      ).registerBatch,
  );
  // The scanned lot is kept out of the write load: a consumer's lot has a short story, not thousands of events.
  const [scanned, ...written] = batches;
  for (let i = 0; i < SCANNED_LOT_EVENTS; i++) {
    await api(key, 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }', {
      input: { batchId: scanned.id, bizStep: 'STORING', eventTime: new Date().toISOString(), facilityId: registerFacility.id, details: eventPayload().details },
    });
  }
  return { key, facilityId: registerFacility.id, batchIds: written.map((b) => b.id), traceCode: scanned.traceCode };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
