/**
 * `npm run bench:trace [-- --entries N --requests N --callers N]`: `trace` through GraphQL over a
 * lineage of about 10,000 batches, 10 transformations deep, inside a ledger of 1,000,000 entries.
 * Prints the build rate, then p50/p99 and requests/s of a DOWNSTREAM trace from an origin lot (every
 * batch of the lineage) and an UPSTREAM trace from a retail lot (back to every farm), with one caller
 * and with --callers at once, against the goal p99 < 100 ms; the paged trace's first page (traceConnection,
 * 100 lots of the downstream lineage) the same way; and the whole downstream trace streamed as CSV
 * (/trace/<id>/lots.csv, every lot read to the end), against the goal of under 1 s. The database is
 * dropped at the end, also on failure.
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
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  Api,
  ApiClient,
  ledgerSize,
  Org,
  organization,
  organizationKey,
  padLedger,
  recordEvents,
  registerBatch,
  registerProduct,
  withBenchService,
} from './bench-api.js';
import { inParallel, printTable, run, RunResult } from './bench-support.js';

/** Concurrent API callers while building: enough for the writer to group commands. */
const BUILD_CALLERS = 8;
const OTHER_BATCHES = 1000;
const WARM_UP_REQUESTS = 5;
/** Each measured row stops at --requests or after this long, whichever comes first. */
const MAX_MS_PER_ROW = 120_000;
const GOAL_P99_MS = 100;
const DAY_MS = 24 * 3600 * 1000;

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

/** The first page of the paged trace (traceConnection): what a screen of lots costs however long the lineage. */
const TRACE_FIRST_PAGE = `query TracePage($batchId: ID!, $direction: TraceDirection!) {
  traceConnection(batchId: $batchId, direction: $direction, first: 100) {
    totalCount edges { cursor node { depth batch { id lotCode status custodian { id name } } } }
    pageInfo { hasNextPage endCursor } lineageEdges { fromBatchId toBatchId quantity }
  }
}`;
/** Whole-trace CSV downloads timed (each a full stream of every lot). */
const CSV_RUNS = 20;
const GOAL_CSV_MS = 1000;

interface TraceResult {
  nodes: { depth: number; batch: { id: string; lotCode: string; status: string; custodian: { id: string; name: string } } }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
  transformations: { transformationId: string }[];
}

interface TraceRow {
  trace: string;
  checked: CheckedTrace;
  callers: number;
  result: RunResult;
}

interface Build {
  lineage: Lineage;
  seconds: number;
  entries: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { entries: { type: 'string', default: '1000000' }, requests: { type: 'string', default: '200' }, callers: { type: 'string', default: '4' } },
  });
  const entries = Number(values.entries);
  const requests = Number(values.requests);
  const callers = Number(values.callers);
  await withBenchService(`ledger of ${entries.toLocaleString('en')} entries`, Math.max(BUILD_CALLERS, callers), async ({ pool, service, api }) => {
    // 1. The lineage, through the API; 2. the rest of the ledger, through the writer.
    const build = await timedLineage(api, pool);
    const padding = await padLedger(api, pool, entries, OTHER_BATCHES);
    // 3. The traces, by a regulator (it may read every batch): whole, its first page, and the whole of it as CSV.
    const regulator = (await organizationKey(api, '天津市市场监督管理局', 'REGULATOR')).key;
    const rows = await timeTraces(await regulatorTraces(api, regulator, build.lineage), requests, callers);
    const csv = await timeCsv(service.base, regulator, build.lineage);
    printReport(rows, build, padding, service.rssMb());
    printCsv(csv);
  });
}

async function timedLineage(api: Api, pool: pg.Pool): Promise<Build> {
  const buildStart = process.hrtime.bigint();
  const lineage = await buildLineage(api);
  const seconds = Number(process.hrtime.bigint() - buildStart) / 1e9;
  const entries = await ledgerSize(pool);
  console.log(
    `lineage: ${lineage.batches.toLocaleString('en')} batches, ${lineage.transformations.toLocaleString('en')} transformations, ` +
      `${entries.toLocaleString('en')} ledger entries through the API in ${seconds.toFixed(1)} s`,
  );
  return { lineage, seconds, entries };
}

/** The two traces, each checked once in full before anything is timed. */
async function regulatorTraces(api: ApiClient, regulator: string, lineage: Lineage): Promise<[string, CheckedTrace][]> {
  const traceOf = (batchId: string, direction: 'DOWNSTREAM' | 'UPSTREAM') => JSON.stringify({ query: TRACE, variables: { batchId, direction } });
  const downstream = await checkedTrace(api, regulator, traceOf(lineage.origin, 'DOWNSTREAM'), (t) => {
    const deepest = Math.max(...t.nodes.map((n) => n.depth));
    if (t.nodes.length !== lineage.expectedDownstream || deepest !== STAGES.length) {
      const expected = `expected ${lineage.expectedDownstream} to depth ${STAGES.length}`;
      throw new Error(`the downstream trace reached ${t.nodes.length} batches to depth ${deepest}; ${expected}`);
    }
  });
  const upstream = await checkedTrace(api, regulator, traceOf(lineage.retailLot, 'UPSTREAM'), (t) => {
    const origins = t.nodes.filter((n) => n.depth === STAGES.length).length;
    if (origins !== FARMS * LOTS_PER_FARM)
      throw new Error(`the upstream trace reached ${origins} paddy lots at depth ${STAGES.length}; expected ${FARMS * LOTS_PER_FARM}`);
  });
  const firstPage = await checkedFirstPage(
    api,
    regulator,
    JSON.stringify({ query: TRACE_FIRST_PAGE, variables: { batchId: lineage.origin, direction: 'DOWNSTREAM' } }),
    lineage,
  );
  return [
    ['DOWNSTREAM from a paddy lot', downstream],
    ['UPSTREAM from a retail lot', upstream],
    ['DOWNSTREAM, first page (100 lots)', firstPage],
  ];
}

/** The paged trace's first page, checked once: 100 lots of the whole downstream lineage, and a next page. */
async function checkedFirstPage(api: ApiClient, regulator: string, body: string, lineage: Lineage): Promise<CheckedTrace> {
  const text = await api.raw(regulator, body);
  const parsed = JSON.parse(text) as {
    data?: { traceConnection: { totalCount: number; edges: unknown[]; lineageEdges: unknown[]; pageInfo: { hasNextPage: boolean } } };
  };
  const page = parsed.data?.traceConnection;
  if (!page || page.totalCount !== lineage.expectedDownstream || page.edges.length !== 100 || !page.pageInfo.hasNextPage) {
    throw new Error(`the trace's first page is not 100 of ${lineage.expectedDownstream} lots: ${text.slice(0, 500)}`);
  }
  return {
    nodes: page.edges.length,
    edges: page.lineageEdges.length,
    transformations: 0,
    bytes: Buffer.byteLength(text),
    request: async () => {
      const again = await api.raw(regulator, body);
      if (again.length !== text.length)
        throw new Error(`a first page came back with ${again.length} characters instead of ${text.length}: ${again.slice(0, 300)}`);
    },
  };
}

interface CsvTiming {
  lots: number;
  bytes: number;
  result: RunResult;
}

/** The whole downstream trace as CSV (/trace/<id>/lots.csv), one download at a time, each read to its end and counted. */
async function timeCsv(base: string, regulator: string, lineage: Lineage): Promise<CsvTiming> {
  let bytes = 0;
  const download = async () => {
    const res = await fetch(new URL(`/trace/${lineage.origin}/lots.csv?direction=DOWNSTREAM`, base), { headers: { authorization: `Bearer ${regulator}` } });
    const text = await res.text();
    const lots = text.trimEnd().split('\r\n').length - 1;
    if (res.status !== 200 || lots !== lineage.expectedDownstream) throw new Error(`the CSV came back ${res.status} with ${lots} lots: ${text.slice(0, 300)}`);
    bytes = Buffer.byteLength(text);
  };
  await download(); // the walk is kept from its second read: warm as the paged trace is
  const result = await run(1, CSV_RUNS, MAX_MS_PER_ROW, download);
  console.log(`  whole trace as CSV: ${result.count} downloads in ${(result.elapsedMs / 1000).toFixed(1)} s`);
  return { lots: lineage.expectedDownstream, bytes, result };
}

function printCsv({ lots, bytes, result }: CsvTiming): void {
  printTable(
    ['whole trace', 'lots', 'bytes', 'downloads', 'p50 ms', 'p99 ms', `p99 < ${GOAL_CSV_MS} ms`],
    [
      [
        'DOWNSTREAM from a paddy lot, /trace/<id>/lots.csv',
        lots.toLocaleString('en'),
        `${(bytes / 1e6).toFixed(2)} MB`,
        `${result.count}${result.errors ? ` (+${result.errors} failed)` : ''}`,
        result.p50.toFixed(1),
        result.p99.toFixed(1),
        result.errors === 0 && result.p99 < GOAL_CSV_MS ? 'met' : 'MISSED',
      ],
    ],
  );
}

/** Each trace with one caller and with `callers` at once, after a warm-up. */
async function timeTraces(traces: [string, CheckedTrace][], requests: number, callers: number): Promise<TraceRow[]> {
  const rows: TraceRow[] = [];
  for (const [trace, checked] of traces) {
    for (let i = 0; i < WARM_UP_REQUESTS; i++) await checked.request();
    for (const n of [1, callers]) {
      const result = await run(n, requests, MAX_MS_PER_ROW, checked.request);
      rows.push({ trace, checked, callers: n, result });
      console.log(`  ${trace}, ${n} caller(s): ${result.count} requests in ${(result.elapsedMs / 1000).toFixed(1)} s`);
    }
  }
  return rows;
}

function printReport(rows: TraceRow[], build: Build, padding: RunResult, serviceRss: number): void {
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
  const [batchRate, entryRate] = [build.lineage.batches / build.seconds, build.entries / build.seconds];
  const lineageRate = `lineage ${batchRate.toFixed(0)} batches/s (${entryRate.toFixed(0)} entries/s through the API)`;
  console.log(`build: ${lineageRate}; padding ${padding.perSecond.toFixed(0)} entries/s through the writer`);
  const machine = `${availableParallelism()} cores, load average ${load1.toFixed(1)} (1 min) ${load5.toFixed(1)} (5 min) at the end`;
  console.log(`service RSS after the traces: ${serviceRss.toFixed(0)} MB; ${machine}`);
}

interface Lot {
  id: string;
  quantity: number;
}

interface Lineage {
  origin: string;
  retailLot: string;
  batches: number;
  transformations: number;
  expectedDownstream: number;
}

/** A holder's lots of the current level, in order; blends pair neighbours within one holder. */
interface Holding {
  holder: Org;
  lots: Lot[];
}

/** Builds the lineage through the API; returns an origin lot, a retail lot and how many batches a downstream trace must reach. */
async function buildLineage(api: Api): Promise<Lineage> {
  return new LineageBuilder(api).build();
}

/** The supply chain of STAGES, written through the API as its organizations would write it. */
class LineageBuilder {
  private readonly harvest = new Date(Date.now() - 30 * DAY_MS);
  private readonly productsOf = new Map<string, Map<string, string>>();
  private transformations = 0;

  constructor(private readonly api: Api) {}

  async build(): Promise<Lineage> {
    const { farms, mill, packers, shops } = await this.organizations();
    const paddyLots = await this.harvestTo(farms, mill);
    let holdings: Holding[] = [{ holder: mill, lots: paddyLots }];
    let batches = paddyLots.length;
    let expectedDownstream = 1; // the origin lot itself
    for (const stage of STAGES) {
      holdings = await this.stage(stage, holdings);
      const made = holdings.reduce((n, h) => n + h.lots.length, 0);
      batches += made;
      expectedDownstream += made;
      if (stage.level === SHIPPED_TO_PACKERS_AFTER) holdings = await this.shipToPackers(mill, packers, holdings[0].lots, stage.level);
    }
    await this.shipToShops(holdings, shops);
    const retailLot = holdings[PACKERS - 1].lots.at(-1)!.id;
    return { origin: paddyLots[0].id, retailLot, batches, transformations: this.transformations, expectedDownstream };
  }

  private at(level: number): string {
    return new Date(this.harvest.getTime() + level * 2 * DAY_MS).toISOString();
  }

  private async organizations(): Promise<{ farms: Org[]; mill: Org; packers: Org[]; shops: Org[] }> {
    const api = this.api;
    const numbered = (count: number) => Array.from({ length: count }, (_, i) => i);
    const farms = await inParallel(numbered(FARMS), BUILD_CALLERS, (f) => organization(api, `宁河区小站稻种植专业合作社 ${f + 1}`, 'PRODUCER', '天津市宁河区'));
    const mill = await organization(api, '天津小站稻米业有限公司', 'PROCESSOR', '天津市津南区');
    const packers = await inParallel(numbered(PACKERS), BUILD_CALLERS, (p) => organization(api, `津南粮油分装中心 ${p + 1}`, 'PROCESSOR', '天津市津南区'));
    const shops = await inParallel(numbered(PACKERS * SHOPS_PER_PACKER), BUILD_CALLERS, (s) =>
      organization(api, `津门优选超市 ${s + 1} 号店`, 'RETAILER', '天津市河西区'),
    );
    return { farms, mill, packers, shops };
  }

  /** Level 0: each farm's paddy lots, harvested and shipped to the mill. */
  private async harvestTo(farms: Org[], mill: Org): Promise<Lot[]> {
    const harvestDate = this.at(0).slice(0, 10);
    const perFarm = await inParallel(farms, BUILD_CALLERS, async (farm, f) => {
      const productId = await this.product(farm, '小站稻 稻谷');
      const lots: Lot[] = [];
      for (let l = 0; l < LOTS_PER_FARM; l++) {
        const details = { fieldName: `${l + 1} 号田`, harvestDate };
        lots.push(
          await registerBatch(this.api, farm, { productId, lotCode: `XZD-F${f + 1}-${l + 1}`, quantity: PADDY_LOT_KG, producedAt: this.at(0), details }),
        );
      }
      await recordEvents(
        this.api,
        farm,
        lots.map((lot, l) => ({
          batchId: lot.id,
          bizStep: 'HARVESTING',
          eventTime: this.at(0),
          facilityId: farm.facilityId,
          quantity: lot.quantity,
          details: { fieldName: `${l + 1} 号田`, harvestDate },
        })),
      );
      await this.shipAndReceive(farm, mill, lots, 0);
      return lots;
    });
    return perFarm.flat();
  }

  /** One stage on every holder's lots: the holders keep what they make. */
  private async stage(stage: Stage, holdings: Holding[]): Promise<Holding[]> {
    const next: Holding[] = [];
    for (const { holder, lots } of holdings) {
      const productId = await this.product(holder, stage.product);
      const lotCode = (i: number) => `XZD-${stage.level}-${stage.name}-${holder.id.slice(0, 8)}-${i + 1}`;
      const made = await this.stageOutputs(stage, holder, lots, productId, lotCode);
      next.push({ holder, lots: made.flat() });
    }
    return next;
  }

  private async stageOutputs(stage: Stage, holder: Org, lots: Lot[], productId: string, lotCode: (i: number) => string): Promise<Lot[][]> {
    if (stage.kind === 'pool') {
      const total = lots.reduce((sum, lot) => sum + lot.quantity, 0);
      const inputs = lots.map((lot) => ({ batchId: lot.id, quantity: lot.quantity }));
      return [await this.transform(holder, stage.level, inputs, [{ productId, lotCode: lotCode(0), quantity: total }])];
    }
    if (stage.kind === 'blend') {
      // Half of lot i and half of lot i+1 (halving is exact in binary, so each lot is used up by its two blends).
      return inParallel(lots, BUILD_CALLERS, (lot, i) => {
        const neighbour = lots[(i + 1) % lots.length];
        const inputs = [lot, neighbour].map((l) => ({ batchId: l.id, quantity: l.quantity / 2 }));
        return this.transform(holder, stage.level, inputs, [{ productId, lotCode: lotCode(i), quantity: (lot.quantity + neighbour.quantity) / 2 }]);
      });
    }
    const { fanOut, yieldPercent } = stage;
    return inParallel(lots, BUILD_CALLERS, (lot, i) => {
      const each = Math.floor((lot.quantity * yieldPercent * 10) / fanOut) / 1000; // grams, rounded down: never more than was taken
      return this.transform(
        holder,
        stage.level,
        [{ batchId: lot.id, quantity: lot.quantity }],
        Array.from({ length: fanOut }, (_, o) => ({ productId, lotCode: lotCode(i * fanOut + o), quantity: each })),
      );
    });
  }

  /** The mill's bags, shared out to the packers, who hold them from here on. */
  private async shipToPackers(mill: Org, packers: Org[], bags: Lot[], level: number): Promise<Holding[]> {
    const share = Math.ceil(bags.length / PACKERS);
    const holdings = packers.map((packer, p) => ({ holder: packer, lots: bags.slice(p * share, (p + 1) * share) }));
    await inParallel(holdings, BUILD_CALLERS, ({ holder, lots }) => this.shipAndReceive(mill, holder, lots, level));
    return holdings;
  }

  /** The retail lots go to the shops, two per packer. */
  private async shipToShops(holdings: Holding[], shops: Org[]): Promise<void> {
    await inParallel(holdings, BUILD_CALLERS, async ({ holder, lots }, p) => {
      const half = Math.ceil(lots.length / SHOPS_PER_PACKER);
      for (let s = 0; s < SHOPS_PER_PACKER; s++)
        await this.shipAndReceive(holder, shops[p * SHOPS_PER_PACKER + s], lots.slice(s * half, (s + 1) * half), STAGES.length);
    });
  }

  /** The owner's product of that name, registered the first time it is asked for. */
  private async product(owner: Org, name: string): Promise<string> {
    const owned = this.productsOf.get(owner.id) ?? new Map<string, string>();
    this.productsOf.set(owner.id, owned);
    if (!owned.has(name)) owned.set(name, await registerProduct(this.api, owner, { name, category: 'GRAIN', storage: 'AMBIENT' }));
    return owned.get(name)!;
  }

  /** Ships whole lots and has the receiver take them in: custody moves, as the trace then shows. */
  private async shipAndReceive(from: Org, to: Org, lots: Lot[], level: number): Promise<void> {
    const document = (i: number) => ({ referenceDocumentType: 'DESADV', referenceDocumentNumber: `DN-${level}-${from.id.slice(0, 4)}-${i}` });
    await recordEvents(
      this.api,
      from,
      lots.map((lot, i) => ({
        batchId: lot.id,
        bizStep: 'SHIPPING',
        eventTime: this.at(level + 0.5),
        facilityId: from.facilityId,
        destinationOrganizationId: to.id,
        quantity: lot.quantity,
        details: { shipToLocation: `${to.name} 厂区`, ...document(i) },
      })),
    );
    await recordEvents(
      this.api,
      to,
      lots.map((lot) => ({ batchId: lot.id, bizStep: 'RECEIVING', eventTime: this.at(level + 0.75), facilityId: to.facilityId, quantity: lot.quantity })),
    );
  }

  private async transform(
    by: Org,
    level: number,
    inputs: { batchId: string; quantity: number }[],
    outputs: { productId: string; lotCode: string; quantity: number }[],
  ): Promise<Lot[]> {
    this.transformations++;
    const { transformBatches } = await this.api<{ transformBatches: { outputs: Lot[] } }>(
      by.key,
      'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id quantity } } }',
      { input: { facilityId: by.facilityId, eventTime: this.at(level), inputs, outputs: outputs.map((o) => ({ ...o, unit: 'kg' })) } },
    );
    return transformBatches.outputs;
  }
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
async function checkedTrace(api: ApiClient, regulator: string, body: string, check: (t: TraceResult) => void): Promise<CheckedTrace> {
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

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
