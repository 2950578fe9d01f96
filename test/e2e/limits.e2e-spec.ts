import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { createTestApp, gql, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { API_KEY_IDS, LEDGER_SIZE } from '../support/documents.js';

/** What keeps a broken or hostile client from hurting the service: query limits, rate limits, CSRF prevention, headers, production settings. */
describe('limits', () => {
  const service = useTestApp({ RATE_LIMIT_PER_KEY: '30', RATE_LIMIT_PUBLIC: '20' });

  it('refuses a query too costly before running it (the schema has no cycles, so depth is tested on its own in src/limits)', async () => {
    const { app } = service;
    const { org, batch } = await producerWithBatch(app);
    const alias = (i: number) => `s${i}: scan(code: "${batch.traceCode}") { productName timeline { bizStep place } }`;
    const aliases = `{ ${Array.from({ length: 600 }, (_, i) => alias(i)).join(' ')} }`;
    const tooCostly = await gql(app, aliases, undefined, org.key);
    expect(tooCostly.errors?.[0].extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX' });
    expect(tooCostly.errors?.[0].message).toMatch(/^the query asks for about \d+ fields .* at most 5000 are allowed$/);
    // A real query of the service is well within both.
    const trace = await gql(
      app,
      `{ trace(batchId: "${batch.id}", direction: DOWNSTREAM) {
          nodes { depth batch { id lotCode custodian { id name } } } edges { fromBatchId toBatchId quantity }
          transformations { inputs { batchId quantity unit } outputs { batchId quantity unit } yieldPercent } } }`,
      undefined,
      org.key,
    );
    expect(trace.errors).toBeUndefined();
  });

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
    } finally {
      await production.close();
    }
    const opened = await createTestApp(service.db.url, { NODE_ENV: 'production', PUBLIC_BASE_URL: 'https://suyuan.test', GRAPHQL_INTROSPECTION: 'true' });
    try {
      expect((await gql(opened, '{ __schema { queryType { name } } }')).errors).toBeUndefined();
    } finally {
      await opened.close();
    }
  });
});
