import { afterAll, beforeAll } from '@jest/globals';
import { DynamicModule, INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { AppModule } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/config.js';
import { configureHttp } from '../../src/http.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';
export const TEST_SIGNING_SEED = Buffer.alloc(32, 42).toString('base64');

/** The service's module, configured as the tests run it, on the given database; `env` adds settings. */
export function testAppModule(databaseUrl: string, env: Record<string, string> = {}): DynamicModule {
  // Rate limits and the connection cap are off unless a test turns them on: the suites send thousands
  // of requests from one address, hundreds at once. The periodic projection audit is off too: a test
  // that wants it sets its interval (verifyLedger audits on its own).
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    LEDGER_SIGNING_KEY: TEST_SIGNING_SEED,
    LEDGER_ORIGIN: 'suyuan.test/ledger',
    RATE_LIMIT_PER_KEY: '0',
    RATE_LIMIT_PUBLIC: '0',
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    PROJECTION_AUDIT_INTERVAL_MS: '0',
    ...env,
  });
  return AppModule.forRoot({ ...config, databaseUrl, databasePoolSize: 4 });
}

/** The whole service, as `npm start` builds it, on the given database; `env` adds settings. */
export async function createTestApp(databaseUrl: string, env: Record<string, string> = {}): Promise<INestApplication<App>> {
  const moduleRef = await Test.createTestingModule({ imports: [testAppModule(databaseUrl, env)] }).compile();
  const app = moduleRef.createNestApplication<INestApplication<App>>({ logger: ['fatal'] });
  configureHttp(app);
  app.enableShutdownHooks();
  await app.init();
  return app;
}

export interface GqlResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string; [k: string]: unknown } }[];
}

/** POSTs one GraphQL operation, with a Bearer key when given. */
/** Listens on a free loopback port, for a client outside supertest (a browser, a bin, a websocket); the base URL. */
export async function listenOnLoopback(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}

export async function gql<T = Record<string, any>>(
  app: INestApplication<App>,
  query: string,
  variables?: Record<string, unknown>,
  key?: string,
): Promise<GqlResponse<T>> {
  const req = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
  if (key) req.set('authorization', `Bearer ${key}`);
  const res = await req.send({ query, variables });
  return res.body as GqlResponse<T>;
}

/** Data of an operation that must succeed; fails the test with the errors otherwise. */
export async function gqlOk<T = Record<string, any>>(app: INestApplication<App>, query: string, variables?: Record<string, unknown>, key?: string): Promise<T> {
  const res = await gql<T>(app, query, variables, key);
  if (res.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(res.errors)}`);
  return res.data!;
}

/** A database of the test file's own with the whole service on it, for the describe block that calls this. */
export function useTestApp(env: Record<string, string> = {}): { readonly app: INestApplication<App>; readonly db: TestDatabase } {
  const context = {} as { app: INestApplication<App>; db: TestDatabase };
  beforeAll(async () => {
    context.db = await createTestDatabase();
    context.app = await createTestApp(context.db.url, env);
  });
  afterAll(async () => {
    await context.app?.close();
    await context.db?.drop();
  });
  return context;
}

/** A supertest parser that keeps the response body as raw bytes (PNG, PDF, XLSX, SVG). */
export function rawBody(res: unknown, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
