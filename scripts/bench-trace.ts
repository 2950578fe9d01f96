/**
 * `npm run bench:trace [-- --entries N --requests N --callers N]`: `trace` through GraphQL over a
 * lineage of about 10,000 batches, 10 transformations deep, inside a ledger of 1,000,000 entries.
 * Prints the build rate, then p50/p99 and requests/s of a DOWNSTREAM trace from an origin lot (every
 * batch of the lineage) and an UPSTREAM trace from a retail lot (back to every farm), with one caller
 * and with --callers at once, against the goal p99 < 100 ms. The database is dropped at the end, also
 * on failure.
 *
 * How the data gets in, and why that is honest:
 * - The lineage is built through the GraphQL API of the compiled service, started as in production:
 *   organizations, facilities, products, harvested lots, shipping and receiving, and every pooling,
 *   milling, blending and splitting as a `transformBatches` call. So batches, transformations, lineage
 *   edges and ledger entries are the rows the service itself writes, under its own rules.
 * - The ledger is then padded to N entries with ordinary EVENT_RECORDED entries on other producers'
 *   batches, through LedgerWriter in this process (as bench-proofs does; the service's API would add
 *   only HTTP time): hashed, chained and in the Merkle tree like any entry. A trace never reads them;
 *   they make the ledger table and its indexes the size the goal names.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { draftEntry } from '../src/ledger/ledger-entry.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { eventPayload, inParallel, pick, post, printTable, run, RunningService, RunResult, startService } from './bench-support.js';

const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
/** Concurrent API callers while building: enough for the writer to group commands. */
const BUILD_CALLERS = 8;
const PAD_CALLERS = 64;
const OTHER_BATCHES = 1000;
const WARM_UP_REQUESTS = 5;
/** Each measured row stops at --requests or after this long, whichever comes first. */
const MAX_MS_PER_ROW = 120_000;
const GOAL_P99_MS = 100;

/**
 * 小站稻 rice from field to shelf, one stage a level. Four farms' 24 paddy lots are pooled in the
 * mill's silo; then splits (wide fan-out) alternate with blends of neighbouring lots (each takes
 * half of two lots, so a lot has two parents and a trace is a DAG, not a tree). The mill ships its
 * one-tonne bags to four packers, the packers ship retail lots to eight shops.
 */
const FARMS = 4;
const LOTS_PER_FARM = 6;
const PADDY_LOT_KG = 50_000;
const PACKERS = 4;
const SHOPS_PER_PACKER = 2;
type Stage = { level: number; name: string; product: string } & (
  { kind: 'pool' } | { kind: 'blend' } | { kind: 'split'; fanOut: number; yieldPercent: number }
);
const STAGES: Stage[] = [
  { level: 1, name: 'SILO', product: '小站稻 原粮', kind: 'pool' },
  { level: 2, name: 'MILL', product: '小站稻 大米 散装', kind: 'split', fanOut: 6, yieldPercent: 68 },
  { level: 3, name: 'BLEND', product: '小站稻 大米 散装', kind: 'blend' },
  { level: 4, name: 'GRADE', product: '小站稻 大米 散装', kind: 'split', fanOut: 6, yieldPercent: 97 },
  { level: 5, name: 'BLEND', product: '小站稻 大米 散装', kind: 'blend' },
  { level: 6, name: 'BAG1T', product: '小站稻 大米 吨袋', kind: 'split', fanOut: 6, yieldPercent: 99.5 },
  { level: 7, name: 'BLEND', product: '小站稻 大米 吨袋', kind: 'blend' },
  { level: 8, name: 'SACK25', product: '小站稻 大米 25kg', kind: 'split', fanOut: 6, yieldPercent: 99.8 },
  { level: 9, name: 'BLEND', product: '小站稻 大米 25kg', kind: 'blend' },
  { level: 10, name: 'RETAIL', product: '小站稻 大米 5kg', kind: 'split', fanOut: 5, yieldPercent: 99.9 },
];
/** The mill does the stages up to this one and ships their lots to the packers, who do the rest. */
const SHIPPED_TO_PACKERS_AFTER = 6;

const TRACE = `query Trace($batchId: ID!, $direction: TraceDirection!) {
  trace(batchId: $batchId, direction: $direction) {
    nodes { depth batch { id lotCode status custodian { id name } } }
    edges { fromBatchId toBatchId quantity }
    transformations { transformationId inputs { batchId quantity unit } outputs { batchId quantity unit } yieldPercent }
  }
}`;

interface TraceResult {
  nodes: { depth: number; batch: { id: string; lotCode: string; status: string; custodian: { id: string; name: string } } }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
  transformations: { transformationId: string }[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { entries: { type: 'string', default: '1000000' }, requests: { type: 'string', default: '200' }, callers: { type: 'string', default: '4' } },
  });
  const entries = Number(values.entries);
  const requests = Number(values.requests);
  const callers = Number(values.callers);
  const server = await findPostgresServer({ url: process.env.DATABASE_URL, embeddedName: 'bench-postgres', embeddedPort: 54349 });
  const database = `suyuan_bench_${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(server.adminUrl, database);
  let dataSource: DataSource | undefined;
  let service: RunningService | undefined;
  console.log(`server: ${server.label}; bench database: ${database}; ledger of ${entries.toLocaleString('en')} entries`);
  try {
    await withAdminClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${database}`));
    dataSource = await new DataSource(dataSourceOptions(url, PAD_CALLERS + 8)).initialize();
    await dataSource.runMigrations();
    const pool = (dataSource.driver as PostgresDriver).master as pg.Pool;
    service = await startService(url, ADMIN_KEY);
    const api = apiClient(service.base, new http.Agent({ keepAlive: true, maxSockets: Math.max(BUILD_CALLERS, callers) }));

    // 1. The lineage, through the API.
    const buildStart = process.hrtime.bigint();
    const lineage = await buildLineage(api);
    const buildSeconds = Number(process.hrtime.bigint() - buildStart) / 1e9;
    const lineageEntries = await ledgerSize(pool);
    console.log(
      `lineage: ${lineage.batches.toLocaleString('en')} batches, ${lineage.transformations.toLocaleString('en')} transformations, ` +
        `${lineageEntries.toLocaleString('en')} ledger entries through the API in ${buildSeconds.toFixed(1)} s`,
    );

    // 2. The rest of the ledger: events on other producers' batches, through the writer.
    const otherBatches = await registerOtherBatches(api);
    const writer = new LedgerWriter(pool);
    const padding = await run(PAD_CALLERS, Math.max(0, entries - (await ledgerSize(pool))), Infinity, async () => {
      await writer.append('bench', [draftEntry('EVENT_RECORDED', pick(otherBatches), eventPayload())]);
    });
    await writer.whenIdle();
    const size = await ledgerSize(pool);
    console.log(
      `padding: ${padding.count.toLocaleString('en')} entries through the writer in ${(padding.elapsedMs / 1000).toFixed(1)} s; ledger size ${size.toLocaleString('en')}`,
    );
    if (padding.errors > 0) throw new Error(`${padding.errors} padding appends failed`);
    // Statistics as autovacuum keeps them on a live service (it analyzes after bulk inserts too).
    await pool.query('VACUUM (ANALYZE)');

    // 3. The traces, by a regulator (it may read every batch), checked once in full before anything is timed.
    const regulator = (await organizationKey(api, '天津市市场监督管理局', 'REGULATOR')).key;
    const traceOf = (batchId: string, direction: 'DOWNSTREAM' | 'UPSTREAM') => JSON.stringify({ query: TRACE, variables: { batchId, direction } });
    const downstream = await checkedTrace(api, regulator, traceOf(lineage.origin, 'DOWNSTREAM'), (t) => {
      const deepest = Math.max(...t.nodes.map((n) => n.depth));
      if (t.nodes.length !== lineage.expectedDownstream || deepest !== STAGES.length) {
        throw new Error(
          `the downstream trace reached ${t.nodes.length} batches to depth ${deepest}; expected ${lineage.expectedDownstream} to depth ${STAGES.length}`,
        );
      }
    });
    const upstream = await checkedTrace(api, regulator, traceOf(lineage.retailLot, 'UPSTREAM'), (t) => {
      const origins = t.nodes.filter((n) => n.depth === STAGES.length).length;
      if (origins !== FARMS * LOTS_PER_FARM)
        throw new Error(`the upstream trace reached ${origins} paddy lots at depth ${STAGES.length}; expected ${FARMS * LOTS_PER_FARM}`);
    });

    const rows: { trace: string; checked: CheckedTrace; callers: number; result: RunResult }[] = [];
    for (const [trace, checked] of [
      ['DOWNSTREAM from a paddy lot', downstream],
      ['UPSTREAM from a retail lot', upstream],
    ] as const) {
      for (let i = 0; i < WARM_UP_REQUESTS; i++) await checked.request();
      for (const n of [1, callers]) {
        const result = await run(n, requests, MAX_MS_PER_ROW, checked.request);
        rows.push({ trace, checked, callers: n, result });
        console.log(`  ${trace}, ${n} caller(s): ${result.count} requests in ${(result.elapsedMs / 1000).toFixed(1)} s`);
      }
    }
    const serviceRss = service.rssMb();
    // Other work on the machine shows in the figures: say how busy it was.
    const [load1, load5] = loadavg();

    printTable(
      ['trace', 'batches', 'edges', 'transformations', 'response', 'callers', 'requests', 'p50 ms', 'p99 ms', 'requests/s', `p99 < ${GOAL_P99_MS} ms`],
      rows.map(({ trace, checked, callers: n, result }) => [
        trace,
        checked.nodes.toLocaleString('en'),
        checked.edges.toLocaleString('en'),
        checked.transformations.toLocaleString('en'),
        `${(checked.bytes / 1e6).toFixed(2)} MB`,
        String(n),
        `${result.count}${result.errors ? ` (+${result.errors} failed)` : ''}`,
        result.p50.toFixed(1),
        result.p99.toFixed(1),
        result.perSecond.toFixed(1),
        result.errors === 0 && result.p99 < GOAL_P99_MS ? 'met' : 'MISSED',
      ]),
    );
    console.log(
      `build: lineage ${(lineage.batches / buildSeconds).toFixed(0)} batches/s (${(lineageEntries / buildSeconds).toFixed(0)} entries/s through the API); padding ${padding.perSecond.toFixed(0)} entries/s through the writer`,
    );
    console.log(
      `service RSS after the traces: ${serviceRss.toFixed(0)} MB; ${availableParallelism()} cores, load average ${load1.toFixed(1)} (1 min) ${load5.toFixed(1)} (5 min) at the end`,
    );
  } finally {
    await service?.stop();
    await dataSource?.destroy().catch(() => undefined);
    await withAdminClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch((err) =>
      console.error(`could not drop ${database}: ${(err as Error).message}`),
    );
    await server.stop?.();
  }
}

type Api = <T>(key: string, query: string, variables: Record<string, unknown>) => Promise<T>;

/** GraphQL over HTTP with an organization's (or the admin's) key; a GraphQL error throws. */
function apiClient(base: string, agent: http.Agent): Api & { raw(key: string, body: string): Promise<string> } {
  const raw = (key: string, body: string) => post(base, '/graphql', body, { agent, headers: { authorization: `Bearer ${key}` } });
  const api = async <T>(key: string, query: string, variables: Record<string, unknown>): Promise<T> => {
    const body = JSON.parse(await raw(key, JSON.stringify({ query, variables }))) as { data?: T; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 1000)}`);
    return body.data!;
  };
  return Object.assign(api, { raw });
}

interface Org {
  id: string;
  key: string;
  name: string;
  facilityId: string;
}

interface Lot {
  id: string;
  quantity: number;
}

/** Builds the lineage through the API; returns an origin lot, a retail lot and how many batches a downstream trace must reach. */
async function buildLineage(api: Api): Promise<{ origin: string; retailLot: string; batches: number; transformations: number; expectedDownstream: number }> {
  const day = 24 * 3600 * 1000;
  const harvest = new Date(Date.now() - 30 * day);
  const at = (level: number) => new Date(harvest.getTime() + level * 2 * day).toISOString();

  const productsOf = new Map<string, Map<string, string>>();
  const product = async (owner: Org, name: string): Promise<string> => {
    const owned = productsOf.get(owner.id) ?? new Map<string, string>();
    productsOf.set(owner.id, owned);
    if (!owned.has(name)) owned.set(name, await registerProduct(api, owner, { name, category: 'GRAIN', storage: 'AMBIENT' }));
    return owned.get(name)!;
  };
  const recordEvents = async (by: Org, events: Record<string, unknown>[]) => {
    for (let i = 0; i < events.length; i += 1000) {
      await api(by.key, 'mutation($input: [RecordEventInput!]!) { recordEvents(input: $input) { seq } }', { input: events.slice(i, i + 1000) });
    }
  };
  /** Ships whole lots and has the receiver take them in: custody moves, as the trace then shows. */
  const shipAndReceive = async (from: Org, to: Org, lots: Lot[], level: number) => {
    await recordEvents(
      from,
      lots.map((lot, i) => ({
        batchId: lot.id,
        bizStep: 'SHIPPING',
        eventTime: at(level + 0.5),
        facilityId: from.facilityId,
        destinationOrganizationId: to.id,
        quantity: lot.quantity,
        details: { shipToLocation: `${to.name} 厂区`, referenceDocumentType: 'DESADV', referenceDocumentNumber: `DN-${level}-${from.id.slice(0, 4)}-${i}` },
      })),
    );
    await recordEvents(
      to,
      lots.map((lot) => ({ batchId: lot.id, bizStep: 'RECEIVING', eventTime: at(level + 0.75), facilityId: to.facilityId, quantity: lot.quantity })),
    );
  };
  let transformations = 0;
  const transform = async (
    by: Org,
    level: number,
    inputs: { batchId: string; quantity: number }[],
    outputs: { productId: string; lotCode: string; quantity: number }[],
  ) => {
    transformations++;
    const { transformBatches } = await api<{ transformBatches: { outputs: { id: string; quantity: number }[] } }>(
      by.key,
      'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id quantity } } }',
      { input: { facilityId: by.facilityId, eventTime: at(level), inputs, outputs: outputs.map((o) => ({ ...o, unit: 'kg' })) } },
    );
    return transformBatches.outputs;
  };

  const farms = await inParallel(
    Array.from({ length: FARMS }, (_, f) => f),
    BUILD_CALLERS,
    (f) => organization(api, `宁河区小站稻种植专业合作社 ${f + 1}`, 'PRODUCER', '天津市宁河区'),
  );
  const mill = await organization(api, '天津小站稻米业有限公司', 'PROCESSOR', '天津市津南区');
  const packers = await inParallel(
    Array.from({ length: PACKERS }, (_, p) => p),
    BUILD_CALLERS,
    (p) => organization(api, `津南粮油分装中心 ${p + 1}`, 'PROCESSOR', '天津市津南区'),
  );
  const shops = await inParallel(
    Array.from({ length: PACKERS * SHOPS_PER_PACKER }, (_, s) => s),
    BUILD_CALLERS,
    (s) => organization(api, `津门优选超市 ${s + 1} 号店`, 'RETAILER', '天津市河西区'),
  );

  // Level 0: the harvest, shipped to the mill.
  const harvestDate = at(0).slice(0, 10);
  const paddyLots = (
    await inParallel(farms, BUILD_CALLERS, async (farm, f) => {
      const productId = await product(farm, '小站稻 稻谷');
      const lots: Lot[] = [];
      for (let l = 0; l < LOTS_PER_FARM; l++) {
        const details = { fieldName: `${l + 1} 号田`, harvestDate };
        lots.push(await registerBatch(api, farm, { productId, lotCode: `XZD-F${f + 1}-${l + 1}`, quantity: PADDY_LOT_KG, producedAt: at(0), details }));
      }
      await recordEvents(
        farm,
        lots.map((lot, l) => ({
          batchId: lot.id,
          bizStep: 'HARVESTING',
          eventTime: at(0),
          facilityId: farm.facilityId,
          quantity: lot.quantity,
          details: { fieldName: `${l + 1} 号田`, harvestDate },
        })),
      );
      await shipAndReceive(farm, mill, lots, 0);
      return lots;
    })
  ).flat();

  // Each holder's lots of the current level, in order; blends pair neighbours within one holder.
  let holdings: { holder: Org; lots: Lot[] }[] = [{ holder: mill, lots: paddyLots }];
  let batches = paddyLots.length;
  let expectedDownstream = 1; // the origin lot itself
  for (const stage of STAGES) {
    const next: { holder: Org; lots: Lot[] }[] = [];
    for (const { holder, lots } of holdings) {
      const productId = await product(holder, stage.product);
      const lotCode = (i: number) => `XZD-${stage.level}-${stage.name}-${holder.id.slice(0, 8)}-${i + 1}`;
      let made: Lot[][];
      if (stage.kind === 'pool') {
        const total = lots.reduce((sum, lot) => sum + lot.quantity, 0);
        made = [
          await transform(
            holder,
            stage.level,
            lots.map((lot) => ({ batchId: lot.id, quantity: lot.quantity })),
            [{ productId, lotCode: lotCode(0), quantity: total }],
          ),
        ];
      } else if (stage.kind === 'blend') {
        // Half of lot i and half of lot i+1 (halving is exact in binary, so each lot is used up by its two blends).
        made = await inParallel(lots, BUILD_CALLERS, (lot, i) => {
          const neighbour = lots[(i + 1) % lots.length];
          const inputs = [lot, neighbour].map((l) => ({ batchId: l.id, quantity: l.quantity / 2 }));
          return transform(holder, stage.level, inputs, [{ productId, lotCode: lotCode(i), quantity: (lot.quantity + neighbour.quantity) / 2 }]);
        });
      } else {
        const { fanOut, yieldPercent } = stage;
        made = await inParallel(lots, BUILD_CALLERS, (lot, i) => {
          const each = Math.floor((lot.quantity * yieldPercent * 10) / fanOut) / 1000; // grams, rounded down: never more than was taken
          return transform(
            holder,
            stage.level,
            [{ batchId: lot.id, quantity: lot.quantity }],
            Array.from({ length: fanOut }, (_, o) => ({ productId, lotCode: lotCode(i * fanOut + o), quantity: each })),
          );
        });
      }
      next.push({ holder, lots: made.flat() });
    }
    holdings = next;
    const made = holdings.reduce((n, h) => n + h.lots.length, 0);
    batches += made;
    expectedDownstream += made;

    if (stage.level === SHIPPED_TO_PACKERS_AFTER) {
      const bags = holdings[0].lots;
      const share = Math.ceil(bags.length / PACKERS);
      holdings = packers.map((packer, p) => ({ holder: packer, lots: bags.slice(p * share, (p + 1) * share) }));
      await inParallel(holdings, BUILD_CALLERS, ({ holder, lots }) => shipAndReceive(mill, holder, lots, stage.level));
    }
  }

  // The retail lots go to the shops, two per packer.
  await inParallel(holdings, BUILD_CALLERS, async ({ holder, lots }, p) => {
    const half = Math.ceil(lots.length / SHOPS_PER_PACKER);
    for (let s = 0; s < SHOPS_PER_PACKER; s++)
      await shipAndReceive(holder, shops[p * SHOPS_PER_PACKER + s], lots.slice(s * half, (s + 1) * half), STAGES.length);
  });
  return { origin: paddyLots[0].id, retailLot: holdings[PACKERS - 1].lots.at(-1)!.id, batches, transformations, expectedDownstream };
}

/** Another producer's lots: where the padding entries go. */
async function registerOtherBatches(api: Api): Promise<string[]> {
  const grower = await organization(api, '武清区蔬菜种植基地', 'PRODUCER', '天津市武清区');
  const productId = await registerProduct(api, grower, { name: '武清 黄瓜', category: 'VEGETABLE', storage: 'CHILLED' });
  const lots = await inParallel(
    Array.from({ length: OTHER_BATCHES }, (_, i) => i),
    BUILD_CALLERS,
    (i) => registerBatch(api, grower, { productId, lotCode: `WQ-${i + 1}`, quantity: 500, producedAt: new Date().toISOString() }),
  );
  return lots.map((lot) => lot.id);
}

/** An organization with one facility, registered by the admin and the organization's own key. */
async function organization(api: Api, name: string, kind: string, region: string): Promise<Org> {
  const { id, key } = await organizationKey(api, name, kind);
  const { registerFacility } = await api<{ registerFacility: { id: string } }>(
    key,
    'mutation($input: RegisterFacilityInput!) { registerFacility(input: $input) { id } }',
    {
      input: { name: `${name} 厂区`, region },
    },
  );
  return { id, key, name, facilityId: registerFacility.id };
}

async function registerProduct(api: Api, owner: Org, input: { name: string; category: string; storage: string }): Promise<string> {
  const { registerProduct } = await api<{ registerProduct: { id: string } }>(
    owner.key,
    'mutation($input: RegisterProductInput!) { registerProduct(input: $input) { id } }',
    { input },
  );
  return registerProduct.id;
}

/** A lot in kg made at the producer's facility. */
async function registerBatch(
  api: Api,
  producer: Org,
  input: { productId: string; lotCode: string; quantity: number; producedAt: string; details?: object },
): Promise<Lot> {
  const { registerBatch } = await api<{ registerBatch: Lot }>(
    producer.key,
    'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id quantity } }',
    {
      input: { ...input, facilityId: producer.facilityId, unit: 'kg' },
    },
  );
  return registerBatch;
}

interface CheckedTrace {
  nodes: number;
  edges: number;
  transformations: number;
  bytes: number;
  /** One timed request: the same trace again, which must come back whole (same length, no errors). */
  request(): Promise<void>;
}

/** Runs the trace once, parses it and lets `check` refuse it, so nothing empty or partial is ever timed. */
async function checkedTrace(api: ReturnType<typeof apiClient>, regulator: string, body: string, check: (t: TraceResult) => void): Promise<CheckedTrace> {
  const text = await api.raw(regulator, body);
  const parsed = JSON.parse(text) as { data?: { trace: TraceResult }; errors?: unknown[] };
  if (parsed.errors?.length || !parsed.data) throw new Error(`the trace failed: ${JSON.stringify(parsed.errors).slice(0, 1000)}`);
  check(parsed.data.trace);
  return {
    nodes: parsed.data.trace.nodes.length,
    edges: parsed.data.trace.edges.length,
    transformations: parsed.data.trace.transformations.length,
    bytes: Buffer.byteLength(text),
    request: async () => {
      const again = await api.raw(regulator, body);
      // Comparing lengths, not parsing: the client's JSON.parse of megabytes would be timed as the service's.
      if (again.length !== text.length) throw new Error(`a trace came back with ${again.length} characters instead of ${text.length}: ${again.slice(0, 300)}`);
    },
  };
}

/** A new organization's API key, from the admin. */
async function organizationKey(api: Api, name: string, kind: string): Promise<{ id: string; key: string }> {
  const { createOrganization } = await api<{ createOrganization: { organization: { id: string }; apiKey: string } }>(
    ADMIN_KEY,
    'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } apiKey } }',
    { input: { name, kind } },
  );
  return { id: createOrganization.organization.id, key: createOrganization.apiKey };
}

async function ledgerSize(pool: pg.Pool): Promise<number> {
  return Number((await pool.query<{ seq: string }>('SELECT seq FROM ledger_head WHERE id = 1')).rows[0].seq);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
