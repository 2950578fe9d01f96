import { describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { isObjectType } from 'graphql';
import request from 'supertest';
import type { App } from 'supertest/types.js';
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
    const production = await createTestApp(service.db.url, { NODE_ENV: 'production' });
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
    const opened = await createTestApp(service.db.url, { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' });
    try {
      expect((await gql(opened, '{ __schema { queryType { name } } }')).errors).toBeUndefined();
      // With the schema open, suggestions are a help.
      expect((await gql(opened, misspellings[0][0])).errors?.[0].message).toMatch(/Did you mean "ledgerInfo"\?/);
    } finally {
      await opened.close();
    }
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
      ['200,000 aliases of __typename', aliased(200_000, '__typename'), undefined],
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
    // The 200,000 are refused as parsing reaches the token limit, not after parsing them all.
    expect((await post(app, floods[5][1])).body.errors[0].message).toMatch(/^the query has more than 50,000 tokens/);
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
