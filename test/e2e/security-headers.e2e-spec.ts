import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { seedDemo, type DemoSummary } from '../../src/demo/seed-demo.js';
import { rawBody, useTestApp } from '../support/test-app.js';

const SCAN_PAGE =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const STATIC_PAGE = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const DEFAULT = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const GRAPHIQL =
  "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self' data:; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const CONSOLE =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const EVERY_ANSWER = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** Each page route's policy, exactly, on the answers that carry it; every other answer denies everything. */
describe('security headers', () => {
  const service = useTestApp();
  let demo: DemoSummary;
  let regulatorKey: string;
  const get = (path: string, headers: Record<string, string> = {}) => {
    const req = request(service.app.getHttpServer()).get(path);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.buffer(true).parse(rawBody);
  };

  beforeAll(async () => {
    demo = await seedDemo(service.app);
    regulatorKey = demo.organizations.find((o) => o.kind === 'REGULATOR')!.apiKey;
  });

  it('gives the batch page its policy on the page, the 304 and the unknown-code page', async () => {
    const code = demo.batches[0].traceCode;
    const page = await get(`/q/${code}`);
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject({ ...EVERY_ANSWER, 'content-security-policy': SCAN_PAGE, vary: 'accept-language' });
    const again = await get(`/q/${code}`, { 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.headers['content-security-policy']).toBe(SCAN_PAGE);
    const unknown = await get('/q/ABCDEFGHJKMN');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-security-policy']).toBe(SCAN_PAGE);
  });

  it('gives the recalls page the static policy, and its feed the default', async () => {
    expect((await get('/recalls')).headers).toMatchObject({ ...EVERY_ANSWER, 'content-security-policy': STATIC_PAGE });
    expect((await get('/recalls.atom')).headers['content-security-policy']).toBe(DEFAULT);
  });

  it('gives the mock recall report the static policy as a page, none as a PDF, the default on a refusal', async () => {
    const id = demo.batches[0].id;
    const page = await get(`/reports/mock-recall/${id}.html`, { authorization: `Bearer ${regulatorKey}` });
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject({ ...EVERY_ANSWER, 'content-security-policy': STATIC_PAGE });
    const pdf = await get(`/reports/mock-recall/${id}.pdf`, { authorization: `Bearer ${regulatorKey}` });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-security-policy']).toBeUndefined();
    const refused = await get(`/reports/mock-recall/${id}.html`);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-security-policy']).toBe(DEFAULT);
  });

  it('gives every HTML answer the app can give a policy that denies by default (table)', async () => {
    const gtin = '06901234567892'; // the demo's rice
    const table: [string, string, Record<string, string>, number, string][] = [
      ['the batch page', `/q/${demo.batches[0].traceCode}`, {}, 200, SCAN_PAGE],
      ['an unknown trace code', '/q/ABCDEFGHJKMN', {}, 404, SCAN_PAGE],
      ['a malformed trace code', '/q/%3Cscript%3E', {}, 404, SCAN_PAGE],
      ['Digital Link: an invalid GTIN', '/01/12345/10/LOT1', {}, 400, STATIC_PAGE],
      ['Digital Link: an unknown lot', `/01/${gtin}/10/NO-SUCH-LOT`, {}, 404, STATIC_PAGE],
      ['Digital Link with a serial: an unknown lot', `/01/${gtin}/10/NO-SUCH-LOT/21/7`, {}, 404, STATIC_PAGE],
      ['Digital Link: qualifiers out of order', `/01/${gtin}/21/7/10/LOT1`, {}, 400, STATIC_PAGE],
      ['Digital Link: a link type the product has not', `/01/${gtin}?linkType=gs1:epcis`, {}, 404, STATIC_PAGE],
      ['the product page of a GTIN', `/products/${gtin}`, {}, 200, STATIC_PAGE],
      ['the product page of an invalid GTIN', '/products/12345', {}, 400, STATIC_PAGE],
      ['the recalls page', '/recalls', {}, 200, STATIC_PAGE],
      ['the mock recall report', `/reports/mock-recall/${demo.batches[0].id}.html`, { authorization: `Bearer ${regulatorKey}` }, 200, STATIC_PAGE],
      ['GraphiQL (on outside production)', '/graphql', { accept: 'text/html' }, 200, GRAPHIQL],
      ['the console', '/console', {}, 200, CONSOLE],
    ];
    const wrong: string[] = [];
    for (const [label, path, headers, status, policy] of table) {
      const res = await get(path, headers);
      const got = { status: res.status, html: /^text\/html/.test(res.headers['content-type'] ?? ''), policy: res.headers['content-security-policy'] };
      if (got.status !== status || !got.html || got.policy !== policy) wrong.push(`${label} (${path}): ${JSON.stringify(got)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('gives every other answer, of every route and of none, errors included, the default policy and the common headers', async () => {
    // Every GET route the app serves (from Express's router), with placeholder parameters, anonymously and
    // with a key: whatever it answers (data, 4xx, Nest's 404), an HTML answer has a policy that denies by default,
    // and any other answer (a PDF excepted) at least the default one.
    const router = (service.app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } })
      .router;
    const routes = router.stack.flatMap((layer) => (layer.route?.methods.get ? [layer.route.path] : []));
    expect(routes.length).toBeGreaterThan(10);
    // Besides: no route, and a parameter Express cannot decode (its own error).
    const paths = [...routes.map((route) => route.replace(/:\w+/g, 'x')), '/no-such-route', '/q/x/no-such-thing', '/q/%E0%A4%A'];
    const wrong: string[] = [];
    for (const path of paths) {
      for (const headers of [{}, { authorization: `Bearer ${regulatorKey}` }, { authorization: 'Bearer not-a-key' }] as Record<string, string>[]) {
        const res = await get(path, headers);
        const policy = String(res.headers['content-security-policy'] ?? '');
        const type = String(res.headers['content-type'] ?? '');
        const common = Object.entries(EVERY_ANSWER).every(([name, value]) => res.headers[name] === value);
        const denies = policy.startsWith("default-src 'none'") && policy.includes("frame-ancestors 'none'");
        if (!common || (!denies && !type.startsWith('application/pdf'))) wrong.push(`${path} ${JSON.stringify(headers)}: ${res.status} ${type} "${policy}"`);
      }
    }
    expect(wrong).toEqual([]);
    // Refusals made before any route: a body too large, a malformed body, a rate limit are JSON with the default policy.
    const server = service.app.getHttpServer();
    const tooLarge = await request(server)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send(`{"query":"${'x'.repeat(100_000)}"}`);
    const malformed = await request(server).post('/graphql').set('content-type', 'application/json').send('{"query": ');
    for (const res of [tooLarge, malformed]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers).toMatchObject({ ...EVERY_ANSWER, 'content-security-policy': DEFAULT });
    }
  });
});
