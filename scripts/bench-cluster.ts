/**
 * `npm run bench:cluster [-- --seconds 10] [-- --only failover]`: the service past one process and one server, side by side in
 * one run (issue 17 point 5), on a PostgreSQL primary with one streaming replica of its own
 * (src/database/replication-pair.ts, the same pair `npm run cluster:local` starts):
 *
 * 1. one service process on the primary;
 * 2. `start:cluster` with 2 workers on the primary;
 * 3. `start:cluster` with 2 workers, reading from the replica (DATABASE_REPLICA_URLS).
 *
 * Each topology is loaded from a second process (autocannon) with a scan of one lot, its public page and
 * recordEvents (100 events a call). During the writes of topology 3 the replica's lag is sampled from the
 * primary's pg_stat_replication. Then the primary is stopped under topology 3: how long until reads are
 * answered again, what a write answers, and whether the replica keeps serving.
 * Everything runs on this machine's two cores: the load generator, the service and both servers.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startReplicationPair } from '../src/database/replication-pair.js';
import { loadFromSecondProcess, LoadResult, LoadSpec } from './bench-load.js';
import { graphqlClient, post, printTable, Producer, producerWithBatches, RunningService, SCAN_QUERY, startService } from './bench-support.js';

const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
const SCAN_CONNECTIONS = 64;
const WRITE_CONNECTIONS = 16;
const EVENTS_PER_CALL = 100;

interface Topology {
  name: string;
  entry: string;
  env: Record<string, string>;
}

interface Point {
  topology: string;
  measurement: string;
  result: LoadResult;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, only: { type: 'string' } } });
  const seconds = Number(values.seconds);
  // --only failover: topology 3 alone, its writes, then the primary stopped (a quick look at failover).
  const failoverOnly = values.only === 'failover';
  console.log(
    `CPUs: ${availableParallelism()}; load average at the start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const pair = await startReplicationPair();
  const database = await pair.createDatabase(`suyuan_bench_${randomBytes(4).toString('hex')}`);
  const topologies: Topology[] = [
    { name: '1 process, primary', entry: 'dist/src/main.js', env: {} },
    { name: '2 workers, primary', entry: 'dist/src/cluster-main.js', env: { CLUSTER_WORKERS: '2' } },
    { name: '2 workers + replica', entry: 'dist/src/cluster-main.js', env: { CLUSTER_WORKERS: '2', DATABASE_REPLICA_URLS: database.replicaUrl } },
  ];
  if (failoverOnly) topologies.splice(0, 2);
  const points: Point[] = [];
  let producer: Producer | undefined;
  let service: RunningService | undefined;
  try {
    for (const topology of topologies) {
      service = await startService(database.primaryUrl, ADMIN_KEY, { entry: topology.entry, env: topology.env });
      producer ??= await producerWithBatches(graphqlClient(service.base), ADMIN_KEY, { batches: 200 });
      const requests = loadsFor(service.base, producer);
      for (const spec of Object.values(requests)) await load(spec(4), 2); // warm-up: connections, plans, caches
      const withLag = topology.env.DATABASE_REPLICA_URLS !== undefined;
      if (!failoverOnly) {
        points.push({ topology: topology.name, measurement: 'scan(code), one lot', result: await load(requests.scan(SCAN_CONNECTIONS), seconds) });
        points.push({ topology: topology.name, measurement: 'GET /q/<code> (page)', result: await load(requests.page(SCAN_CONNECTIONS), seconds) });
      }
      const lag = withLag ? sampleReplicaLag(database.primaryUrl) : null;
      points.push({
        topology: topology.name,
        measurement: `recordEvents ×${EVENTS_PER_CALL}`,
        result: await load(requests.recordEvents(WRITE_CONNECTIONS), seconds),
      });
      if (lag) printLag(await lag.stop());
      if (withLag) await failover(service.base, producer, () => pair.stopPrimary());
      await service.stop();
      service = undefined;
    }
    printPoints(points);
  } finally {
    await service?.stop();
    await pair.stop();
  }
}

/** Each load as a function of its connection count. */
function loadsFor(base: string, producer: Producer): Record<'scan' | 'page' | 'recordEvents', (connections: number) => LoadSpec> {
  const json = { 'content-type': 'application/json' };
  return {
    scan: (connections) => ({
      base,
      method: 'POST',
      path: '/graphql',
      headers: json,
      body: { kind: 'fixed', body: JSON.stringify({ query: SCAN_QUERY, variables: { code: producer.traceCode } }) },
      connections,
      seconds: 0,
    }),
    page: (connections) => ({ base, method: 'GET', path: `/q/${producer.traceCode}`, headers: {}, body: { kind: 'none' }, connections, seconds: 0 }),
    recordEvents: (connections) => ({
      base,
      method: 'POST',
      path: '/graphql',
      headers: { ...json, authorization: `Bearer ${producer.key}` },
      body: { kind: 'storingEvents', batchIds: producer.batchIds, facilityId: producer.facilityId, perCall: EVENTS_PER_CALL },
      connections,
      seconds: 0,
    }),
  };
}

function load(spec: LoadSpec, seconds: number): Promise<LoadResult> {
  return loadFromSecondProcess({ ...spec, seconds });
}

/** pg_stat_replication's replay lag (time) and the bytes of WAL not yet replayed, every 200 ms until stopped. */
function sampleReplicaLag(primaryUrl: string): { stop: () => Promise<{ lagMs: number[]; behindBytes: number[] }> } {
  const client = new pg.Client({ connectionString: primaryUrl });
  const lagMs: number[] = [];
  const behindBytes: number[] = [];
  let running = true;
  const loop = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ lag_ms: string | null; behind: string | null }>(
        `SELECT EXTRACT(EPOCH FROM replay_lag) * 1000 AS lag_ms, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS behind FROM pg_stat_replication`,
      );
      if (rows[0]) {
        lagMs.push(Number(rows[0].lag_ms ?? 0));
        behindBytes.push(Number(rows[0].behind ?? 0));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { lagMs, behindBytes };
    },
  };
}

function printLag({ lagMs, behindBytes }: { lagMs: number[]; behindBytes: number[] }): void {
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const at = (values: number[], p: number) => values[Math.min(values.length - 1, Math.floor(p * values.length))] ?? NaN;
  const lag = sorted(lagMs);
  const behind = sorted(behindBytes);
  console.log(
    `replica lag under recordEvents (${lag.length} samples, pg_stat_replication.replay_lag): p50 ${at(lag, 0.5).toFixed(1)} ms, ` +
      `p99 ${at(lag, 0.99).toFixed(1)} ms, max ${at(lag, 1).toFixed(1)} ms; WAL not yet replayed: p50 ${Math.round(at(behind, 0.5) / 1024)} kB, ` +
      `max ${Math.round(at(behind, 1) / 1024)} kB`,
  );
}

/** Stops the primary under the replica topology: when reads answer again, what a write answers. */
async function failover(base: string, producer: Producer, stopPrimary: () => Promise<void>): Promise<void> {
  const scan = () => post(base, '/graphql', JSON.stringify({ query: SCAN_QUERY, variables: { code: producer.traceCode } }));
  const write = () =>
    post(
      base,
      '/graphql',
      JSON.stringify({
        query: 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }',
        variables: { input: { batchId: producer.batchIds[0], bizStep: 'STORING', eventTime: new Date().toISOString(), facilityId: producer.facilityId } },
      }),
      { headers: { authorization: `Bearer ${producer.key}` } },
    );
  const stoppedAt = Date.now();
  await stopPrimary();
  const stopMs = Date.now() - stoppedAt;
  let readsFailed = 0;
  let firstOkAfterMs = NaN;
  const took: number[] = [];
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const started = Date.now();
    const body = JSON.parse(await scan().catch((err: Error) => JSON.stringify({ errors: [{ message: err.message }] }))) as {
      data?: { scan?: unknown };
      errors?: unknown[];
    };
    if (body.data?.scan && !body.errors) {
      took.push(Date.now() - started);
      if (Number.isNaN(firstOkAfterMs)) firstOkAfterMs = Date.now() - stoppedAt;
    } else readsFailed++;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const written = JSON.parse(await write()) as { errors?: { extensions?: { code?: string } }[] };
  const ready = await fetch(`${base}/health/ready`);
  const readiness = (await ready.json()) as { status?: string };
  const sorted = [...took].sort((a, b) => a - b);
  console.log(
    `primary stopped (pg_ctl stop took ${stopMs} ms); for 10 s after: ${took.length} scans answered, ${readsFailed} failed, ` +
      `the first answered ${firstOkAfterMs} ms after the stop began; each took p50 ${sorted[Math.floor(sorted.length / 2)] ?? '–'} ms, ` +
      `max ${sorted.at(-1) ?? '–'} ms; a write answered ${written.errors?.[0]?.extensions?.code ?? 'without an error'}; ` +
      `/health/ready answered ${ready.status} ${readiness.status ?? ''}`,
  );
}

function printPoints(points: Point[]): void {
  const baseline = new Map<string, number>();
  const body = points.map(({ topology, measurement, result }) => {
    if (!baseline.has(measurement)) baseline.set(measurement, result.perSecond);
    const unit = measurement.startsWith('recordEvents') ? 'events/s' : 'req/s';
    const rate = measurement.startsWith('recordEvents') ? result.perSecond * EVENTS_PER_CALL : result.perSecond;
    return [
      topology,
      measurement,
      `${Math.round(rate)} ${unit}`,
      `${result.p50} ms`,
      `${result.p99} ms`,
      `${(result.perSecond / baseline.get(measurement)!).toFixed(2)}×`,
      result.failed > 0 ? `${result.failed} failed: ${result.firstFailure ?? ''}`.slice(0, 80) : '',
    ];
  });
  printTable(['topology', 'measurement', 'throughput', 'p50', 'p99', 'vs 1 process', 'failures'], body);
  console.log(
    `load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
