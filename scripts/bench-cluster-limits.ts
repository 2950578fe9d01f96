/**
 * `npm run bench:cluster-limits`: what sharing the rate limits across `npm run start:cluster`'s workers
 * costs. First the take alone: from a bucket in memory, and from the primary's over IPC, one after
 * another (the round trip each request adds) and 64 at once (how many the primary serves). Then, on a
 * throwaway database, the same cheap query (`ledgerInfo`, so the limit's share of each request is as
 * large as it gets) with 64 callers for a few seconds, anonymous (counted per address) and with an
 * organization's key (counted per key), against: one process with its buckets in memory; two workers
 * with the limits off; two workers with the limits on (each request asks the primary over IPC); limits
 * high enough that nothing is refused. Then, on two workers, one key flooding far past its limit
 * beside another key's steady requests: the other's latency alone and during the flood.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import cluster from 'node:cluster';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { ClusterHub } from '../src/cluster/cluster-hub.js';
import { ClusterLink } from '../src/cluster/cluster-link.js';
import { isWorkerMessage } from '../src/cluster/cluster-messages.js';
import type { AppConfig } from '../src/config/config.js';
import { ADMIN_KEY, organizationKey, apiClient } from './bench-api.js';
import { post, printTable, run, RunResult, startService } from './bench-support.js';

const CALLERS = 64;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const QUERY = JSON.stringify({ query: '{ ledgerInfo { size } }' });
const HIGH = '1000000';

interface Setup {
  name: string;
  entry: string;
  env: Record<string, string>;
}

const setups: Setup[] = [
  { name: '1 process, limits on (in memory)', entry: 'dist/src/main.js', env: { RATE_LIMIT_PER_KEY: HIGH, RATE_LIMIT_PUBLIC: HIGH } },
  { name: '2 workers, limits off', entry: 'dist/src/cluster-main.js', env: { CLUSTER_WORKERS: '2' } },
  {
    name: '2 workers, limits on (shared via the primary)',
    entry: 'dist/src/cluster-main.js',
    env: { CLUSTER_WORKERS: '2', RATE_LIMIT_PER_KEY: HIGH, RATE_LIMIT_PUBLIC: HIGH },
  },
];

if (cluster.isWorker) {
  await measureTakesInWorker();
  process.exit(0);
}

// The round trip alone, without HTTP: a worker asking this process (as a cluster's primary) as a worker of start:cluster does.
printTable(['one take from the bucket', 'sequential µs', 'takes/s, 64 at once'], [await inProcessTakes(), await takesOverIpc()]);

const server = await findPostgresServer({ url: process.env.DATABASE_URL, embeddedName: 'bench-postgres', embeddedPort: 54349 });
const database = `suyuan_bench_${randomBytes(6).toString('hex')}`;
const url = databaseUrl(server.adminUrl, database);
console.log(`server: ${server.label}; bench database: ${database}; ${CALLERS} callers, ${SECONDS} s a figure; load average ${(await loadAverage()).join(' ')}`);
try {
  await withAdminClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${database}`));
  const dataSource = await new DataSource(dataSourceOptions(url, 2)).initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();

  const rows: string[][] = [];
  let keys: { a: string; b: string } | undefined;
  for (const setup of setups) {
    const service = await startService(url, ADMIN_KEY, { entry: setup.entry, env: setup.env });
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });
      keys ??= {
        a: (await organizationKey(apiClient(service.base, agent), 'bench flooder', 'RETAILER')).key,
        b: (await organizationKey(apiClient(service.base, agent), 'bench steady', 'RETAILER')).key,
      };
      const call = (key?: string) => () =>
        post(service.base, '/graphql', QUERY, { agent, headers: key ? { authorization: `Bearer ${key}` } : {} }).then(() => undefined);
      await run(CALLERS, Infinity, 1000, call()); // warm-up
      const anonymous = await run(CALLERS, Infinity, SECONDS * 1000, call());
      const keyed = await run(CALLERS, Infinity, SECONDS * 1000, call(keys.b));
      rows.push([setup.name, ...figures(anonymous), ...figures(keyed)]);
      agent.destroy();
    } finally {
      await service.stop();
    }
  }
  printTable(['setup', 'anonymous req/s', 'p50 ms', 'p99 ms', 'keyed req/s', 'p50 ms', 'p99 ms'], rows);

  // One key far past its limit (300 a minute) with 48 callers; another key beside it, one request every
  // 200 ms (well within the same limit), timed alone and during the flood.
  const service = await startService(url, ADMIN_KEY, { entry: 'dist/src/cluster-main.js', env: { CLUSTER_WORKERS: '2', RATE_LIMIT_PER_KEY: '300' } });
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: CALLERS });
    const steady = () =>
      post(service.base, '/graphql', QUERY, { agent, headers: { authorization: `Bearer ${keys!.b}` } }).then(async (body) => {
        if (body.includes('RATE_LIMITED')) throw new Error('the steady key was refused');
        await sleep(200);
      });
    let refused = 0;
    const flood = () =>
      post(service.base, '/graphql', QUERY, { agent, headers: { authorization: `Bearer ${keys!.a}` } }).then((body) => {
        if (body.includes('RATE_LIMITED')) refused++;
      });
    const alone = await run(1, Infinity, SECONDS * 1000, steady);
    const [during, flooded] = await Promise.all([run(1, Infinity, SECONDS * 1000, steady), run(48, Infinity, SECONDS * 1000, flood)]);
    // The steady key's own 200 ms pause is in each of its figures: its latency is the figure less 200.
    printTable(
      ['2 workers, RATE_LIMIT_PER_KEY=300', 'req/s', 'p50 ms', 'p99 ms'],
      [
        ['steady key, 1 caller, alone (incl. its 200 ms pause)', ...figures(alone)],
        ['steady key, 1 caller, during the flood (incl. 200 ms pause)', ...figures(during)],
        [`flooding key, 48 callers (${refused} of ${flooded.count} refused 429)`, ...figures(flooded)],
      ],
    );
  } finally {
    await service.stop();
  }
} finally {
  await withAdminClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => undefined);
  await server.stop?.();
}

function figures(r: RunResult): string[] {
  return [r.perSecond.toFixed(0), r.p50.toFixed(1), r.p99.toFixed(1)];
}

async function loadAverage(): Promise<number[]> {
  const { loadavg } = await import('node:os');
  return loadavg().map((l) => Number(l.toFixed(2)));
}

/** What a worker measures: takes one after another (the round trip), then 64 loops at once (what the primary serves). */
async function measureTakesInWorker(): Promise<void> {
  const link = new ClusterLink({ rateLimitPerKey: 1_000_000_000, rateLimitPublic: 1_000_000_000 } as AppConfig);
  const sequential = await timeTakes(20_000, 1, (i) => link.take('key', `key:${i % 1000}`));
  const concurrent = await timeTakes(200_000, 64, (i) => link.take('key', `key:${i % 1000}`));
  process.send!({ sequential, concurrent });
}

async function takesOverIpc(): Promise<string[]> {
  const hub = new ClusterHub({ rateLimitPerKey: 1_000_000_000, rateLimitPublic: 1_000_000_000 });
  cluster.setupPrimary({ serialization: 'advanced' });
  const worker = cluster.fork();
  worker.on('message', (message: unknown) => {
    if (!isWorkerMessage(message)) return;
    const { reply } = hub.handle(worker.id, message);
    if (reply) worker.send(reply);
  });
  const result = await new Promise<{ sequential: Timed; concurrent: Timed }>((resolve) =>
    worker.on('message', (m: unknown) => (m as { sequential?: Timed }).sequential && resolve(m as { sequential: Timed; concurrent: Timed })),
  );
  worker.kill();
  return ["2 workers' way: IPC to the primary", result.sequential.microseconds.toFixed(1), result.concurrent.perSecond.toFixed(0)];
}

async function inProcessTakes(): Promise<string[]> {
  const link = new ClusterLink({ rateLimitPerKey: 1_000_000_000, rateLimitPublic: 1_000_000_000 } as AppConfig);
  const sequential = await timeTakes(200_000, 1, (i) => link.take('key', `key:${i % 1000}`));
  const concurrent = await timeTakes(200_000, 64, (i) => link.take('key', `key:${i % 1000}`));
  return ['1 process: in memory', sequential.microseconds.toFixed(2), concurrent.perSecond.toFixed(0)];
}

interface Timed {
  microseconds: number;
  perSecond: number;
}

async function timeTakes(count: number, loops: number, take: (i: number) => Promise<number>): Promise<Timed> {
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: loops }, async () => {
      while (next < count) await take(next++);
    }),
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { microseconds: (ms * 1000) / count, perSecond: count / (ms / 1000) };
}
