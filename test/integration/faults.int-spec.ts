import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import type { App } from 'supertest/types.js';
import { createOrg, Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { createTestApp, gql, gqlOk, TEST_ADMIN_KEY } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { LEDGER_SIZE, VERIFY_LEDGER } from '../support/documents.js';

/**
 * Faults that fit in a test (`npm run chaos` has the rest: kill -9 under load, PostgreSQL restarted,
 * two processes): a client that hangs up mid-request and retries with its idempotency key gets exactly
 * one entry, and a database that goes away mid-append and for a while is answered with errors at once,
 * without ending the process, and the service carries on by itself when it is back.
 */
// Not documents.ts's RECORD_EVENT: a retry's answer is compared with the stored entry's seq and hash.
const RECORD_EVENT = 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq hash } }';
/** While the database is away, an answer (an error) comes within this. */
const FAIL_FAST_MS = 2000;

interface Story {
  org: Org;
  facilityId: string;
  batchId: string;
}

/** A producer with a batch of 1000 kg to sell from: every sale of `quantity` is one entry and lowers the batch once. */
async function story(app: INestApplication<App>): Promise<Story> {
  const org = await createOrg(app, 'PRODUCER');
  const facilityId = await registerFacility(app, org);
  const productId = await registerProduct(app, org);
  const batch = await registerBatch(app, org, productId, facilityId);
  return { org, facilityId, batchId: batch.id };
}

const sale = (s: Story, idempotencyKey: string, quantity: number) => ({
  batchId: s.batchId,
  bizStep: 'RETAIL_SELLING',
  eventTime: '2026-10-07T10:00:00.000Z',
  facilityId: s.facilityId,
  quantity,
  idempotencyKey,
});

/** Holds the chain head the way an append group does, so the next append waits for it. */
async function holdChainHead(url: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT seq FROM ledger_head WHERE id = 1 FOR UPDATE');
  return {
    release: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/** Resolves once an append group of the service is waiting for the chain head. */
async function appendWaitingForHead(sql: pg.Client, database: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE '%FROM ledger_head%FOR UPDATE%'`,
      [database],
    );
    if (rows[0].n !== '0') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no append group waited for the chain head');
}

/** POSTs a GraphQL operation and hangs up once `hangUp` resolves (or, with `halfBody`, after sending half the body). */
function postAndHangUp(base: string, apiKey: string, body: string, hangUp: Promise<void>, halfBody = false): Promise<'answered' | 'hung up'> {
  const url = new URL('/graphql', base);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${apiKey}` },
      },
      (res) => {
        res.resume();
        resolve('answered');
      },
    );
    req.on('error', () => resolve('hung up'));
    req.on('close', () => resolve('hung up'));
    req.write(halfBody ? body.slice(0, body.length >> 1) : body);
    if (!halfBody) req.end();
    void hangUp.then(() => req.destroy());
  });
}

async function storedUnderKey(sql: pg.Client, actor: string, key: string): Promise<{ seq: string; hash: string }[]> {
  return (await sql.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger_entry WHERE actor = $1 AND idempotency_key = $2', [actor, key])).rows;
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function batchQuantity(sql: pg.Client, batchId: string): Promise<number> {
  return (await sql.query<{ quantity: number }>('SELECT quantity FROM batch WHERE id = $1', [batchId])).rows[0].quantity;
}

async function expectLedgerVerifies(app: INestApplication<App>, sql: pg.Client): Promise<void> {
  const size = Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM ledger_entry')).rows[0].n);
  const result = await gqlOk(app, VERIFY_LEDGER, {}, TEST_ADMIN_KEY);
  expect(result.verifyLedger).toEqual({ valid: true, checkedEntries: size, reason: null });
}

describe('a client that hangs up mid-request and retries with the same idempotency key', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let base: string;
  let sql: pg.Client;
  let s: Story;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    s = await story(app);
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  it('hung up while its append waited: the append is made once, and the retry returns that entry', async () => {
    const head = await holdChainHead(db.url);
    const body = JSON.stringify({ query: RECORD_EVENT, variables: { input: sale(s, 'hang-up-1', 5) } });
    const outcome = await postAndHangUp(base, s.org.key, body, appendWaitingForHead(sql, db.name));
    expect(outcome).toBe('hung up');
    await head.release();

    // The service finishes what it started: the entry and the batch's new quantity commit together.
    const [stored] = await eventually(async () => {
      const rows = await storedUnderKey(sql, s.org.id, 'hang-up-1');
      return rows.length > 0 ? rows : undefined;
    });
    expect(await batchQuantity(sql, s.batchId)).toBe(995);

    const retry = await gqlOk(app, RECORD_EVENT, { input: sale(s, 'hang-up-1', 5) }, s.org.key);
    expect({ seq: String(retry.recordEvent.seq), hash: retry.recordEvent.hash }).toEqual(stored);
    expect(await storedUnderKey(sql, s.org.id, 'hang-up-1')).toHaveLength(1);
    expect(await batchQuantity(sql, s.batchId)).toBe(995);
  });

  it('hung up before its request was whole: nothing is made, and the retry makes it once', async () => {
    const body = JSON.stringify({ query: RECORD_EVENT, variables: { input: sale(s, 'hang-up-2', 7) } });
    const outcome = await postAndHangUp(base, s.org.key, body, new Promise((r) => setTimeout(r, 200)), true);
    expect(outcome).toBe('hung up');
    await new Promise((r) => setTimeout(r, 200));
    expect(await storedUnderKey(sql, s.org.id, 'hang-up-2')).toEqual([]);

    const retry = await gqlOk(app, RECORD_EVENT, { input: sale(s, 'hang-up-2', 7) }, s.org.key);
    expect(await storedUnderKey(sql, s.org.id, 'hang-up-2')).toEqual([{ seq: String(retry.recordEvent.seq), hash: retry.recordEvent.hash }]);
    expect(await batchQuantity(sql, s.batchId)).toBe(988);
    await expectLedgerVerifies(app, sql);
  });
});

/** A TCP proxy to the test PostgreSQL: cut, it drops every connection and refuses new ones until restored. */
class CuttableProxy {
  private readonly sockets = new Set<net.Socket>();
  private isCut = false;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: URL): Promise<CuttableProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxy = new CuttableProxy(server, (server.address() as net.AddressInfo).port);
    server.on('connection', (client) => proxy.accept(client, target));
    return proxy;
  }

  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.isCut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(client: net.Socket, target: URL): void {
    if (this.isCut) return void client.destroy();
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.sockets.add(from);
      from.pipe(to);
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}

describe('the database away, mid-append and for a while', () => {
  let db: TestDatabase;
  let proxy: CuttableProxy;
  let app: INestApplication<App>;
  let sql: pg.Client;
  let s: Story;

  beforeAll(async () => {
    db = await createTestDatabase();
    proxy = await CuttableProxy.start(new URL(db.url));
    const proxied = new URL(db.url);
    proxied.host = `127.0.0.1:${proxy.port}`;
    app = await createTestApp(proxied.toString());
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    s = await story(app);
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('answers errors at once while it is away, keeps running, and appends again by itself when it is back', async () => {
    // An append group holds its connection when it goes: that caller gets an error, and the process lives on.
    const head = await holdChainHead(db.url);
    const inFlight = gql(app, RECORD_EVENT, { input: sale(s, 'away-1', 3) }, s.org.key);
    await appendWaitingForHead(sql, db.name);
    const cutAt = Date.now();
    proxy.cut();
    const answer = await inFlight;
    expect(Date.now() - cutAt).toBeLessThan(FAIL_FAST_MS);
    expect(answer.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    await head.release();

    // Away: every request is answered with an error, quickly, appends and reads alike.
    for (const request of [
      () => gql(app, RECORD_EVENT, { input: sale(s, 'away-2', 4) }, s.org.key),
      () => gql(app, 'query($id: ID!) { batch(id: $id) { quantity } }', { id: s.batchId }, s.org.key),
      () => gql(app, LEDGER_SIZE),
    ]) {
      const startedAt = Date.now();
      const res = await request();
      expect(Date.now() - startedAt).toBeLessThan(FAIL_FAST_MS);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    }

    // Back: the same service appends again, and the retries with the same keys each make one entry.
    proxy.restore();
    const retried = await eventually(async () => {
      const res = await gql(app, RECORD_EVENT, { input: sale(s, 'away-1', 3) }, s.org.key);
      return res.data?.recordEvent ?? undefined;
    });
    const again = await gqlOk(app, RECORD_EVENT, { input: sale(s, 'away-2', 4) }, s.org.key);
    expect(await storedUnderKey(sql, s.org.id, 'away-1')).toEqual([{ seq: String(retried.seq), hash: retried.hash }]);
    expect(await storedUnderKey(sql, s.org.id, 'away-2')).toEqual([{ seq: String(again.recordEvent.seq), hash: again.recordEvent.hash }]);
    expect(await batchQuantity(sql, s.batchId)).toBe(993);
    await expectLedgerVerifies(app, sql);
  });
});
