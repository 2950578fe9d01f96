/** What the benchmark scripts share: timed concurrent loops, realistic payloads, the service in a process of its own and a lean HTTP client. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import http from 'node:http';

export interface RunResult {
  count: number;
  errors: number;
  firstError?: unknown;
  elapsedMs: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** `callers` loops share one budget of `maxCount` operations and one deadline; each call is timed. */
export async function run(callers: number, maxCount: number, maxMs: number, op: () => Promise<void>): Promise<RunResult> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: unknown;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(Math.min(maxMs, 1e9) * 1e6));
  const caller = async () => {
    while (issued < maxCount && process.hrtime.bigint() < deadline) {
      issued++;
      const t0 = process.hrtime.bigint();
      try {
        await op();
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (errors > 0) console.error(`  ${errors} of ${issued} calls failed; first: ${(firstError as Error)?.message ?? String(firstError)}`);
  latencies.sort((a, b) => a - b);
  return {
    count: latencies.length,
    errors,
    firstError,
    elapsedMs,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** A small EPCIS-like event, as the events API would record it. */
export function eventPayload(): Record<string, unknown> {
  return {
    bizStep: pick(['receiving', 'shipping', 'storing', 'inspecting']),
    eventTime: new Date().toISOString(),
    quantity: Math.round(Math.random() * 100_000) / 100,
    details: { temperatureC: Math.round((Math.random() * 8 - 2) * 10) / 10, operator: `op-${Math.floor(Math.random() * 50)}` },
  };
}

export function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

/** Runs `op` `count` times one after another; latency percentiles in ms. */
export async function timeEach(count: number, op: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await op();
    latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

const singleConnection = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * One POST on a kept-alive connection: a lean client, so the figures are the service's. Concurrent
 * callers pass an agent with as many sockets as there are callers.
 */
export function post(base: string, path: string, body: string, options: { agent?: http.Agent; headers?: Record<string, string> } = {}): Promise<string> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: options.agent ?? singleConnection,
        headers: { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve(text));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface RunningService {
  base: string;
  pid: number;
  rssMb(): number;
  /** SIGTERM; resolves once the process has exited, so its database can be dropped without it complaining. */
  stop(): Promise<void>;
  /** kill -9: no shutdown hooks, requests in flight get no answer; resolves once the process has exited. */
  kill(): Promise<void>;
}

/**
 * `npm run start:prod` on the given database, with throwaway keys; resolves once it serves. `env` adds or
 * overrides settings; `stderr` is a file descriptor for the service's own log (default: this process's);
 * `entry` is the compiled start script (default the product's, dist/src/main.js).
 */
export function startService(
  databaseUrl: string,
  adminKey: string,
  options: { env?: Record<string, string>; stderr?: number; entry?: string } = {},
): Promise<RunningService> {
  const port = 39500 + Math.floor(Math.random() * 400);
  // SERVICE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the service a benchmark drives.
  const nodeArgs = process.env.SERVICE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, options.entry ?? 'dist/src/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      // Labels nobody prints: the address a development start would use.
      PUBLIC_BASE_URL: `http://localhost:${port}`,
      ALLOW_HTTP_PUBLIC_BASE_URL: 'true',
      ADMIN_API_KEY: adminKey,
      LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
      LEDGER_ORIGIN: 'bench.suyuan/ledger',
      SEED_DEMO: 'false',
      // The start banner is what this waits for; production logs JSON lines by default.
      LOG_FORMAT: 'pretty',
      // Benchmarks measure the service, from one address with few keys: the rate limits would measure themselves.
      RATE_LIMIT_PER_KEY: '0',
      RATE_LIMIT_PUBLIC: '0',
      // and so would the cap on connections per address (a level of 64 meets it as the previous one's close).
      MAX_CONNECTIONS_PER_ADDRESS: '0',
      // and the projection audit a start runs would replay the whole ledger beside the measured requests.
      PROJECTION_AUDIT_INTERVAL_MS: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', options.stderr ?? 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    // Only the last few kilobytes are kept (for the error if it exits) and searched: the service logs a
    // line per request, and searching all of it on every chunk would take a core from the measurement.
    let output = '';
    let ready = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8192);
      if (ready || !output.includes('Stop with Ctrl-C.')) return;
      ready = true;
      resolve({
        base: `http://127.0.0.1:${port}`,
        pid: child.pid!,
        rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
        kill: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          return exited;
        },
      });
    });
    child.on('exit', (code) => reject(new Error(`the service exited with ${code}: ${output}`)));
  });
}

/** Maps items with at most `limit` calls in flight; results in the items' order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A Markdown table: the first column left-aligned, the figures right-aligned. */
export function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log('');
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of body) console.log(line(r));
  console.log('');
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The scan the benchmarks load the service with: what a consumer's phone asks of a lot. */
export const SCAN_QUERY =
  'query($code: String!) { scan(code: $code) { traceCode productName lotCode producer status coldChainStatus ' +
  'timeline { bizStep eventTime place organization } verification { valid checkedEntries } } }';

export type Api = <T>(key: string | null, query: string, variables?: Record<string, unknown>) => Promise<T>;

/** GraphQL over HTTP for the set-up calls; a GraphQL error throws. */
export function graphqlClient(base: string): Api {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  return async <T>(key: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const text = await post(base, '/graphql', JSON.stringify({ query, variables }), { agent, headers: key ? { authorization: `Bearer ${key}` } : {} });
    const body = JSON.parse(text) as { data?: T; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 1000)}`);
    return body.data!;
  };
}

/** A producer the benchmarks write as: its key, its facility, the lots events are recorded on, and lots kept for scans. */
export interface Producer {
  key: string;
  facilityId: string;
  batchIds: string[];
  traceCode: string;
  /** The lot with longLotEvents events, when one was asked for. */
  longTraceCode: string | null;
}

/**
 * A new producer with a facility, a product and `batches` lots in its custody: the writer of every event
 * measured, and the owner of the lot scanned (its first lot, given `scannedLotEvents` events) and, when
 * `longLotEvents` is more than 0, of a lot with that long a history (storage checks an hour apart).
 */
export async function producerWithBatches(
  api: Api,
  adminKey: string,
  { batches = 500, scannedLotEvents = 10, longLotEvents = 0 }: { batches?: number; scannedLotEvents?: number; longLotEvents?: number } = {},
): Promise<Producer> {
  const suffix = randomBytes(3).toString('hex');
  const { createOrganization } = await api<{ createOrganization: { apiKey: string } }>(
    adminKey,
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
  // The scanned lot and the long one come first; the rest take the writes.
  const lots = await inParallel(
    Array.from({ length: batches + 2 }, (_, i) => i),
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
  // The scanned lots are kept out of the write load: a consumer's lot has a short story, not thousands of events.
  const [scanned, long, ...written] = lots;
  for (let i = 0; i < scannedLotEvents; i++) {
    await api(key, 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }', {
      input: { batchId: scanned.id, bizStep: 'STORING', eventTime: new Date().toISOString(), facilityId: registerFacility.id, details: eventPayload().details },
    });
  }
  // The long lot: storage checks an hour apart, ending now, recorded 1,000 a call.
  const start = Date.now() - longLotEvents * 3600_000;
  for (let from = 0; from < longLotEvents; from += 1000) {
    const input = Array.from({ length: Math.min(1000, longLotEvents - from) }, (_, i) => ({
      batchId: long.id,
      bizStep: 'STORING',
      eventTime: new Date(start + (from + i) * 3600_000).toISOString(),
      facilityId: registerFacility.id,
      details: eventPayload().details,
    }));
    await api(key, 'mutation($input: [RecordEventInput!]!) { recordEvents(input: $input) { seq } }', { input });
  }
  return {
    key,
    facilityId: registerFacility.id,
    batchIds: written.map((b) => b.id),
    traceCode: scanned.traceCode,
    longTraceCode: longLotEvents > 0 ? long.traceCode : null,
  };
}
