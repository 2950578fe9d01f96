/**
 * `npm run seed:large [-- --entries N --database NAME --fresh --workers N]`: a realistic ledger of about
 * N entries (default 1,000,000; about one batch per ten entries) for the benchmarks, written through the
 * service's own code in this process: organizations, facilities, products, batches, events, transformations,
 * cold-chain readings, inspections and recalls all go through their services and so through LedgerWriter,
 * under every rule a client meets (custody, quantities, key data elements, GI). No ledger row or projection
 * is written with SQL here.
 *
 * Four chains run side by side, each "unit" one harvest or production run from field to shop:
 * - 小站稻 rice: a farm harvests paddy lots, dries and ships them to a mill, which pools them, mills and
 *   splits the rice into retail lots and ships those to shops, which sell them over the following days.
 * - dairy: three farms cool their raw milk (readings), ship it in a tanker (readings, now and then an
 *   excursion); a plant pools the three, splits the pool into retail lots and ships them to shops.
 * - 茶淀玫瑰香葡萄 grapes: a vineyard harvests and pre-cools field lots, packs them (merge and split) into gift
 *   boxes, ships them to a cold-chain logistics firm (readings in transit and in its cold store), which ships
 *   them on to shops.
 * - 独流老醋 vinegar: a maker blends aged base lots and bottles the blend for shops.
 * A lab samples lots (a few fail, which holds the lot and everything made from it); a regulator releases
 * some holds and recalls a few lots whose cold chain broke.
 *
 * The database: DATABASE_URL when set (added to), else `--database` (default suyuan_large) on this machine's
 * PostgreSQL, created and migrated; an existing one is dropped only with --fresh. It is kept: the URL is
 * printed at the end for `BENCH_DATABASE_URL=… npm run bench`. Checkpoints are signed with LEDGER_SIGNING_KEY
 * when set, else with a throwaway key.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AppModule } from '../src/app.module.js';
import { Caller, OrganizationCaller } from '../src/auth/caller.js';
import { BatchesService } from '../src/batches/batches.service.js';
import { RegisterBatchInput } from '../src/batches/dto/register-batch.input.js';
import { ColdChainService } from '../src/cold-chain/cold-chain.service.js';
import { TemperatureReadingInput } from '../src/cold-chain/dto/record-temperatures.input.js';
import { loadConfig } from '../src/config/config.js';
import { runMigrations } from '../src/database/migrate.js';
import { databaseUrl, withAdminClient } from '../src/database/postgres-server.js';
import { RecordEventInput } from '../src/events/dto/record-event.input.js';
import { EventsService } from '../src/events/events.service.js';
import { FacilitiesService } from '../src/facilities/facilities.service.js';
import { InspectionsService } from '../src/inspections/inspections.service.js';
import { LedgerRepository } from '../src/ledger/ledger.repository.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { AppendContext, LedgerWriter } from '../src/ledger/ledger-writer.js';
import type { OrganizationKind } from '../src/organizations/organization-kind.js';
import { OrganizationsService } from '../src/organizations/organizations.service.js';
import { RegisterProductInput } from '../src/products/dto/register-product.input.js';
import { ProductsService } from '../src/products/products.service.js';
import { RecallsService } from '../src/recalls/recalls.service.js';
import { TransformOutputLine } from '../src/transformations/dto/transform-batches.input.js';
import { MAX_TRANSFORM_LINES } from '../src/transformations/transformation-plan.js';
import { TransformationsService } from '../src/transformations/transformations.service.js';
import { pick } from './bench-support.js';

const LOCAL_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const ADMIN: Caller = { kind: 'admin' };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PROGRESS_EVERY_MS = 10_000;
/** A bug in a chain should stop the run, not be repeated a hundred thousand times. */
const MAX_FAILED_UNITS = 20;

/** Share of units per chain, so the ledger mixes them as a regional ledger would. */
const CHAIN_WEIGHTS = { rice: 35, dairy: 25, fruit: 25, vinegar: 15 } as const;
type ChainKind = keyof typeof CHAIN_WEIGHTS;
/** How often things go wrong: per unit (inspections) or per lot (excursions). */
const FAILED_INSPECTION_RATE = 0.02;
const EXCURSION_RATE = 0.03;
/** Recalls are rare: about one per 200,000 entries, at least one. */
const ENTRIES_PER_RECALL = 200_000;
/** Entries of an average unit, to spread the recalls over the run before any unit has finished. */
const ENTRIES_PER_UNIT_ESTIMATE = 190;

const ORGANIZATIONS = {
  riceFarms: 30,
  mills: 3,
  dairyFarms: 24,
  dairyPlants: 2,
  vineyards: 20,
  vinegarMakers: 3,
  logistics: 4,
  shops: 60,
  labs: 2,
} as const;

interface Org {
  caller: OrganizationCaller;
  name: string;
  facilityId: string;
  /** Product ids by name. */
  products: Map<string, string>;
}

interface Lot {
  id: string;
  quantity: number;
}

interface Tally {
  entries: number;
  batches: number;
  transformations: number;
  readings: number;
  inspections: number;
  failedInspections: number;
  releases: number;
  excursionLots: number;
  recalls: number;
  recalledBatches: number;
  units: Record<ChainKind, number>;
}

async function main(): Promise<void> {
  const { target, workers, url } = await prepareRun();
  const app = await openApp(url);
  try {
    const seeder = new Seeder(app, target);
    const startSize = (await app.get(LedgerRepository).head()).size;
    const seconds = stopwatch();
    await seeder.setUp();
    await whileReportingProgress(app, seeder, startSize, seconds, () => Promise.all(Array.from({ length: workers }, () => seeder.worker())));
    await app.get(LedgerWriter).whenIdle();
    const elapsed = seconds();
    const { size } = await app.get(LedgerRepository).head();
    printTally(seeder.tally, size, size - startSize, elapsed, workers);
    // Fresh tables have no statistics: without them the planner scanned the whole ledger for a batch's timeline.
    await app.get(DataSource).query('ANALYZE');
    const verifyStart = process.hrtime.bigint();
    const verification = await app.get(LedgerService).verifyLedger(ADMIN);
    const verifySeconds = Number(process.hrtime.bigint() - verifyStart) / 1e9;
    const verdict = verification.valid ? 'valid' : `INVALID at seq ${verification.firstInvalidSeq}: ${verification.reason}`;
    console.log(`  verify:           ${verdict}, ${verification.checkedEntries.toLocaleString('en')} entries in ${verifySeconds.toFixed(1)} s`);
    console.log('');
    console.log(`  BENCH_DATABASE_URL=${url}`);
    if (!verification.valid) process.exitCode = 1;
  } finally {
    await app.close();
  }
}

/** The command line read, the database created (or DATABASE_URL's) and migrated. */
async function prepareRun(): Promise<{ target: number; workers: number; url: string }> {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string', default: '1000000' },
      database: { type: 'string', default: 'suyuan_large' },
      fresh: { type: 'boolean', default: false },
      workers: { type: 'string', default: '48' },
    },
  });
  const target = Number(values.entries);
  if (!Number.isInteger(target) || target < 1000) throw new Error(`--entries must be a whole number of at least 1000, got ${values.entries}`);
  // Few entries need few workers: every worker finishes the unit it started, so more would overshoot.
  const workers = Math.max(1, Math.min(Number(values.workers), Math.ceil(target / 2000)));

  const url = process.env.DATABASE_URL || (await createDatabase(values.database!, values.fresh!));
  const applied = await runMigrations(url);
  const migrations = applied.length ? ` (migrations applied: ${applied.join(', ')})` : '';
  console.log(`database ${redacted(url)}${migrations}; target ${target.toLocaleString('en')} entries, ${workers} workers`);
  return { target, workers, url };
}

/** The service's modules without HTTP, writing to the database at url. */
async function openApp(url: string): Promise<INestApplicationContext> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    PUBLIC_BASE_URL: process.env.PUBLIC_BASE_URL || 'http://localhost:3000',
    ALLOW_HTTP_PUBLIC_BASE_URL: 'true',
    ADMIN_API_KEY: `seed-admin-${randomBytes(16).toString('hex')}`,
    LEDGER_SIGNING_KEY: process.env.LEDGER_SIGNING_KEY || randomBytes(32).toString('base64'),
    LEDGER_ORIGIN: process.env.LEDGER_ORIGIN || 'bench.suyuan/ledger',
    SEED_DEMO: 'false',
    // The seed writes; auditing what it writes as it goes is the service's job, not the seed's.
    PROJECTION_AUDIT_INTERVAL_MS: '0',
    // Commands hold a connection for their group only; the reads between them need a few more.
    DATABASE_POOL_SIZE: '16',
  });
  return NestFactory.createApplicationContext(AppModule.forRoot({ ...config, databaseUrl: url }), { logger: ['error', 'warn', 'fatal'] });
}

/** Seconds since it was made. */
function stopwatch(): () => number {
  const start = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - start) / 1e9;
}

/** Runs the seeding, printing every PROGRESS_EVERY_MS the entries written so far and the rate now and overall. */
async function whileReportingProgress(
  app: INestApplicationContext,
  seeder: Seeder,
  startSize: number,
  seconds: () => number,
  seed: () => Promise<unknown>,
): Promise<void> {
  let lastEntries = 0;
  let lastSeconds = 0;
  const progress = setInterval(() => {
    void app
      .get(LedgerRepository)
      .head()
      .then(({ size }) => {
        const now = seconds();
        const entries = size - startSize;
        const batches = seeder.tally.batches.toLocaleString('en').padStart(8);
        const rateNow = ((entries - lastEntries) / (now - lastSeconds)).toFixed(0).padStart(6);
        console.log(
          `${now.toFixed(0).padStart(5)} s  ${entries.toLocaleString('en').padStart(10)} entries  ${batches} batches  ` +
            `${rateNow} entries/s now, ${(entries / now).toFixed(0)} overall`,
        );
        lastEntries = entries;
        lastSeconds = now;
      });
  }, PROGRESS_EVERY_MS);
  try {
    await seed();
  } finally {
    clearInterval(progress);
  }
}

function printTally(t: Tally, size: number, written: number, elapsed: number, workers: number): void {
  const n = (x: number) => x.toLocaleString('en');
  console.log('');
  console.log('seed:large summary');
  const rate = (written / elapsed).toFixed(0);
  console.log(`  entries:          ${n(written)} written in ${elapsed.toFixed(1)} s = ${rate} entries/s (through the services, ${workers} workers)`);
  console.log(`  units:            rice ${n(t.units.rice)}, dairy ${n(t.units.dairy)}, fruit ${n(t.units.fruit)}, vinegar ${n(t.units.vinegar)}`);
  console.log(`  batches:          ${n(t.batches)}`);
  console.log(`  transformations:  ${n(t.transformations)}`);
  console.log(`  readings:         ${n(t.readings)} (lots with an excursion: ${n(t.excursionLots)})`);
  console.log(`  inspections:      ${n(t.inspections)} (failed: ${n(t.failedInspections)}, holds released: ${n(t.releases)})`);
  console.log(`  recalls:          ${n(t.recalls)} (batches recalled: ${n(t.recalledBatches)})`);
  console.log(`  ledger size:      ${n(size)} (ledger_head)`);
}

/** Creates the database on this machine's PostgreSQL (dropping an old one only when asked); returns its URL. */
async function createDatabase(name: string, fresh: boolean): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`--database must be a lower-case PostgreSQL name (letters, digits, _), got ${name}`);
  await withAdminClient(LOCAL_SERVER, async (client) => {
    const exists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount! > 0;
    if (exists && !fresh) throw new Error(`database ${name} already exists: pass --fresh to drop it and start again, or set DATABASE_URL to add to it`);
    if (exists) await client.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  return databaseUrl(LOCAL_SERVER, name);
}

function redacted(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

class Seeder {
  readonly tally: Tally = {
    entries: 0,
    batches: 0,
    transformations: 0,
    readings: 0,
    inspections: 0,
    failedInspections: 0,
    releases: 0,
    excursionLots: 0,
    recalls: 0,
    recalledBatches: 0,
    units: { rice: 0, dairy: 0, fruit: 0, vinegar: 0 },
  };
  private readonly writer: LedgerWriter;
  private readonly batches: BatchesService;
  private readonly events: EventsService;
  private readonly transformations: TransformationsService;
  private readonly coldChain: ColdChainService;
  private readonly inspections: InspectionsService;
  private readonly recalls: RecallsService;
  private orgs!: Record<keyof typeof ORGANIZATIONS, Org[]> & { regulator: Org };
  private nextUnit = 0;
  private unitsInFlight = 0;
  private unitsDone = 0;
  private failedUnits = 0;
  private readonly maxRecalls: number;
  /** Every this many dairy units, a tanker's cooling fails and the regulator recalls that milk. */
  private readonly dairyUnitsPerRecall: number;
  private dairyUnits = 0;

  constructor(
    private readonly app: INestApplicationContext,
    private readonly target: number,
  ) {
    this.writer = app.get(LedgerWriter);
    this.batches = app.get(BatchesService);
    this.events = app.get(EventsService);
    this.transformations = app.get(TransformationsService);
    this.coldChain = app.get(ColdChainService);
    this.inspections = app.get(InspectionsService);
    this.recalls = app.get(RecallsService);
    this.maxRecalls = Math.max(1, Math.round(target / ENTRIES_PER_RECALL));
    const dairyUnits = ((target / ENTRIES_PER_UNIT_ESTIMATE) * CHAIN_WEIGHTS.dairy) / Object.values(CHAIN_WEIGHTS).reduce((a, b) => a + b, 0);
    this.dairyUnitsPerRecall = Math.max(1, Math.floor(dairyUnits / this.maxRecalls));
  }

  /** The organizations, one facility each, and their products. */
  async setUp(): Promise<void> {
    const organizations = this.app.get(OrganizationsService);
    const facilities = this.app.get(FacilitiesService);
    const products = this.app.get(ProductsService);
    const run = randomBytes(2).toString('hex'); // names of a run added to an existing ledger stay apart
    const org = async (name: string, kind: OrganizationKind, region: string, productInputs: RegisterProductInput[] = []): Promise<Org> => {
      const { organization } = await organizations.create(ADMIN, { name: `${name}（${run}）`, kind });
      const caller: OrganizationCaller = { kind: 'organization', organizationId: organization.id, organizationKind: kind, apiKeyId: '' };
      const facility = await facilities.register(caller, { name: `${name} 厂区`, region });
      const owned = new Map<string, string>();
      for (const input of productInputs) owned.set(input.name, (await products.register(caller, input)).id);
      this.tally.entries += 2 + productInputs.length;
      return { caller, name, facilityId: facility.id, products: owned };
    };
    const many = (count: number, make: (i: number) => Promise<Org>) => Promise.all(Array.from({ length: count }, (_, i) => make(i + 1)));
    const product = (
      name: string,
      category: RegisterProductInput['category'],
      storage: RegisterProductInput['storage'],
      geographicIndication?: string,
    ): RegisterProductInput => Object.assign(new RegisterProductInput(), { name, category, storage, geographicIndication: geographicIndication ?? null });
    const n = ORGANIZATIONS;
    const [riceFarms, mills, dairyFarms, dairyPlants, vineyards, vinegarMakers, logistics, shops, labs, regulator] = await Promise.all([
      many(n.riceFarms, (i) => org(`宁河区小站稻种植合作社 ${i}`, 'PRODUCER', '天津市宁河区', [product(RICE.paddy, 'GRAIN', 'AMBIENT', '小站稻')])),
      many(n.mills, (i) =>
        org(`津南小站稻米业 ${i}`, 'PROCESSOR', '天津市津南区', [
          product(RICE.bulk, 'GRAIN', 'AMBIENT', '小站稻'),
          product(RICE.retail, 'GRAIN', 'AMBIENT', '小站稻'),
        ]),
      ),
      many(n.dairyFarms, (i) => org(`宁河奶牛养殖场 ${i}`, 'PRODUCER', '天津市宁河区', [product(DAIRY.raw, 'DAIRY', 'CHILLED')])),
      many(n.dairyPlants, (i) =>
        org(`海河乳品加工厂 ${i}`, 'PROCESSOR', '天津市西青区', [product(DAIRY.pool, 'DAIRY', 'CHILLED'), product(DAIRY.retail, 'DAIRY', 'CHILLED')]),
      ),
      many(n.vineyards, (i) =>
        org(`茶淀葡萄专业合作社 ${i}`, 'PRODUCER', '天津市滨海新区茶淀街', [
          product(GRAPES.field, 'FRUIT', 'CHILLED', '茶淀玫瑰香葡萄'),
          product(GRAPES.boxed, 'FRUIT', 'CHILLED', '茶淀玫瑰香葡萄'),
        ]),
      ),
      many(n.vinegarMakers, (i) =>
        org(`独流老醋酿造厂 ${i}`, 'PROCESSOR', '天津市静海区独流镇', [
          product(VINEGAR.base, 'CONDIMENT', 'AMBIENT', '独流老醋'),
          product(VINEGAR.blend, 'CONDIMENT', 'AMBIENT', '独流老醋'),
          product(VINEGAR.bottled, 'CONDIMENT', 'AMBIENT', '独流老醋'),
        ]),
      ),
      many(n.logistics, (i) => org(`津冷链物流 ${i}`, 'LOGISTICS', '天津市东丽区')),
      many(n.shops, (i) => org(`津门优选超市 ${i} 号店`, 'RETAILER', pick(['天津市河西区', '天津市南开区', '天津市和平区', '天津市河东区', '北京市朝阳区']))),
      many(n.labs, (i) => org(`天津食品检验检测中心 ${i}`, 'LAB', '天津市河北区')),
      org('天津市市场监督管理局', 'REGULATOR', '天津市'),
    ]);
    this.orgs = { riceFarms, mills, dairyFarms, dairyPlants, vineyards, vinegarMakers, logistics, shops, labs, regulator };
  }

  /** Runs whole units until the ledger has about the target: a unit in flight counts as an average one. */
  async worker(): Promise<void> {
    const chains = Object.entries(CHAIN_WEIGHTS).flatMap(([kind, weight]) => Array<ChainKind>(weight).fill(kind as ChainKind));
    while (this.failedUnits < MAX_FAILED_UNITS) {
      const averageUnit = this.unitsDone > 0 ? this.tally.entries / this.unitsDone : 150;
      if (this.tally.entries + this.unitsInFlight * averageUnit >= this.target) return;
      const unit = ++this.nextUnit;
      const kind = pick(chains);
      this.unitsInFlight++;
      try {
        if (kind === 'rice') await this.rice(unit);
        else if (kind === 'dairy') await this.dairy(unit);
        else if (kind === 'fruit') await this.fruit(unit);
        else await this.vinegar(unit);
        this.tally.units[kind]++;
      } catch (err) {
        this.failedUnits++;
        console.error(`unit ${unit} (${kind}) failed: ${(err as Error).message}`);
        if (this.failedUnits === MAX_FAILED_UNITS) console.error(`${MAX_FAILED_UNITS} units failed: stopping`);
      } finally {
        this.unitsInFlight--;
        this.unitsDone++;
      }
    }
    throw new Error(`${this.failedUnits} units failed`);
  }

  /** Paddy from one farm's fields, dried and shipped to a mill, milled and split into retail lots for shops. */
  private async rice(unit: number): Promise<void> {
    const farm = pick(this.orgs.riceFarms);
    const mill = pick(this.orgs.mills);
    const t0 = unitStart();
    const harvestDate = isoDate(t0);
    const paddy = await this.registerLots(
      farm,
      RICE.paddy,
      Array.from({ length: 4 }, (_, f) => ({
        lotCode: `XZD-${unit}-F${f + 1}`,
        quantity: 5000 + randomInt(15_000),
        producedAt: t0,
        details: { fieldName: `${f + 1} 号田`, harvestDate, variety: '津原 U99' },
      })),
    );
    await this.record(farm, [
      ...paddy.map((lot, f) => event(lot.id, 'HARVESTING', t0 + HOUR, farm, { quantity: lot.quantity, details: { fieldName: `${f + 1} 号田`, harvestDate } })),
      ...paddy.map((lot) => event(lot.id, 'STORING', t0 + DAY, farm, { details: { moisturePercent: 14 + randomInt(10) / 10, note: '晾晒入仓' } })),
      ...paddy.map((lot, f) => shipping(lot, farm, mill, t0 + 5 * DAY, `XZD-${unit}-${f + 1}`)),
    ]);
    await this.record(
      mill,
      paddy.map((lot) => event(lot.id, 'RECEIVING', t0 + 5 * DAY + 4 * HOUR, mill, { quantity: lot.quantity })),
    );
    const [bulk] = await this.transform(mill, t0 + 6 * DAY, paddy, [{ product: RICE.bulk, lotCode: `XZD-${unit}-M`, quantity: Math.floor(sum(paddy) * 0.68) }]);
    await this.record(mill, [event(bulk.id, 'STORING', t0 + 6 * DAY + HOUR, mill, { details: { silo: `${1 + randomInt(8)} 号仓` } })]);
    const retail = await this.split(mill, t0 + 7 * DAY, bulk, RICE.retail, `XZD-${unit}-R`, 24, 0.998);
    await this.toShops(mill, retail, t0 + 8 * DAY, `XZD-${unit}`, { packSize: '5kg' });
    // A lab samples the milled rice for cadmium (GB 2762-2022: 0.2 mg/kg).
    await this.inspect(bulk, {
      name: '镉 (Cd)',
      limit: 0.2,
      unit: 'mg/kg',
      standard: 'GB 2762-2022',
      pass: () => 0.02 + randomInt(15) / 100,
      fail: () => 0.21 + randomInt(10) / 100,
    });
  }

  /** Raw milk of three farms, cooled and trucked to a plant, pooled and split into retail lots for shops. */
  private async dairy(unit: number): Promise<void> {
    const farms = pickDistinct(this.orgs.dairyFarms, 3);
    const plant = pick(this.orgs.dairyPlants);
    const t0 = unitStart();
    const recallsThisUnit = this.dairyUnits++ % this.dairyUnitsPerRecall === 0 && this.tally.recalls < this.maxRecalls;
    const milkLots = await Promise.all(
      farms.map(async (farm, f) => {
        const [lot] = await this.registerLots(farm, DAIRY.raw, [{ lotCode: `MILK-${unit}-${f + 1}`, quantity: 6000 + randomInt(9000), producedAt: t0 }]);
        await this.record(farm, [event(lot.id, 'COOLING', t0 + 20 * MINUTE, farm, { details: { coolingDate: isoDate(t0), targetCelsius: 4 } })]);
        // The bulk tank's logger while the milk waits for the tanker, then the tanker's on the road.
        await this.readings(farm, lot, `tank-${unit}-${f}`, t0 + 15 * MINUTE, 8, 15 * MINUTE, false);
        await this.record(farm, [
          shipping(lot, farm, plant, t0 + 2 * HOUR + 15 * MINUTE, `MILK-${unit}-${f + 1}`, { vehicle: `津A·冷藏${10000 + randomInt(90000)}` }),
        ]);
        const excursion = (recallsThisUnit && f === 0) || Math.random() < EXCURSION_RATE;
        await this.readings(plant, lot, `tanker-${unit}-${f}`, t0 + 2 * HOUR + 25 * MINUTE, 18, 10 * MINUTE, excursion);
        // The plant weighs in a little less than the farm shipped (what stays in the tanker's lines).
        const received = { id: lot.id, quantity: lot.quantity - randomInt(20) };
        await this.record(plant, [event(lot.id, 'RECEIVING', t0 + 5 * HOUR + 30 * MINUTE, plant, { quantity: received.quantity })]);
        return received;
      }),
    );
    const [pool] = await this.transform(plant, t0 + 6 * HOUR, milkLots, [{ product: DAIRY.pool, lotCode: `MILK-${unit}-P`, quantity: sum(milkLots) }]);
    await this.readings(plant, pool, `silo-${unit}`, t0 + 6 * HOUR, 12, 20 * MINUTE, false);
    const retail = await this.split(plant, t0 + 10 * HOUR, pool, DAIRY.retail, `MILK-${unit}-R`, 16, 0.97);
    await this.toShops(plant, retail, t0 + DAY, `MILK-${unit}`, { packSize: '950mL' });
    await this.inspect(pool, {
      name: '黄曲霉毒素 M1',
      limit: 0.5,
      unit: 'μg/kg',
      standard: 'GB 2761-2017',
      pass: () => 0.05 + randomInt(30) / 100,
      fail: () => 0.55 + randomInt(20) / 100,
    });
    // The regulator recalls the milk whose cold chain broke, and everything made from it.
    if (recallsThisUnit) {
      this.tally.recalls++;
      const recall = await this.recalls.initiate(this.orgs.regulator.caller, {
        batchIds: [milkLots[0].id],
        level: 'LEVEL_2',
        reason: '运输途中冷链中断（超过 8 °C 达 40 分钟以上），存在变质风险 / The cold chain broke in transport',
      });
      this.tally.recalledBatches += recall.affectedBatches.length;
      this.tally.entries += recall.affectedBatches.length;
    }
  }

  /** Grapes picked and pre-cooled, packed into gift boxes, kept cold by a logistics firm, sold in shops. */
  private async fruit(unit: number): Promise<void> {
    const vineyard = pick(this.orgs.vineyards);
    const carrier = pick(this.orgs.logistics);
    const t0 = unitStart();
    const harvestDate = isoDate(t0);
    const fieldLots = await this.registerLots(
      vineyard,
      GRAPES.field,
      Array.from({ length: 3 }, (_, f) => ({
        lotCode: `CD-${unit}-F${f + 1}`,
        quantity: 800 + randomInt(1200),
        producedAt: t0,
        details: { fieldName: `${f + 1} 号棚`, harvestDate },
      })),
    );
    await this.record(vineyard, [
      ...fieldLots.map((lot, f) =>
        event(lot.id, 'HARVESTING', t0 + HOUR, vineyard, { quantity: lot.quantity, details: { fieldName: `${f + 1} 号棚`, harvestDate } }),
      ),
      ...fieldLots.map((lot) => event(lot.id, 'COOLING', t0 + 2 * HOUR, vineyard, { details: { coolingDate: harvestDate, method: '预冷库' } })),
    ]);
    for (const [f, lot] of fieldLots.entries()) await this.readings(vineyard, lot, `precool-${unit}-${f}`, t0 + 2 * HOUR, 12, 20 * MINUTE, false);
    // Packing merges the day's field lots and splits them into boxed lots (2.5 kg gift boxes).
    const total = sum(fieldLots);
    const boxes = 12;
    const each = Math.floor((total * 0.95) / boxes);
    const boxed = await this.transform(
      vineyard,
      t0 + 6 * HOUR,
      fieldLots,
      Array.from({ length: boxes }, (_, b) => ({ product: GRAPES.boxed, lotCode: `CD-${unit}-B${b + 1}`, quantity: each })),
    );
    await this.record(vineyard, [
      ...boxed.map((lot) =>
        event(lot.id, 'PACKING', t0 + 7 * HOUR, vineyard, { quantity: lot.quantity, details: { lotCode: `CD-${unit}`, packSize: '2.5kg' } }),
      ),
      ...boxed.map((lot, b) => shipping(lot, vineyard, carrier, t0 + 8 * HOUR, `CD-${unit}-${b + 1}`)),
    ]);
    for (const [b, lot] of boxed.entries()) {
      const excursion = Math.random() < EXCURSION_RATE;
      await this.readings(carrier, lot, `truck-${unit}-${b}`, t0 + 8 * HOUR, 10, 10 * MINUTE, excursion);
    }
    await this.record(carrier, [
      ...boxed.map((lot) => event(lot.id, 'RECEIVING', t0 + 10 * HOUR, carrier, { quantity: lot.quantity })),
      ...boxed.map((lot) => event(lot.id, 'STORING', t0 + 10 * HOUR + 10 * MINUTE, carrier, { details: { coldRoom: `${1 + randomInt(6)} 号冷库` } })),
    ]);
    for (const [b, lot] of boxed.entries()) await this.readings(carrier, lot, `coldroom-${unit}-${b}`, t0 + 10 * HOUR, 24, 30 * MINUTE, false);
    await this.toShops(carrier, boxed, t0 + 2 * DAY, `CD-${unit}`);
    // Pesticide residue on a box at a shop (GB 2763-2021, 多菌灵 limit 3 mg/kg on grapes).
    await this.inspect(pick(boxed), {
      name: '多菌灵',
      limit: 3,
      unit: 'mg/kg',
      standard: 'GB 2763-2021',
      pass: () => randomInt(100) / 100,
      fail: () => 3.2 + randomInt(20) / 10,
    });
  }

  /** Aged base vinegar blended in one vat and bottled for shops. */
  private async vinegar(unit: number): Promise<void> {
    const maker = pick(this.orgs.vinegarMakers);
    const t0 = unitStart();
    const base = await this.registerLots(
      maker,
      VINEGAR.base,
      Array.from({ length: 4 }, (_, v) => ({
        lotCode: `DL-${unit}-V${v + 1}`,
        quantity: 2000 + randomInt(3000),
        producedAt: t0,
        unit: 'L',
        details: { agedYears: 3 + randomInt(5), vat: `${v + 1} 号缸` },
      })),
    );
    await this.record(
      maker,
      base.map((lot) => event(lot.id, 'STORING', t0 + HOUR, maker, { details: { note: '陈酿缸 出缸前检验' } })),
    );
    const [blend] = await this.transform(maker, t0 + DAY, base, [{ product: VINEGAR.blend, lotCode: `DL-${unit}-B`, quantity: sum(base), unit: 'L' }]);
    const bottled = await this.split(maker, t0 + 2 * DAY, blend, VINEGAR.bottled, `DL-${unit}-P`, 20, 0.995, 'L');
    await this.toShops(maker, bottled, t0 + 3 * DAY, `DL-${unit}`, { packSize: '500mL' });
    await this.inspect(blend, {
      name: '总酸',
      limit: 3.5,
      unit: 'g/100mL',
      standard: 'GB 2719-2018',
      pass: () => 4.5 + randomInt(20) / 10,
      fail: () => 3 + randomInt(4) / 10,
    });
  }

  /** Lots of one product registered by their maker at its facility, in one ledger command. */
  private async registerLots(
    maker: Org,
    productName: string,
    lots: { lotCode: string; quantity: number; producedAt: number; unit?: string; details?: Record<string, unknown> }[],
  ): Promise<Lot[]> {
    const ids = lots.map(() => randomUUID());
    const inputs = lots.map((lot) =>
      Object.assign(new RegisterBatchInput(), {
        productId: maker.products.get(productName)!,
        facilityId: maker.facilityId,
        lotCode: lot.lotCode,
        quantity: lot.quantity,
        unit: lot.unit ?? 'kg',
        producedAt: new Date(lot.producedAt),
        details: lot.details ?? null,
      }),
    );
    await this.command(maker, ids, async (ctx) => {
      for (const [i, input] of inputs.entries()) await this.batches.registerInContext(ctx, maker.caller, input, ids[i]);
    });
    this.tally.entries += lots.length;
    this.tally.batches += lots.length;
    return lots.map((lot, i) => ({ id: ids[i], quantity: lot.quantity }));
  }

  /** Up to 1,000 events a call, as a client's recordEvents would send them. */
  private async record(by: Org, events: RecordEventInput[]): Promise<void> {
    for (let i = 0; i < events.length; i += 1000) {
      const entries = await this.events.record(by.caller, events.slice(i, i + 1000));
      this.tally.entries += entries.length;
    }
  }

  /** transformBatches, taking each input whole: the service's own command, without reading the outputs back. */
  private async transform(
    by: Org,
    at: number,
    inputs: Lot[],
    outputs: { product: string; lotCode: string; quantity: number; unit?: string }[],
  ): Promise<Lot[]> {
    if (inputs.length > MAX_TRANSFORM_LINES || outputs.length > MAX_TRANSFORM_LINES)
      throw new Error(`a transformation takes at most ${MAX_TRANSFORM_LINES} lines`);
    const outputIds = outputs.map(() => randomUUID());
    const lines: TransformOutputLine[] = outputs.map((o) => ({
      productId: by.products.get(o.product)!,
      lotCode: o.lotCode,
      quantity: o.quantity,
      unit: o.unit ?? 'kg',
    }));
    const entries = await this.command(by, [...inputs.map((l) => l.id), ...outputIds], (ctx) =>
      this.transformations.transformInContext(
        ctx,
        by.caller,
        { facilityId: by.facilityId, eventTime: new Date(at), inputs: inputs.map((l) => ({ batchId: l.id, quantity: l.quantity })), outputs: lines },
        outputIds,
      ),
    );
    this.tally.entries += entries.length;
    this.tally.batches += outputs.length;
    this.tally.transformations++;
    return outputs.map((o, i) => ({ id: outputIds[i], quantity: o.quantity }));
  }

  /** One lot split into `count` equal whole-unit lots; the rest (the yield's loss and rounding) is not carried on. */
  private split(by: Org, at: number, lot: Lot, product: string, lotCode: string, count: number, yieldShare: number, unit = 'kg'): Promise<Lot[]> {
    const each = Math.floor((lot.quantity * yieldShare) / count);
    return this.transform(
      by,
      at,
      [lot],
      Array.from({ length: count }, (_, i) => ({ product, lotCode: `${lotCode}${i + 1}`, quantity: each, unit })),
    );
  }

  /** Packs and ships lots to a few shops; each shop receives its lots and sells them over the next days, some to the last unit. */
  private async toShops(from: Org, lots: Lot[], at: number, reference: string, packing?: Record<string, unknown>): Promise<void> {
    const shops = pickDistinct(this.orgs.shops, Math.min(6, lots.length));
    const shopOf = (i: number) => shops[i % shops.length];
    await this.record(from, [
      ...(packing ? lots.map((lot) => event(lot.id, 'PACKING', at, from, { quantity: lot.quantity, details: { lotCode: reference, ...packing } })) : []),
      ...lots.map((lot, i) => shipping(lot, from, shopOf(i), at + HOUR, `${reference}-S${i + 1}`)),
    ]);
    await Promise.all(
      shops.map((shop, s) => {
        const own = lots.filter((_, i) => i % shops.length === s);
        return this.record(
          shop,
          own.flatMap((lot) => [
            event(lot.id, 'RECEIVING', at + 5 * HOUR, shop, { quantity: lot.quantity }),
            event(lot.id, 'STORING', at + 6 * HOUR, shop, { details: { shelf: `${1 + randomInt(20)} 号货架` } }),
            ...sales(lot, at + DAY, shop),
          ]),
        );
      }),
    );
  }

  /** A lab's sampling inspection; now and then a FAIL, which holds the lot and what was made from it; a regulator releases half of those after a re-test. */
  private async inspect(
    lot: Lot,
    item: { name: string; limit: number; unit: string; standard: string; pass: () => number; fail: () => number },
  ): Promise<void> {
    const failed = Math.random() < FAILED_INSPECTION_RATE;
    await this.inspections.record(pick(this.orgs.labs).caller, {
      batchId: lot.id,
      agency: '天津市食品检验检测中心',
      standard: item.standard,
      verdict: failed ? 'FAIL' : 'PASS',
      items: [{ name: item.name, value: failed ? item.fail() : item.pass(), limit: item.limit, unit: item.unit, passed: !failed }],
    });
    this.tally.entries++;
    this.tally.inspections++;
    if (!failed) return;
    this.tally.failedInspections++;
    if (Math.random() < 0.5) {
      await this.inspections.release(this.orgs.regulator.caller, { batchId: lot.id, reason: '复检合格，解除暂扣' });
      this.tally.entries++;
      this.tally.releases++;
    }
  }

  /** `count` readings from `from` every `step`, 2–5 °C; with an excursion, 10–12 °C for 50 minutes in the middle. */
  private async readings(by: Org, lot: Lot, sensorId: string, from: number, count: number, step: number, excursion: boolean): Promise<void> {
    const warmFrom = Math.floor(count / 3);
    const warmReadings = Math.ceil((50 * MINUTE) / step) + 1;
    const readings: TemperatureReadingInput[] = Array.from({ length: count }, (_, i) => ({
      at: new Date(from + i * step),
      celsius: excursion && i >= warmFrom && i < warmFrom + warmReadings ? 10 + randomInt(20) / 10 : 2 + randomInt(30) / 10,
    }));
    await this.coldChain.record(by.caller, { batchId: lot.id, sensorId, readings });
    this.tally.entries++;
    this.tally.readings += count;
    if (excursion) this.tally.excursionLots++;
  }

  private command<R>(by: Org, batchIds: string[], run: (ctx: AppendContext) => Promise<R>): Promise<R> {
    return this.writer.execute({ actor: by.caller.organizationId, batchIds, run });
  }
}

const RICE = { paddy: '小站稻 稻谷', bulk: '小站稻 大米 散装', retail: '小站稻 大米 5kg 袋装' };
const DAIRY = { raw: '生牛乳', pool: '生牛乳 混合奶仓', retail: '海河 鲜牛奶 950mL' };
const GRAPES = { field: '茶淀玫瑰香葡萄', boxed: '茶淀玫瑰香葡萄 礼盒 2.5kg' };
const VINEGAR = { base: '独流老醋 原醋', blend: '独流老醋 勾兑', bottled: '独流老醋 500mL' };

function event(batchId: string, bizStep: RecordEventInput['bizStep'], at: number, by: Org, rest: Partial<RecordEventInput> = {}): RecordEventInput {
  return Object.assign(new RecordEventInput(), { batchId, bizStep, eventTime: new Date(at), facilityId: by.facilityId, ...rest });
}

function shipping(lot: Lot, from: Org, to: Org, at: number, documentNumber: string, details: Record<string, unknown> = {}): RecordEventInput {
  return event(lot.id, 'SHIPPING', at, from, {
    destinationOrganizationId: to.caller.organizationId,
    quantity: lot.quantity,
    details: { shipToLocation: `${to.name} 厂区`, referenceDocumentType: 'DESADV', referenceDocumentNumber: documentNumber, ...details },
  });
}

/** Three sales on the following days, then in half the lots a last one that sells out (the batch is then CONSUMED). */
function sales(lot: Lot, from: number, shop: Org): RecordEventInput[] {
  const parts = [0.3, 0.25, 0.2].map((share) => Math.max(1, Math.floor(lot.quantity * share)));
  const left = lot.quantity - parts.reduce((a, b) => a + b, 0);
  if (left > 0 && Math.random() < 0.5) parts.push(left);
  return parts.map((quantity, d) => event(lot.id, 'RETAIL_SELLING', from + d * DAY + randomInt(10) * HOUR, shop, { quantity }));
}

/** A unit's first day: within the last ten months, and at least a month ago, so every later step is in the past. */
function unitStart(): number {
  const day = Math.floor((Date.now() - 30 * DAY - Math.random() * 270 * DAY) / DAY) * DAY;
  return day + randomInt(6) * HOUR; // early morning in China
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function randomInt(below: number): number {
  return Math.floor(Math.random() * below);
}

function sum(lots: Lot[]): number {
  return lots.reduce((total, lot) => total + lot.quantity, 0);
}

function pickDistinct<T>(items: readonly T[], count: number): T[] {
  const chosen = new Set<T>();
  while (chosen.size < Math.min(count, items.length)) chosen.add(pick(items));
  return [...chosen];
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
