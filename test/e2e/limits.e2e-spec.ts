import { describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { isObjectType } from 'graphql';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { AuthRepository } from '../../src/auth/auth.repository.js';
import { FIELD_COSTS } from '../../src/limits/field-costs.js';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { createTestApp, gql, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { API_KEY_IDS, LEDGER_SIZE } from '../support/documents.js';

/** Misspelt operations whose errors would suggest a name of the schema, and what their message still says. */
const misspellings: [string, Record<string, unknown> | undefined, string, RegExp][] = [
  ['{ ledgerInf { size } }', undefined, 'Cannot query field "ledgerInf" on type "Query".', /ledgerInfo/],
  ['{ verifyLedger(fromSq: 1) { valid } }', undefined, 'Unknown argument "fromSq" on field "Query.verifyLedger".', /fromSeq/],
  [
    'query($d: TraceDirection!) { trace(batchId: "6f1d2c3b-4a59-4e68-9b7a-8c9d0e1f2a3b", direction: $d) { direction } }',
    { d: 'DOWNSTREM' },
    '"DOWNSTREM"',
    /DOWNSTREAM/,
  ],
];

/** POSTs a query as it is, with a key when given; the raw response, status included. */
function post(app: INestApplication<App>, query: string, key?: string) {
  const req = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
  if (key) req.set('authorization', `Bearer ${key}`);
  return req.send({ query });
}

/** What keeps a broken or hostile client from hurting the service: query limits, rate limits, CSRF prevention, headers, production settings. */
describe('limits', () => {
  const service = useTestApp({ RATE_LIMIT_PER_KEY: '30', RATE_LIMIT_PUBLIC: '20' });

  it('limits requests per key and, without a key, per address, answering 429 with Retry-After', async () => {
    const { app } = service;
    const org = await createOrg(app, 'PRODUCER');
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 32; i++) {
      const res = await request(app.getHttpServer())
        .post('/graphql')
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${org.key}`)
        .send({ query: API_KEY_IDS });
      statuses.push(res.status);
      if (res.status === 429) {
        retryAfter = res.headers['retry-after'];
        expect(res.body.errors[0]).toMatchObject({
          message: expect.stringMatching(/^too many requests; try again in \d+ s$/),
          extensions: { code: 'RATE_LIMITED' },
        });
      }
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Another key has its own allowance; the admin's is not limited.
    const other = await createOrg(app, 'PRODUCER');
    expect((await gql(app, API_KEY_IDS, undefined, other.key)).errors).toBeUndefined();
    for (let i = 0; i < 40; i++) expect((await gql(app, LEDGER_SIZE, undefined, TEST_ADMIN_KEY)).errors).toBeUndefined();

    // Without a key, the page and scan share the address's allowance.
    const codes: number[] = [];
    for (let i = 0; i < 22; i++) codes.push((await request(app.getHttpServer()).get(i % 2 ? '/q/AAAAAAAAAAAA' : '/recalls')).status);
    expect(codes.slice(0, 20).every((c) => c !== 429)).toBe(true);
    expect(codes.slice(20)).toEqual([429, 429]);
    expect((await request(app.getHttpServer()).get('/health/live')).status).not.toBe(429);
  });

  it('refuses CSRF-able GraphQL requests and sends security headers', async () => {
    const { app } = service;
    const server = app.getHttpServer();
    const admin = `Bearer ${TEST_ADMIN_KEY}`;
    const simpleGet = await request(server).get('/graphql').query({ query: LEDGER_SIZE }).set('authorization', admin);
    expect(simpleGet.status).toBe(400);
    expect(simpleGet.text).toMatch(/CSRF/);
    const formPost = await request(server)
      .post('/graphql')
      .set('content-type', 'text/plain')
      .set('authorization', admin)
      .send('{"query":"{ ledgerInfo { size } }"}');
    expect(formPost.status).toBeGreaterThanOrEqual(400);
    expect(formPost.status).toBeLessThan(500);
    const page = await request(server).get('/recalls').set('authorization', admin);
    expect(page.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });

  it('hides the schema and GraphiQL in production unless configured', async () => {
    const production = await createTestApp(service.db.url, { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://suyuan.test' });
    try {
      const introspection = await gql(production, '{ __schema { types { name } } }');
      expect(introspection.errors?.[0].message).toMatch(/introspection/i);
      const landing = await request(production.getHttpServer()).get('/graphql').set('accept', 'text/html');
      expect(landing.text).not.toMatch(/graphiql/i);
      // No "Did you mean …": a misspelt field, argument or enum value does not spell out the schema.
      for (const [query, variables, said, hidden] of misspellings) {
        const messages = (await gql(production, query, variables)).errors?.map((e) => e.message).join(' ');
        expect(messages).toContain(said);
        expect(messages).not.toMatch(/did you mean/i);
        expect(messages).not.toMatch(hidden);
      }
    } finally {
      await production.close();
    }
    const opened = await createTestApp(service.db.url, { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://suyuan.test', GRAPHQL_INTROSPECTION: 'true' });
    try {
      expect((await gql(opened, '{ __schema { queryType { name } } }')).errors).toBeUndefined();
      // With the schema open, suggestions are a help.
      expect((await gql(opened, misspellings[0][0])).errors?.[0].message).toMatch(/Did you mean "ledgerInfo"\?/);
    } finally {
      await opened.close();
    }
  });

  describe('server hygiene', () => {
    it('cuts off a client that dribbles its body or its headers: 408, then the connection is closed', async () => {
      const app = await createTestApp(service.db.url, { REQUEST_TIMEOUT_MS: '1500' });
      try {
        const port = await listen(app);
        // Headers sent, then the body one byte at a time, each well within the idle timeout: only the request timeout ends it.
        const slowBody = await dribble(port, 'POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n', '{');
        expect(slowBody.answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(slowBody.bytesSent).toBeLessThan(1000);
        const slowHeaders = await dribble(port, 'GET /recalls HTTP/1.1\r\n', 'x-a: b\r\n');
        expect(slowHeaders.answer).toMatch(/^HTTP\/1\.1 408 /);
        // A client at an ordinary pace is served.
        expect((await request(app.getHttpServer()).get('/recalls')).status).toBe(200);
      } finally {
        await app.close();
      }
    }, 60_000);

    it('refuses a connection past the per-address cap, and takes one again once one closes', async () => {
      const app = await createTestApp(service.db.url, { MAX_CONNECTIONS_PER_ADDRESS: '3', KEEP_ALIVE_TIMEOUT_MS: '600000' });
      const sockets: net.Socket[] = [];
      try {
        const port = await listen(app);
        // Three keep-alive connections, each served once and left open.
        for (let i = 0; i < 3; i++) {
          const socket = net.connect(port, '127.0.0.1');
          sockets.push(socket);
          expect(await firstAnswer(socket, 'GET /health/live HTTP/1.1\r\nhost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 /);
        }
        const fourth = net.connect(port, '127.0.0.1');
        sockets.push(fourth);
        const refused = await untilClosed(fourth, 'GET /health/live HTTP/1.1\r\nhost: x\r\n\r\n');
        expect(refused).toMatch(/^HTTP\/1\.1 503 /);
        expect(refused).toMatch(/too many open connections from your address/);
        expect(refused).not.toMatch(/"status"/); // the request it sent was not served
        // One closes: a new connection is served (the server counts the close when it sees it).
        sockets[0].destroy();
        let answer = '';
        for (let attempt = 0; attempt < 50 && !answer.startsWith('HTTP/1.1 200'); attempt++) {
          const again = net.connect(port, '127.0.0.1');
          sockets.push(again);
          answer = await firstAnswer(again, 'GET /health/live HTTP/1.1\r\nhost: x\r\n\r\n');
          if (!answer.startsWith('HTTP/1.1 200')) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      } finally {
        for (const socket of sockets) socket.destroy();
        await app.close();
      }
    }, 60_000);

    it('counts 1,000 random Authorization values from one address as that address: 429 like any one caller, a bounded number of lookups', async () => {
      const app = await createTestApp(service.db.url, { RATE_LIMIT_PUBLIC: '20', RATE_LIMIT_PER_KEY: '1000' });
      try {
        const org = await createOrg(app, 'PRODUCER');
        // A key used before the flood keeps working through it.
        expect((await gql(app, API_KEY_IDS, undefined, org.key)).errors).toBeUndefined();
        // Every lookup of a key in the database goes through this method: count the calls (it still runs).
        const lookups = jest.spyOn(app.get(AuthRepository), 'findActiveKey');
        const answers = { refused: 0, rateLimited: 0, other: [] as string[] };
        for (let i = 0; i < 1000; i += 20) {
          const batch = Array.from({ length: 20 }, () =>
            request(app.getHttpServer())
              .post('/graphql')
              .set('content-type', 'application/json')
              .set('authorization', `Bearer sy_${randomBytes(32).toString('base64url')}`)
              .send({ query: LEDGER_SIZE }),
          );
          for (const res of await Promise.all(batch)) {
            if (res.status === 429) answers.rateLimited++;
            else if (res.body.errors?.[0]?.extensions?.reason === 'INVALID_API_KEY') answers.refused++;
            else answers.other.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          }
        }
        expect(answers.other).toEqual([]);
        // The address's allowance (20 a minute, plus what refilled while the test ran): the rest were 429 before any lookup.
        expect(answers.refused).toBeGreaterThanOrEqual(20);
        expect(answers.refused).toBeLessThan(60);
        expect(answers.rateLimited).toBe(1000 - answers.refused);
        expect(lookups.mock.calls.length).toBe(answers.refused);
        // The address is out of allowance without a key too, as any one caller would be.
        expect((await request(app.getHttpServer()).get('/recalls')).status).toBe(429);
        // The same unknown value again is refused without a lookup, and the known key is still served.
        const repeated = `Bearer sy_${randomBytes(32).toString('base64url')}`;
        lookups.mockClear();
        const again = await gql(app, API_KEY_IDS, undefined, org.key);
        expect(again.errors).toBeUndefined();
        expect(lookups.mock.calls.length).toBe(1);
        const flood = await request(app.getHttpServer())
          .post('/graphql')
          .set('content-type', 'application/json')
          .set('authorization', repeated)
          .send({ query: LEDGER_SIZE });
        expect(flood.status).toBe(429);
        expect(lookups.mock.calls.length).toBe(1);
      } finally {
        await app.close();
      }
    }, 120_000);

    it('believes X-Forwarded-For only with TRUST_PROXY, and then only the entry the proxy appended', async () => {
      const recalls = (app: INestApplication<App>, forwardedFor: string) => request(app.getHttpServer()).get('/recalls').set('x-forwarded-for', forwardedFor);
      const direct = await createTestApp(service.db.url, { RATE_LIMIT_PUBLIC: '3' });
      try {
        // Without a proxy, a client naming a new address each time is still one address.
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await recalls(direct, `198.51.100.${i}`)).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
      } finally {
        await direct.close();
      }
      const proxied = await createTestApp(service.db.url, { RATE_LIMIT_PUBLIC: '3', TRUST_PROXY: 'true' });
      try {
        // Behind the proxy, the address it appended counts; what the client put before it does not.
        const statuses = [];
        for (let i = 0; i < 5; i++) statuses.push((await recalls(proxied, `198.51.100.${i}, 203.0.113.9`)).status);
        expect(statuses).toEqual([200, 200, 200, 429, 429]);
        expect((await recalls(proxied, '203.0.113.10')).status).toBe(200);
      } finally {
        await proxied.close();
      }
    });

    it("gives a phone opening a page route a page for 429 and for errors, and API clients (and the page's own script) the JSON", async () => {
      const app = await createTestApp(service.db.url, { RATE_LIMIT_PUBLIC: '4' });
      const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
      const get = (path: string, accept?: string) => {
        const req = request(app.getHttpServer()).get(path);
        return accept ? req.set('accept', accept) : req;
      };
      try {
        // An error on a page route before the limit: the events page of a lot asked for a page number that is none.
        const badPage = await get('/q/ABCDEFGHJKMN/events?page=0', BROWSER_ACCEPT);
        expect(badPage.status).toBe(400);
        expect(badPage.headers['content-type']).toMatch(/^text\/html/);
        expect(badPage.text).toContain('地址有误 / This address is not valid');
        expect(badPage.text).not.toMatch(/INVALID|BAD_USER_INPUT|errors/);
        const badApi = await get('/q/ABCDEFGHJKMN/events?page=0');
        expect(badApi.status).toBe(400);
        expect(badApi.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
        for (let i = 0; i < 2; i++) await get('/recalls');
        const page = await get('/q/ABCDEFGHJKMN', BROWSER_ACCEPT);
        expect(page.status).toBe(429);
        expect(page.headers['content-type']).toMatch(/^text\/html/);
        expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
        expect(page.text).toContain('请稍后再试 / Please try again shortly');
        expect(page.text).toContain(`reload this page in ${page.headers['retry-after']} seconds`);
        // Self-contained: inline CSS under the static page policy, no script.
        expect(page.headers['content-security-policy']).toContain("default-src 'none'");
        expect(page.text).not.toContain('<script');
        // The page's script fetching its proof, and any client that does not ask for HTML first, keep the JSON error.
        for (const [path, accept] of [
          ['/q/ABCDEFGHJKMN/proof.json', BROWSER_ACCEPT],
          ['/q/ABCDEFGHJKMN', 'application/json'],
          ['/q/ABCDEFGHJKMN', undefined],
        ] as const) {
          const api = await get(path, accept);
          expect([path, accept, api.status, api.body.errors?.[0]?.extensions?.code]).toEqual([path, accept, 429, 'RATE_LIMITED']);
        }
      } finally {
        await app.close();
      }
    });

    it('remembers a refused key: the same unknown value is looked up once', async () => {
      const app = await createTestApp(service.db.url);
      try {
        const lookups = jest.spyOn(app.get(AuthRepository), 'findActiveKey');
        const value = `sy_${randomBytes(32).toString('base64url')}`;
        for (let i = 0; i < 5; i++) expect((await gql(app, LEDGER_SIZE, undefined, value)).errors?.[0].extensions?.reason).toBe('INVALID_API_KEY');
        expect(lookups.mock.calls.length).toBe(1);
      } finally {
        await app.close();
      }
    });

    it('refuses an anonymous body over 64 KB with 413 and says why; the same body with a key is taken', async () => {
      const app = await createTestApp(service.db.url);
      try {
        const org = await createOrg(app, 'PRODUCER');
        const body = JSON.stringify({ query: LEDGER_SIZE, padding: 'x'.repeat(100 * 1024) });
        const post = () => request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
        const anonymous = await post().send(body);
        expect(anonymous.status).toBe(413);
        expect(anonymous.body.errors[0]).toEqual({
          message:
            'the request body is larger than the server accepts without an API key (64 KB); send a valid key (Authorization: Bearer <key>) for larger requests',
          extensions: { code: 'BAD_USER_INPUT', reason: 'BODY_TOO_LARGE' },
        });
        // An invalid key is no key.
        expect((await post().set('authorization', 'Bearer not-a-valid-key-at-all').send(body)).status).toBe(413);
        const keyed = await post().set('authorization', `Bearer ${org.key}`).send(body);
        expect(keyed.status).toBe(200);
        expect(keyed.body.errors).toBeUndefined();
        expect(keyed.body.data.ledgerInfo.size).toBeGreaterThan(0);
        // Sent in chunks with no declared length, it is refused the same way once it passes the limit.
        const port = await listen(app);
        const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
          const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/graphql', headers: { 'content-type': 'application/json' } }, (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, text }));
          });
          req.on('error', reject);
          req.write(body.slice(0, 50_000));
          req.end(body.slice(50_000));
        });
        expect(chunked.status).toBe(413);
        expect(chunked.text).toMatch(/without an API key/);
      } finally {
        await app.close();
      }
    });
  });
});

/** Query cost over HTTP, on an app of its own without rate limits (the limits above count every request of their app). */
describe('query cost limits', () => {
  const service = useTestApp();

  it('refuses a query too costly before running it (the schema has no cycles, so depth is tested on its own in src/limits)', async () => {
    const { app } = service;
    const { org, batch } = await producerWithBatch(app);
    const alias = (i: number) => `s${i}: scan(code: "${batch.traceCode}") { productName timeline { bizStep place } }`;
    const aliases = `{ ${Array.from({ length: 60 }, (_, i) => alias(i)).join(' ')} }`;
    const tooCostly = await post(app, aliases, org.key);
    expect(tooCostly.status).toBe(400);
    expect(tooCostly.body.data).toBeUndefined();
    expect(tooCostly.body.errors[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX', budget: 20000 });
    expect(tooCostly.body.errors[0].message).toMatch(
      /^the query would cost about [\d,]+ .* with an API key a request may cost at most 20,000: ask for less, or split it$/,
    );
  });

  it('refuses the alias floods before they run: verifyBatch, ledgerInfo and __typename, without a key and with one', async () => {
    const { app } = service;
    const { org, batch } = await producerWithBatch(app);
    const aliased = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
    const floods: [string, string, string | undefined][] = [
      ['20 aliases of verifyBatch (1.5 KB), anonymous', aliased(20, `verifyBatch(batchId: "${batch.id}") { valid }`), undefined],
      ['20 aliases of verifyBatch, with a key', aliased(20, `verifyBatch(batchId: "${batch.id}") { valid }`), org.key],
      ['2,000 aliases of ledgerInfo', aliased(2000, 'ledgerInfo { size }'), org.key],
      ['1,000 aliases of ledgerInfo, with a key', aliased(1000, 'ledgerInfo { size }'), org.key],
      ['150 aliases of ledgerInfo, anonymous', aliased(150, 'ledgerInfo { size }'), undefined],
      ['200,000 aliases of __typename, with a key', aliased(200_000, '__typename'), org.key],
      ['3,000 aliases of __typename', aliased(3000, '__typename'), undefined],
    ];
    expect(Buffer.byteLength(floods[0][1])).toBeLessThan(2048);
    for (const [label, query, key] of floods) {
      const res = await post(app, query, key);
      expect({ label, status: res.status, data: res.body.data, extensions: res.body.errors?.[0].extensions }).toEqual({
        label,
        status: 400,
        data: undefined,
        extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX' }),
      });
    }
    // The 200,000 are refused as parsing reaches the token limit, not after parsing them all; without a key
    // the 3.9 MB document is not even read (the anonymous body limit).
    expect((await post(app, floods[5][1], org.key)).body.errors[0].message).toMatch(/^the query has more than 50,000 tokens/);
    const anonymousFlood = await post(app, floods[5][1]);
    expect({ status: anonymousFlood.status, reason: anonymousFlood.body.errors?.[0].extensions.reason }).toEqual({ status: 413, reason: 'BODY_TOO_LARGE' });
    // Below the budgets, the same fields run.
    expect((await post(app, aliased(1, `verifyBatch(batchId: "${batch.id}") { valid }`))).body).toEqual({ data: { a0: { valid: true } } });
    expect((await post(app, aliased(9, `verifyBatch(batchId: "${batch.id}") { valid }`), org.key)).body.errors).toBeUndefined();
    expect((await post(app, aliased(50, 'ledgerInfo { size }'))).body.errors).toBeUndefined();
    expect((await post(app, aliased(400, 'ledgerInfo { size }'), org.key)).body.errors).toBeUndefined();
  });

  it('every root field and every field with a resolver of its own has a cost, and every cost names a field', () => {
    const schema = service.app.get(GraphQLSchemaHost).schema;
    const roots = new Set(['Query', 'Mutation', 'Subscription']);
    const needed: string[] = [];
    const existing = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        existing.add(`${type.name}.${field.name}`);
        // Nest gives a plain @Field its `rootFieldResolver`; a @ResolveField gets the method's own.
        if (roots.has(type.name) || (field.resolve && field.resolve.name !== 'rootFieldResolver')) needed.push(`${type.name}.${field.name}`);
      }
    }
    expect(needed.filter((f) => !(f in FIELD_COSTS))).toEqual([]);
    expect(Object.keys(FIELD_COSTS).filter((f) => !existing.has(f))).toEqual([]);
    // The walk found the fields with resolvers of their own (Batch.events is one), not only the roots.
    expect(needed).toContain('Batch.events');
    expect(needed).not.toContain('Batch.lotCode');
  });

  it("runs the README's queries, the page's scan and a regulator's trace within the anonymous and keyed budgets", async () => {
    const { app } = service;
    const { org, batch } = await producerWithBatch(app);
    const regulator = await createOrg(app, 'REGULATOR');
    const anonymous = [
      '{ ledgerInfo { origin size verifierKey } }',
      `query { verifyBatch(batchId: "${batch.id}") { valid checkedEntries firstInvalidSeq reason } }`,
      `{ scan(code: "${batch.traceCode}") { productName status coldChainStatus recall { level reason } timeline { bizStep place } verification { valid } } }`,
      // A timeline's default page with every field and the cursor to page on.
      `{ scan(code: "${batch.traceCode}") { timelineTotal timeline { bizStep eventTime place organization cursor } } }`,
    ];
    for (const query of anonymous) expect({ query, errors: (await post(app, query)).body.errors }).toEqual({ query, errors: undefined });
    const keyed: [string, string][] = [
      [
        `query { batch(id: "${batch.id}") { lotCode traceCode status custodian { name } product { name geographicIndication }
          events { seq type payload hash } } }`,
        org.key,
      ],
      [
        `{ trace(batchId: "${batch.id}", direction: DOWNSTREAM) {
          root { id } direction nodes { depth batch { id lotCode custodian { id } } } edges { fromBatchId toBatchId quantity }
          transformations { inputs { batchId quantity unit } outputs { quantity unit } yieldPercent } } }`,
        regulator.key,
      ],
      [
        `{ trace(batchId: "${batch.id}", direction: UPSTREAM) {
          nodes { batch { id product { id name storage gtin } custodian { id name kind uscc } coldChainStatus } } } }`,
        regulator.key,
      ],
      ['{ verifyLedger { valid checkedEntries reason } }', regulator.key],
      ['{ ledgerEntries(first: 1000) { seq type hash prevHash payload } }', regulator.key],
    ];
    for (const [query, key] of keyed) expect({ query, errors: (await post(app, query, key)).body.errors }).toEqual({ query, errors: undefined });
  });
});

/** Starts the app on a free port of 127.0.0.1 and gives the port. */
async function listen(app: INestApplication<App>): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return ((app.getHttpServer() as unknown as net.Server).address() as net.AddressInfo).port;
}

/** Sends `start`, then `unit` every 200 ms until the server closes the connection: what it answered, and how much was sent. */
function dribble(port: number, start: string, unit: string): Promise<{ answer: string; bytesSent: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(start));
    let answer = '';
    let bytesSent = start.length;
    const timer = setInterval(() => {
      if (socket.writable) {
        socket.write(unit);
        bytesSent += unit.length;
      }
    }, 200);
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, bytesSent });
    });
  });
}

/** Sends a request on the socket and gives the first bytes answered ('' if the socket closes without any). */
function firstAnswer(socket: net.Socket, requestText: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk) => resolve(chunk.toString()));
    socket.once('close', () => resolve(''));
    socket.on('error', () => undefined);
    socket.write(requestText);
  });
}

/** Sends a request on the socket and gives everything answered until the server closes it. */
function untilClosed(socket: net.Socket, requestText: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    socket.write(requestText);
  });
}
