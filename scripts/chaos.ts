/**
 * `npm run chaos`: faults under a steady load of appends, with nothing lost. On a PostgreSQL of its own
 * (embedded, data in a temporary folder, a free port) and the compiled service in child processes
 * running as the restricted service role (MIGRATE_ON_START=false, as in production), it
 *
 *   1. kills the service with -9 in the middle of the load and starts it again;
 *   2. stops PostgreSQL under load for a few seconds and starts it again, the service left running;
 *   3. runs two service processes on the one database under load;
 *   4. has clients disconnect mid-request and retry with the same idempotency key;
 *   5. runs `npm run start:cluster` with two workers under load and kills one worker with -9: the other
 *      keeps answering, the primary starts a replacement, and nothing the killed one acknowledged is lost.
 *
 * Every request records a retail sale of 1 unit with an idempotency key of its own. After each
 * scenario: every append a client got an answer for is in the ledger with the seq and hash it was
 * told; every one without an answer, retried with its key, comes back as the entry already there or
 * is made exactly once; each batch's quantity is what its entries say; the chain is gapless with no
 * shared prev_hash; the offline verifier (`npm run verify`, with a state file so each run also proves
 * the ledger only grew) passes. Prints a report table and exits 1 when any of that fails.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVICE_ROLE } from '../migrations/1765446400000-service-role.js';
import { EmbeddedDatabase, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/migrate.js';
import { withAdminClient } from '../src/database/postgres-server.js';
import { sqlEntryTypes } from '../src/ledger/entry-types.js';
import { runVerify } from '../src/verifier/verify-command.js';
import { freePort, run, RunningService, startService } from './bench-support.js';

const CALLERS = 32;
const BATCHES = 8;
const INITIAL_QUANTITY = 1_000_000;
/** A request still unanswered after this has hung. */
const REQUEST_TIMEOUT_MS = 30_000;
/** The promise while PostgreSQL is away: every request is answered (with an error) within this. */
const FAIL_FAST_LIMIT_MS = 2_000;
/** The promise once PostgreSQL is back: appends succeed again within this, the service untouched. */
const RECOVERY_LIMIT_MS = 10_000;
const DATABASE_DOWN_MS = 5_000;
const DISCONNECTING_REQUESTS = 400;
const ADMIN_KEY = `chaos-admin-${randomBytes(12).toString('hex')}`;
/** One signing key for every process of the run, so each one's checkpoints verify with the same key. */
const SIGNING_SEED = randomBytes(32).toString('base64');
/** The idempotency keys of each scenario start with its name. */
const SCENARIO_KEYS = ['kill-9', 'postgres-restart', 'two-processes', 'disconnect', 'cluster-worker'];
const RECORD_EVENT = 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq hash } }';

interface EventInput {
  batchId: string;
  bizStep: 'RETAIL_SELLING';
  eventTime: string;
  facilityId: string;
  quantity: number;
  idempotencyKey: string;
}

type Outcome = { kind: 'entry'; seq: number; hash: string } | { kind: 'error' | 'no answer'; message: string };

interface Attempt {
  input: EventInput;
  base: string;
  /** performance.now() when the request was sent, and how long until it was answered or given up. */
  startedMs: number;
  ms: number;
  outcome: Outcome;
}

interface Fixture {
  producerId: string;
  producerKey: string;
  facilityId: string;
  batchIds: string[];
}

interface Tally {
  answered: number;
  unanswered: number;
  /** Unanswered appends found in the ledger before their retry (committed, answer lost). */
  unansweredPresent: number;
  lost: number;
  duplicated: number;
}

interface ScenarioResult {
  scenario: string;
  tally: Tally;
  verify: string;
  maxDownLatencyMs?: number;
  recoveryMs?: number;
  problems: string[];
  notes: string[];
}

const now = () => performance.now();

/** One recordEvent; never throws: a network failure, an abort or a timeout is 'no answer'. */
async function recordEvent(base: string, apiKey: string, input: EventInput, abort?: AbortSignal): Promise<Attempt> {
  const startedMs = now();
  const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
  let outcome: Outcome;
  try {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query: RECORD_EVENT, variables: { input } }),
      signal: abort ? AbortSignal.any([abort, timeout]) : timeout,
    });
    const body = (await res.json()) as { data?: { recordEvent?: { seq: number; hash: string } } | null; errors?: { message: string }[] };
    const entry = body.data?.recordEvent;
    outcome = entry
      ? { kind: 'entry', seq: Number(entry.seq), hash: entry.hash }
      : { kind: 'error', message: body.errors?.[0]?.message ?? `HTTP ${res.status}` };
  } catch (err) {
    outcome = { kind: 'no answer', message: (err as Error).message };
  }
  return { input, base, startedMs, ms: now() - startedMs, outcome };
}

async function graphql<T = Record<string, any>>(base: string, query: string, variables: Record<string, unknown> = {}, apiKey = ADMIN_KEY): Promise<T> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

let keyCounter = 0;
function saleInput(fixture: Fixture, scenario: string): EventInput {
  const n = keyCounter++;
  return {
    batchId: fixture.batchIds[n % fixture.batchIds.length],
    bizStep: 'RETAIL_SELLING',
    eventTime: '2026-10-07T10:00:00.000Z',
    facilityId: fixture.facilityId,
    quantity: 1,
    idempotencyKey: `${scenario}-${n}`,
  };
}

/** Callers that keep recording sales, each with a fresh idempotency key, until stopped; every attempt is kept. */
class Load {
  readonly attempts: Attempt[] = [];
  private running = true;
  private readonly done: Promise<unknown>;

  constructor(fixture: Fixture, scenario: string, targets: () => string[]) {
    let turn = 0;
    const caller = async () => {
      while (this.running) {
        const bases = targets();
        const attempt = await recordEvent(bases[turn++ % bases.length], fixture.producerKey, saleInput(fixture, scenario));
        this.attempts.push(attempt);
        // A service or database that is away is asked again soon, not hammered.
        if (attempt.outcome.kind !== 'entry') await sleep(100);
      }
    };
    this.done = Promise.all(Array.from({ length: CALLERS }, caller));
  }

  /** The first append answered after `sinceMs`, once there is one. */
  async firstAnsweredAfter(sinceMs: number, timeoutMs: number): Promise<Attempt | undefined> {
    const deadline = now() + timeoutMs;
    for (;;) {
      const first = this.attempts
        .filter((a) => a.outcome.kind === 'entry' && a.startedMs >= sinceMs)
        .sort((a, b) => a.startedMs + a.ms - (b.startedMs + b.ms))[0];
      if (first || now() > deadline) return first;
      await sleep(20);
    }
  }

  async stop(): Promise<Attempt[]> {
    this.running = false;
    await this.done;
    return this.attempts;
  }
}

/** Runs `work` on every item, `CALLERS` at a time; results in the items' order. */
async function forEachConcurrently<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await run(CALLERS, items.length, Infinity, async () => {
    const i = next++;
    results[i] = await work(items[i]);
  });
  return results;
}

/** The entry stored under each key (unique per actor and key, so at most one each). */
async function entriesByKey(ownerUrl: string, actor: string, keys: string[]): Promise<Map<string, { seq: number; hash: string }>> {
  const { rows } = await withAdminClient(ownerUrl, (c) =>
    c.query<{ idempotency_key: string; seq: string; hash: string }>(
      'SELECT idempotency_key, seq, hash FROM ledger_entry WHERE actor = $1 AND idempotency_key = ANY($2)',
      [actor, keys],
    ),
  );
  return new Map(rows.map((r) => [r.idempotency_key, { seq: Number(r.seq), hash: r.hash }]));
}

/**
 * Holds the service to its promises for one scenario's attempts: answered appends are stored as
 * answered; unanswered ones, retried with the same key on a healthy service, are the entry already
 * stored or one new entry, never two.
 */
async function reconcile(ownerUrl: string, base: string, fixture: Fixture, attempts: Attempt[], problems: string[]): Promise<Tally> {
  const keys = attempts.map((a) => a.input.idempotencyKey);
  const before = await entriesByKey(ownerUrl, fixture.producerId, keys);
  const answered = attempts.filter((a) => a.outcome.kind === 'entry');
  let lost = 0;
  for (const a of answered) {
    const told = a.outcome as Extract<Outcome, { kind: 'entry' }>;
    const stored = before.get(a.input.idempotencyKey);
    if (stored?.seq !== told.seq || stored.hash !== told.hash) {
      lost++;
      const storedAs = stored ? `seq ${stored.seq} ${stored.hash.slice(0, 12)}…` : 'nothing';
      problems.push(`${a.input.idempotencyKey}: answered seq ${told.seq} ${told.hash.slice(0, 12)}…, stored ${storedAs}`);
    }
  }

  const unanswered = attempts.filter((a) => a.outcome.kind !== 'entry');
  let duplicated = 0;
  const retries = await forEachConcurrently(unanswered, async (a) => {
    let retry = await recordEvent(base, fixture.producerKey, a.input);
    // The service is healthy by now: a retry with no answer at all is asked again, an error is reported.
    for (let i = 0; i < 5 && retry.outcome.kind === 'no answer'; i++) {
      await sleep(200);
      retry = await recordEvent(base, fixture.producerKey, a.input);
    }
    return retry;
  });
  const after = await entriesByKey(ownerUrl, fixture.producerId, keys);
  unanswered.forEach((a, i) => {
    const key = a.input.idempotencyKey;
    const retry = retries[i].outcome;
    const earlier = before.get(key);
    if (retry.kind !== 'entry') {
      lost++;
      problems.push(`${key}: its retry was not answered with an entry (${retry.message})`);
    } else if (earlier && (earlier.seq !== retry.seq || earlier.hash !== retry.hash)) {
      duplicated++;
      problems.push(`${key}: was stored as seq ${earlier.seq}, its retry answered seq ${retry.seq}`);
    } else if (after.get(key)?.seq !== retry.seq) {
      lost++;
      problems.push(`${key}: its retry answered seq ${retry.seq}, stored ${after.get(key)?.seq ?? 'nothing'}`);
    }
  });
  // Any sale the ledger holds that no request of this run asked for would be a duplicate of one.
  const { rows } = await withAdminClient(ownerUrl, (c) =>
    c.query<{ n: string }>(
      `SELECT count(*) AS n FROM ledger_entry
       WHERE type = ${sqlEntryTypes('EVENT_RECORDED')} AND batch_id = ANY($1) AND (idempotency_key IS NULL OR NOT idempotency_key LIKE ANY($2))`,
      [fixture.batchIds, SCENARIO_KEYS.map((s) => `${s}-%`)],
    ),
  );
  duplicated += Number(rows[0].n);
  return {
    answered: answered.length,
    unanswered: unanswered.length,
    unansweredPresent: unanswered.filter((a) => before.has(a.input.idempotencyKey)).length,
    lost,
    duplicated,
  };
}

/** Each batch's quantity is what its sales left, and its latest entry says the same. */
async function projectionProblems(ownerUrl: string, fixture: Fixture): Promise<string[]> {
  const { rows } = await withAdminClient(ownerUrl, (c) =>
    c.query<{ id: string; quantity: number; sales: string; last_left: string | null }>(
      `SELECT b.id, b.quantity, count(e.seq) AS sales, (array_agg(e.payload::jsonb ->> 'quantityLeft' ORDER BY e.seq DESC))[1] AS last_left
       FROM batch b LEFT JOIN ledger_entry e ON e.batch_id = b.id AND e.type = ${sqlEntryTypes('EVENT_RECORDED')}
       WHERE b.id = ANY($1) GROUP BY b.id, b.quantity`,
      [fixture.batchIds],
    ),
  );
  return rows.flatMap((r) => {
    const expected = INITIAL_QUANTITY - Number(r.sales);
    return r.quantity === expected && Number(r.last_left ?? INITIAL_QUANTITY) === expected
      ? []
      : [`batch ${r.id}: quantity ${r.quantity}, its ${r.sales} sales leave ${expected}, its latest entry says ${r.last_left}`];
  });
}

/** Gapless seqs from 1, no prev_hash twice, every link to the entry before, the head on the last entry: checked in SQL. */
async function chainProblems(ownerUrl: string): Promise<string[]> {
  const { rows } = await withAdminClient(ownerUrl, (c) =>
    c.query<{ count: string; min: string; max: string; shared_prev: string; broken_links: string; head_ok: boolean }>(`
      SELECT count(*) AS count, min(seq) AS min, max(seq) AS max,
        (SELECT count(*) FROM (SELECT 1 FROM ledger_entry GROUP BY prev_hash HAVING count(*) > 1) f) AS shared_prev,
        (SELECT count(*) FROM ledger_entry e JOIN ledger_entry p ON p.seq = e.seq - 1 WHERE e.prev_hash <> p.hash) AS broken_links,
        (SELECT h.seq = max(e.seq) AND h.hash = (SELECT hash FROM ledger_entry ORDER BY seq DESC LIMIT 1)
          FROM ledger_head h, ledger_entry e GROUP BY h.seq, h.hash) AS head_ok
      FROM ledger_entry`),
  );
  const r = rows[0];
  const problems: string[] = [];
  if (r.min !== '1' || r.count !== r.max) problems.push(`seqs are not gapless: ${r.count} entries, seq ${r.min}..${r.max}`);
  if (r.shared_prev !== '0') problems.push(`fork: ${r.shared_prev} prev_hash values are shared`);
  if (r.broken_links !== '0') problems.push(`${r.broken_links} entries do not link to the entry before them`);
  if (!r.head_ok) problems.push('ledger_head is not on the last entry');
  return problems;
}

/** A checkpoint of the whole ledger, then `npm run verify -- --url … --key … --state …` on it. */
async function verifyOffline(base: string, stateFile: string, problems: string[]): Promise<string> {
  const { createCheckpoint } = await graphql<{ createCheckpoint: { treeSize: number } }>(base, 'mutation { createCheckpoint { treeSize } }');
  const { ledgerInfo } = await graphql<{ ledgerInfo: { verifierKey: string } }>(base, '{ ledgerInfo { verifierKey } }');
  const lines: string[] = [];
  const exitCode = await runVerify(['--url', base, '--key', ledgerInfo.verifierKey, '--api-key', ADMIN_KEY, '--state', stateFile], (line) => lines.push(line));
  if (exitCode !== 0) {
    problems.push(`npm run verify exited ${exitCode}:`, ...lines.map((l) => `  ${l}`));
    return `FAILED (exit ${exitCode})`;
  }
  return `ok, ${createCheckpoint.treeSize} entries`;
}

async function main(): Promise<number> {
  // `npm run chaos -- cluster-worker …` runs only the scenarios named (by their keys); none named, all of them.
  const all: [string, (chaos: ChaosRun) => Promise<void>][] = [
    ['kill-9', killNineUnderLoad],
    ['postgres-restart', restartPostgresUnderLoad],
    ['two-processes', twoProcessesUnderLoad],
    ['disconnect', clientsDisconnecting],
    ['cluster-worker', clusterWorkerKilledUnderLoad],
  ];
  const named = process.argv.slice(2);
  const unknown = named.filter((n) => !SCENARIO_KEYS.includes(n));
  if (unknown.length > 0) throw new Error(`no scenario ${unknown.join(', ')}; the scenarios: ${SCENARIO_KEYS.join(', ')}`);
  const scenarios = named.length > 0 ? all.filter(([key]) => named.includes(key)) : all;
  const chaos = await ChaosRun.prepare();
  try {
    await chaos.start();
    for (const [, scenario] of scenarios) await scenario(chaos);
  } finally {
    await chaos.cleanUp();
  }
  printReport(chaos.results);
  return chaos.results.every((r) => r.problems.length === 0) && chaos.results.length === scenarios.length ? 0 : 1;
}

/** One run's PostgreSQL, service processes and fixture, and the results of the scenarios checked so far. */
class ChaosRun {
  readonly results: ScenarioResult[] = [];
  database: EmbeddedDatabase | undefined;
  /** The process the load goes to; a scenario that replaces it sets this. */
  service!: RunningService;
  fixture!: Fixture;
  private readonly services: RunningService[] = [];
  private ownerUrl!: string;
  private serviceUrl!: URL;

  private constructor(
    private readonly scratch: string,
    private readonly logFile: string,
    private readonly log: number,
    private readonly port: number,
    private readonly password: string,
  ) {}

  static async prepare(): Promise<ChaosRun> {
    const scratch = await mkdtemp(join(tmpdir(), 'suyuan-chaos-'));
    // As root, PostgreSQL runs as the OS user postgres, which must reach its data folder.
    await chmod(scratch, 0o755);
    const logFile = join(tmpdir(), `suyuan-chaos-${process.pid}.log`);
    const log = openSync(logFile, 'a');
    return new ChaosRun(scratch, logFile, log, await freePort(), randomBytes(12).toString('hex'));
  }

  startDatabase(): Promise<EmbeddedDatabase> {
    return startEmbeddedPostgres({ dir: join(this.scratch, 'postgres'), port: this.port, password: this.password, database: 'suyuan_chaos' });
  }

  /** PostgreSQL migrated, a login in the service role, the first service process and the fixture it sells from. */
  async start(): Promise<void> {
    this.database = await this.startDatabase();
    this.ownerUrl = this.database.url;
    await runMigrations(this.ownerUrl);
    // The service runs as production should: a login in the service role, never the owner.
    const loginPassword = randomBytes(12).toString('hex');
    await withAdminClient(this.ownerUrl, (c) => c.query(`CREATE ROLE suyuan_chaos_service LOGIN PASSWORD '${loginPassword}' IN ROLE ${SERVICE_ROLE}`));
    this.serviceUrl = new URL(this.ownerUrl);
    this.serviceUrl.username = 'suyuan_chaos_service';
    this.serviceUrl.password = loginPassword;
    console.log(`PostgreSQL: embedded, 127.0.0.1:${this.port}, data in ${this.scratch}; service log: ${this.logFile}`);
    this.service = await this.launch();
    this.fixture = await setUp(this.service.base);
  }

  /** The service, or with `entry` another compiled start (the cluster's), with `extraEnv` added. */
  async launch(entry?: string, extraEnv: Record<string, string> = {}): Promise<RunningService> {
    // LOG_FORMAT=pretty: the start banner startService waits for (production logs JSON lines otherwise).
    // No rate limit: this is a load, not an abuse, and a refused request would prove nothing.
    const env = {
      MIGRATE_ON_START: 'false',
      LEDGER_SIGNING_KEY: SIGNING_SEED,
      LEDGER_ORIGIN: 'chaos.suyuan/ledger',
      LOG_FORMAT: 'pretty',
      RATE_LIMIT_PER_KEY: '0',
      ...extraEnv,
    };
    // The port is picked at random: on the rare collision, another one.
    for (let attempt = 1; ; attempt++) {
      try {
        const service = await startService(this.serviceUrl.toString(), ADMIN_KEY, { env, stderr: this.log, entry });
        this.services.push(service);
        return service;
      } catch (err) {
        if (attempt === 3) throw new Error(`the service did not start (its log: ${this.logFile}): ${(err as Error).message}`);
      }
    }
  }

  /** Every promise after a scenario: appends reconciled, projections and chain sound, the offline verifier passing. */
  async check(scenario: string, attempts: Attempt[], extra: Partial<ScenarioResult> & { problems: string[] }): Promise<void> {
    const problems = extra.problems;
    const tally = await reconcile(this.ownerUrl, this.service.base, this.fixture, attempts, problems);
    problems.push(...(await projectionProblems(this.ownerUrl, this.fixture)), ...(await chainProblems(this.ownerUrl)));
    const verify = await verifyOffline(this.service.base, join(this.scratch, 'verify-state.json'), problems);
    this.results.push({ scenario, tally, verify, notes: [], ...extra, problems });
    console.log(`  ${scenario}: ${problems.length === 0 ? 'every promise kept' : `${problems.length} problem(s)`}`);
  }

  async cleanUp(): Promise<void> {
    for (const s of this.services) await s.stop().catch(() => undefined);
    await this.database?.stop().catch(() => undefined);
    closeSync(this.log);
    await rm(this.scratch, { recursive: true, force: true });
  }
}

/** 1. kill -9 in the middle of the load, then a new process on the same database. */
async function killNineUnderLoad(chaos: ChaosRun): Promise<void> {
  console.log('1. kill -9 under load');
  const load = new Load(chaos.fixture, 'kill-9', () => [chaos.service.base]);
  await sleep(3000);
  const killedAt = now();
  await chaos.service.kill();
  chaos.service = await chaos.launch();
  const first = await load.firstAnsweredAfter(killedAt, 30_000);
  await sleep(2000);
  await chaos.check('kill -9 the service, restart', await load.stop(), { recoveryMs: first && first.startedMs + first.ms - killedAt, problems: [] });
}

/** 2. PostgreSQL stopped (fast shutdown) under load, started again; the service is not touched. */
async function restartPostgresUnderLoad(chaos: ChaosRun): Promise<void> {
  console.log('2. PostgreSQL restart under load');
  const load = new Load(chaos.fixture, 'postgres-restart', () => [chaos.service.base]);
  await sleep(3000);
  const downAt = now();
  await chaos.database!.stop();
  await sleep(DATABASE_DOWN_MS);
  chaos.database = await chaos.startDatabase();
  const upAt = now();
  const first = await load.firstAnsweredAfter(upAt, 30_000);
  await sleep(2000);
  const attempts = await load.stop();
  const problems: string[] = [];
  // Requests in flight at any time while it was away.
  const whileDown = attempts.filter((a) => a.startedMs < upAt && a.startedMs + a.ms > downAt);
  const maxDownLatencyMs = Math.max(0, ...whileDown.map((a) => a.ms));
  const recoveryMs = first && first.startedMs + first.ms - upAt;
  if (!isAlive(chaos.service.pid)) problems.push('the service process died while PostgreSQL was away');
  if (maxDownLatencyMs > FAIL_FAST_LIMIT_MS)
    problems.push(`a request took ${maxDownLatencyMs.toFixed(0)} ms while PostgreSQL was away (limit ${FAIL_FAST_LIMIT_MS} ms)`);
  if (recoveryMs === undefined || recoveryMs > RECOVERY_LIMIT_MS)
    problems.push(`appends did not succeed within ${RECOVERY_LIMIT_MS} ms of PostgreSQL's return`);
  if (!isAlive(chaos.service.pid)) chaos.service = await chaos.launch(); // so the checks below can still run
  const appended = whileDown.filter((a) => a.outcome.kind === 'entry').length;
  await chaos.check('restart PostgreSQL', attempts, {
    maxDownLatencyMs,
    recoveryMs,
    problems,
    notes: [`${whileDown.length} requests while PostgreSQL was away, ${appended} of them appended`],
  });
}

/** 3. Two processes on one database, requests alternating between them. */
async function twoProcessesUnderLoad(chaos: ChaosRun): Promise<void> {
  console.log('3. two service processes under load');
  const second = await chaos.launch();
  const load = new Load(chaos.fixture, 'two-processes', () => [chaos.service.base, second.base]);
  await sleep(5000);
  const attempts = await load.stop();
  await second.stop();
  const byProcess = [chaos.service.base, second.base].map((base) => attempts.filter((a) => a.base === base && a.outcome.kind === 'entry').length);
  const problems = byProcess.some((n) => n === 0) ? ['one of the two processes appended nothing'] : [];
  await chaos.check('two service processes', attempts, { problems, notes: [`appends answered by each process: ${byProcess.join(' and ')}`] });
}

/** 4. Clients that hang up mid-request, then retry with the same key. */
async function clientsDisconnecting(chaos: ChaosRun): Promise<void> {
  console.log('4. clients disconnecting mid-request');
  const inputs = Array.from({ length: DISCONNECTING_REQUESTS }, () => saleInput(chaos.fixture, 'disconnect'));
  const attempts = await forEachConcurrently(inputs, (input) => {
    const hangUp = new AbortController();
    // Anywhere from just after sending to after the answer (an append takes tens of ms under this load).
    setTimeout(() => hangUp.abort(), Math.random() * 150);
    return recordEvent(chaos.service.base, chaos.fixture.producerKey, input, hangUp.signal);
  });
  await chaos.check('client disconnects, retries', attempts, { problems: [] });
}

/**
 * 5. `npm run start:cluster` with two workers under load; one worker is killed with -9. Requests in
 * flight on it get no answer (and are retried with their keys); the other worker keeps answering from
 * the moment of the kill, and the primary starts a replacement that serves too.
 */
async function clusterWorkerKilledUnderLoad(chaos: ChaosRun): Promise<void> {
  console.log('5. a cluster worker killed under load');
  const single = chaos.service;
  const clustered = await chaos.launch('dist/src/cluster-main.js', { CLUSTER_WORKERS: '2' });
  chaos.service = clustered;
  const load = new Load(chaos.fixture, 'cluster-worker', () => [clustered.base]);
  await sleep(3000);
  const problems: string[] = [];
  const [victim, survivor] = childPids(clustered.pid);
  if (victim === undefined || survivor === undefined) problems.push(`expected two workers, found ${childPids(clustered.pid).length}`);
  const killedAt = now();
  if (victim !== undefined) process.kill(victim, 'SIGKILL');
  const first = await load.firstAnsweredAfter(killedAt, 10_000);
  // Long enough for the replacement to start and take its share of the load.
  await sleep(8000);
  const attempts = await load.stop();
  const workersAfter = childPids(clustered.pid);
  if (workersAfter.length !== 2 || workersAfter.includes(victim!)) problems.push(`after the kill the workers are ${workersAfter.join(', ')}, not two new`);
  const answeredMs = first && first.startedMs + first.ms - killedAt;
  if (answeredMs === undefined || answeredMs > FAIL_FAST_LIMIT_MS) problems.push(`no append answered within ${FAIL_FAST_LIMIT_MS} ms of the kill`);
  const lateFailures = attempts.filter((a) => a.startedMs > killedAt + 1000 && a.outcome.kind !== 'entry').length;
  await chaos.check('kill -9 one of two cluster workers', attempts, {
    recoveryMs: answeredMs,
    problems,
    notes: [
      `workers ${victim} (killed) and ${survivor}; after: ${workersAfter.join(', ')}`,
      `${attempts.filter((a) => a.startedMs > killedAt && a.outcome.kind === 'entry').length} appends answered after the kill; ` +
        `${lateFailures} requests sent more than 1 s after it failed`,
    ],
  });
  chaos.service = single;
  await clustered.stop();
}

/** The processes `pid` started (a cluster primary's: its workers). */
function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .map(Number);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/** An organization with a facility, a product and batches of INITIAL_QUANTITY units to sell from. */
async function setUp(base: string): Promise<Fixture> {
  const { createOrganization } = await graphql(
    base,
    'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } apiKey } }',
    {
      input: { name: '津门优选超市（混沌测试）', kind: 'RETAILER' },
    },
  );
  const producerKey = createOrganization.apiKey as string;
  const { registerFacility } = await graphql(
    base,
    'mutation($input: RegisterFacilityInput!) { registerFacility(input: $input) { id } }',
    { input: { name: '门店', region: '天津市河西区' } },
    producerKey,
  );
  const { registerProduct } = await graphql(
    base,
    'mutation($input: RegisterProductInput!) { registerProduct(input: $input) { id } }',
    { input: { name: '小站稻 大米 5kg', category: 'GRAIN', storage: 'AMBIENT' } },
    producerKey,
  );
  const batchIds: string[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const { registerBatch } = await graphql(
      base,
      'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id } }',
      {
        input: {
          productId: registerProduct.id,
          facilityId: registerFacility.id,
          lotCode: `CHAOS-${i}`,
          quantity: INITIAL_QUANTITY,
          unit: 'bag',
          producedAt: '2026-10-01T08:00:00.000Z',
        },
      },
      producerKey,
    );
    batchIds.push(registerBatch.id);
  }
  return { producerId: createOrganization.organization.id, producerKey, facilityId: registerFacility.id, batchIds };
}

function printReport(results: ScenarioResult[]): void {
  const ms = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(0)} ms`);
  const rows = results.map((r) => [
    r.scenario,
    String(r.tally.answered),
    `${r.tally.unanswered} (${r.tally.unansweredPresent} in / ${r.tally.unanswered - r.tally.unansweredPresent} not)`,
    String(r.tally.lost),
    String(r.tally.duplicated),
    r.verify,
    ms(r.maxDownLatencyMs),
    ms(r.recoveryMs),
    r.problems.length === 0 ? 'kept' : 'BROKEN',
  ]);
  const header = [
    'scenario',
    'appends answered',
    'unanswered (in ledger / not)',
    'lost',
    'duplicated',
    'npm run verify',
    'max latency, DB down',
    'recovery',
    'promises',
  ];
  console.log('');
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('');
  console.log(
    'Unanswered: the client got no entry back (no answer, or an error); ' +
      'each was retried with its idempotency key and came back as the entry already stored (in ledger) or was made once (not).',
  );
  console.log(
    'Recovery: from the kill, or from PostgreSQL accepting connections again, to the first append answered. ' +
      `Limits: ${FAIL_FAST_LIMIT_MS} ms to fail, ${RECOVERY_LIMIT_MS} ms to recover.`,
  );
  for (const r of results) {
    for (const note of r.notes) console.log(`${r.scenario}: ${note}`);
    for (const problem of r.problems.slice(0, 20)) console.log(`${r.scenario}: PROBLEM ${problem}`);
    if (r.problems.length > 20) console.log(`${r.scenario}: … and ${r.problems.length - 20} more problems`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// An explicit exit: embedded-postgres's exit hook would otherwise end the process with 0 whatever happened.
main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
