import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { seedDemo, type DemoSummary } from '../../src/demo/seed-demo.js';
import { rawBody, useTestApp } from '../support/test-app.js';

const SCAN_PAGE =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const STATIC_PAGE = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const EVERY_ANSWER = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** Each page route's policy, exactly, on the answers that carry it, and none where there was none. */
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

  it('gives the recalls page the static policy, and its feed none', async () => {
    expect((await get('/recalls')).headers).toMatchObject({ ...EVERY_ANSWER, 'content-security-policy': STATIC_PAGE });
    expect((await get('/recalls.atom')).headers['content-security-policy']).toBeUndefined();
  });

  it('gives the mock recall report the static policy as a page only: not as a PDF, not on a refusal', async () => {
    const id = demo.batches[0].id;
    const page = await get(`/reports/mock-recall/${id}.html`, { authorization: `Bearer ${regulatorKey}` });
    expect(page.status).toBe(200);
    expect(page.headers).toMatchObject({ ...EVERY_ANSWER, 'content-security-policy': STATIC_PAGE });
    const pdf = await get(`/reports/mock-recall/${id}.pdf`, { authorization: `Bearer ${regulatorKey}` });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-security-policy']).toBeUndefined();
    const refused = await get(`/reports/mock-recall/${id}.html`);
    expect(refused.status).toBe(401);
    expect(refused.headers['content-security-policy']).toBeUndefined();
  });

  it('sets no policy on other routes, and the common headers on every answer, unknown routes too', async () => {
    const checkpoint = await get('/ledger/checkpoint');
    expect(checkpoint.headers).toMatchObject(EVERY_ANSWER);
    expect(checkpoint.headers['content-security-policy']).toBeUndefined();
    expect((await get('/no-such-route')).headers).toMatchObject(EVERY_ANSWER);
  });
});
