/**
 * What the benchmark scripts that seed through the service's GraphQL API share (bench-page, bench-trace):
 * a throwaway database with the service on it, the client, organizations with a facility, products, lots,
 * events and the ledger's padding. Here and not test/'s helpers: the build does not include test/.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Database } from '../src/database/database.js';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { draftEntry } from '../src/ledger/ledger-entry.js';
import { LedgerWriter } from '../src/ledger/ledger-writer.js';
import { eventPayload, inParallel, pick, post, run, RunningService, RunResult, startService } from './bench-support.js';

/** The throwaway admin key withBenchService starts the service with; organizations are created with it. */
export const ADMIN_KEY = `bench-admin-${randomBytes(12).toString('hex')}`;
/** Concurrent appends while padding the ledger; the pool has a few connections more. */
const PAD_CALLERS = 64;
/** Concurrent API calls while registering the lots the padding goes to. */
const PAD_LOT_CALLERS = 8;

/**
 * A new database on DATABASE_URL's server (or an embedded one), migrated, the service started on it with
 * ADMIN_KEY and a client for it with `apiSockets` connections; `about` ends the first line printed. The
 * database is dropped at the end, also on failure.
 */
export async function withBenchService(
  about: string,
  apiSockets: number,
  use: (bench: { pool: pg.Pool; service: RunningService; api: ApiClient }) => Promise<void>,
): Promise<void> {
  const server = await findPostgresServer({ url: process.env.DATABASE_URL, embeddedName: 'bench-postgres', embeddedPort: 54349 });
  const database = `suyuan_bench_${randomBytes(6).toString('hex')}`;
  const url = databaseUrl(server.adminUrl, database);
  let dataSource: DataSource | undefined;
  let service: RunningService | undefined;
  console.log(`server: ${server.label}; bench database: ${database}; ${about}`);
  try {
    await withAdminClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${database}`));
    dataSource = await new DataSource(dataSourceOptions(url, PAD_CALLERS + 8)).initialize();
    await dataSource.runMigrations();
    const pool = new Database(dataSource).pool;
    service = await startService(url, ADMIN_KEY);
    await use({ pool, service, api: apiClient(service.base, new http.Agent({ keepAlive: true, maxSockets: apiSockets })) });
  } finally {
    await service?.stop();
    await dataSource?.destroy().catch(() => undefined);
    await withAdminClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch((err) =>
      console.error(`could not drop ${database}: ${(err as Error).message}`),
    );
    await server.stop?.();
  }
}

export type Api = <T>(key: string, query: string, variables: Record<string, unknown>) => Promise<T>;

/** Also the response's text, unparsed: bench-trace times requests without the client's JSON.parse. */
export type ApiClient = Api & { raw(key: string, body: string): Promise<string> };

/** GraphQL over HTTP with an organization's (or the admin's) key; a GraphQL error throws. */
export function apiClient(base: string, agent: http.Agent): ApiClient {
  const raw = (key: string, body: string) => post(base, '/graphql', body, { agent, headers: { authorization: `Bearer ${key}` } });
  const api = async <T>(key: string, query: string, variables: Record<string, unknown>): Promise<T> => {
    const body = JSON.parse(await raw(key, JSON.stringify({ query, variables }))) as { data?: T; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors).slice(0, 1000)}`);
    return body.data!;
  };
  return Object.assign(api, { raw });
}

export interface Org {
  id: string;
  key: string;
  name: string;
  facilityId: string;
}

/** A new organization's API key, from the admin. */
export async function organizationKey(api: Api, name: string, kind: string): Promise<{ id: string; key: string }> {
  const { createOrganization } = await api<{ createOrganization: { organization: { id: string }; apiKey: string } }>(
    ADMIN_KEY,
    'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } apiKey } }',
    { input: { name, kind } },
  );
  return { id: createOrganization.organization.id, key: createOrganization.apiKey };
}

/** An organization with one facility, registered by the admin and the organization's own key. */
export async function organization(api: Api, name: string, kind: string, region: string): Promise<Org> {
  const { id, key } = await organizationKey(api, name, kind);
  const { registerFacility } = await api<{ registerFacility: { id: string } }>(
    key,
    'mutation($input: RegisterFacilityInput!) { registerFacility(input: $input) { id } }',
    { input: { name: `${name} 厂区`, region } },
  );
  return { id, key, name, facilityId: registerFacility.id };
}

export async function registerProduct(api: Api, owner: Org, input: { name: string; category: string; storage: string }): Promise<string> {
  const { registerProduct } = await api<{ registerProduct: { id: string } }>(
    owner.key,
    'mutation($input: RegisterProductInput!) { registerProduct(input: $input) { id } }',
    { input },
  );
  return registerProduct.id;
}

/** A lot in kg made at the producer's facility; bench-page wants its trace code, bench-trace its quantity. */
export async function registerBatch(
  api: Api,
  producer: Org,
  input: { productId: string; lotCode: string; quantity: number; producedAt: string; details?: object },
): Promise<{ id: string; traceCode: string; quantity: number }> {
  const { registerBatch } = await api<{ registerBatch: { id: string; traceCode: string; quantity: number } }>(
    producer.key,
    'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id traceCode quantity } }',
    { input: { ...input, facilityId: producer.facilityId, unit: 'kg' } },
  );
  return registerBatch;
}

/** Events recorded by `by`, 1,000 to a call. */
export async function recordEvents(api: Api, by: Org, events: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    await api(by.key, 'mutation($input: [RecordEventInput!]!) { recordEvents(input: $input) { seq } }', { input: events.slice(i, i + 1000) });
  }
}

export async function ledgerSize(pool: pg.Pool): Promise<number> {
  return Number((await pool.query<{ seq: string }>('SELECT seq FROM ledger_head WHERE id = 1')).rows[0].seq);
}

/**
 * Events on `lots` lots of another producer, through the writer in this process, until the ledger has
 * `entries`; then statistics as autovacuum keeps them on a live service (it analyzes after bulk inserts too).
 */
export async function padLedger(api: Api, pool: pg.Pool, entries: number, lots: number): Promise<RunResult> {
  const grower = await organization(api, '武清区蔬菜种植基地', 'PRODUCER', '天津市武清区');
  const productId = await registerProduct(api, grower, { name: '武清 黄瓜', category: 'VEGETABLE', storage: 'CHILLED' });
  const batches = await inParallel(
    Array.from({ length: lots }, (_, i) => i),
    PAD_LOT_CALLERS,
    (i) => registerBatch(api, grower, { productId, lotCode: `WQ-${i + 1}`, quantity: 500, producedAt: new Date().toISOString() }),
  );
  const batchIds = batches.map((lot) => lot.id);
  const writer = new LedgerWriter(pool);
  const padding = await run(PAD_CALLERS, Math.max(0, entries - (await ledgerSize(pool))), Infinity, async () => {
    await writer.append('bench', [draftEntry('EVENT_RECORDED', pick(batchIds), eventPayload())]);
  });
  await writer.whenIdle();
  const size = await ledgerSize(pool);
  const took = `${(padding.elapsedMs / 1000).toFixed(1)} s`;
  console.log(`padding: ${padding.count.toLocaleString('en')} entries through the writer in ${took}; ledger size ${size.toLocaleString('en')}`);
  if (padding.errors > 0) throw new Error(`${padding.errors} padding appends failed`);
  await pool.query('VACUUM (ANALYZE)');
  return padding;
}
