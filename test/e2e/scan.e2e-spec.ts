import { describe, expect, it } from '@jest/globals';
import * as jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { verifierKeyFingerprint } from '../../src/ledger/signing-key.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { batchWithLongStory, createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, rawBody, useTestApp } from '../support/test-app.js';
import { ATTACH_CERTIFICATE, ATTEST_CERTIFICATE, RECORD_EVENT } from '../support/documents.js';
import { PAGE_MAX_BYTES } from '../../src/scan/batch-page.js';
import { PROOF_PAGE_MAX_BYTES } from '../../src/scan/proof-bundle.js';
import { PAGE_MEMBERS, PAGE_PROOF_MAX_BYTES, type PageProof } from '../../src/scan/page-proof.js';

// jsqr is CommonJS: its function arrives as the default export, however the ESM loader wraps it.
const jsQR = ((jsqr as unknown as { default: { default?: unknown } }).default.default ?? (jsqr as unknown as { default: unknown }).default) as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;
let gtins = 0;
function nextGtin(): string {
  const body = `69200000${String(++gtins).padStart(4, '0')}`;
  return `0${body}${gtinCheckDigit(body)}`;
}

const SCAN = `query($code: String!) { scan(code: $code) {
  traceCode productName category lotCode producer origin geographicIndication status coldChainStatus
  timeline { bizStep eventTime place organization } recall { level } verification { valid checkedEntries } } }`;

describe('consumer scan, labels and GS1 Digital Link', () => {
  // Behind a proxy, as in production: X-Forwarded-For tells clients apart.
  const service = useTestApp({ TRUST_PROXY: 'true' });

  async function riceChain() {
    const { app } = service;
    const coop = await createOrg(app, 'PRODUCER', '小站稻合作社');
    const field = await registerFacility(app, coop); // region 天津市宁河区
    const mill = await registerFacility(app, coop);
    const paddy = await registerProduct(app, coop, { name: '稻谷', geographicIndication: '小站稻' });
    const gtin = nextGtin();
    const rice = await registerProduct(app, coop, { name: '小站稻 大米', geographicIndication: '小站稻', gtin });
    const paddyBatch = await registerBatch(app, coop, paddy, field, { quantity: 1000, producedAt: '2026-10-06T02:00:00.000Z' });
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: {
          batchId: paddyBatch.id,
          bizStep: 'HARVESTING',
          eventTime: '2026-10-06T03:00:00.000Z',
          facilityId: field,
          quantity: 1000,
          details: { fieldName: '7 号田', harvestDate: '2026-10-06' },
        },
      },
      coop.key,
    );
    const out = await gqlOk(
      app,
      'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id traceCode lotCode } } }',
      {
        input: {
          facilityId: mill,
          eventTime: '2026-10-10T02:00:00.000Z',
          inputs: [{ batchId: paddyBatch.id, quantity: 1000 }],
          outputs: [{ productId: rice, lotCode: 'XZD-42/A', quantity: 700, unit: 'kg' }],
        },
      },
      coop.key,
    );
    return { coop, gtin, mill, batch: out.transformBatches.outputs[0] as { id: string; traceCode: string; lotCode: string } };
  }

  it('shows the public story of a batch, from the field, and that it verifies; an unknown code is null', async () => {
    const { app } = service;
    const { batch } = await riceChain();
    const { scan } = await gqlOk(app, SCAN, { code: ` ${batch.traceCode.toLowerCase()} ` });
    expect(scan).toMatchObject({
      traceCode: batch.traceCode,
      productName: '小站稻 大米',
      category: 'GRAIN',
      lotCode: 'XZD-42/A',
      producer: '小站稻合作社',
      origin: '天津市宁河区',
      geographicIndication: '小站稻',
      status: 'ACTIVE',
      coldChainStatus: 'NOT_APPLICABLE',
      recall: null,
      verification: { valid: true, checkedEntries: 1 },
    });
    expect(scan.timeline.map((e: { bizStep: string }) => e.bizStep)).toEqual(['COMMISSIONING', 'HARVESTING', 'TRANSFORMING', 'COMMISSIONING']);
    expect(scan.timeline[1]).toEqual({ bizStep: 'HARVESTING', eventTime: '2026-10-06T03:00:00.000Z', place: '天津市宁河区', organization: '小站稻合作社' });
    // Nothing private: no ids, quantities or keys anywhere in the answer.
    const text = JSON.stringify(scan);
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(text).not.toMatch(/quantity|700|sy_/);
    expect((await gqlOk(app, SCAN, { code: 'ZZZZZZZZZZZZ' })).scan).toBeNull();
    expect((await gqlOk(app, SCAN, { code: "' OR 1=1 --" })).scan).toBeNull();
  });

  /** The text a label's QR code decodes to, and the answer it came in. */
  async function labelQr(path: string, key: string) {
    const res = await request(service.app.getHttpServer()).get(path).set('authorization', `Bearer ${key}`).buffer(true).parse(rawBody);
    expect(res.status).toBe(200);
    const image = PNG.sync.read(res.body as Buffer);
    return { qr: jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data, headers: res.headers };
  }

  it('prints a QR label that decodes to the GS1 Digital Link for a GTIN product, or to the page, for the producer only', async () => {
    const { app } = service;
    const { coop, batch, gtin, mill } = await riceChain();
    const server = app.getHttpServer();
    // The fragment pins the ledger's key (LEDGER-SPEC §4.1); the browser never sends it to the server, and keeps it through the redirect.
    const pin = verifierKeyFingerprint((await gqlOk(app, '{ ledgerInfo { verifierKey } }')).ledgerInfo.verifierKey);
    const digital = await labelQr(`/labels/${batch.traceCode}.png`, coop.key);
    expect(digital.headers['content-type']).toBe('image/png');
    expect(digital.qr).toBe(`http://localhost:3000/01/${gtin}/10/XZD-42%2FA#k=${pin}`);
    expect(digital.headers['label-link']).toBe('digital');
    expect(digital.headers['label-link-fallback']).toBeUndefined();
    expect((await labelQr(`/labels/${batch.traceCode}.png?link=digital`, coop.key)).qr).toBe(digital.qr);
    // What a GS1 scanner opens resolves to the batch's page.
    const resolved = await request(server).get(new URL(digital.qr!).pathname);
    expect(resolved.status).toBe(307);
    expect(resolved.headers.location).toMatch(new RegExp(`/q/${batch.traceCode}(\\?|$)`));
    // The page URL when asked for.
    const page = await labelQr(`/labels/${batch.traceCode}.png?link=page`, coop.key);
    expect(page.qr).toBe(`http://localhost:3000/q/${batch.traceCode}#k=${pin}`);
    expect(page.headers['label-link']).toBe('page');

    const svg = await request(server).get(`/labels/${batch.traceCode}.svg`).set('authorization', `Bearer ${coop.key}`).buffer(true).parse(rawBody);
    expect(svg.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect((svg.body as Buffer).toString()).toMatch(/^<svg/);

    // A product without a GTIN: the page URL, and no Digital Link to ask for.
    const loose = await registerBatch(app, coop, await registerProduct(app, coop, { name: '散装稻谷' }), mill, { lotCode: '批次 2026-10' });
    const plain = await labelQr(`/labels/${loose.traceCode}.png`, coop.key);
    expect(plain.qr).toBe(`http://localhost:3000/q/${loose.traceCode}#k=${pin}`);
    expect(plain.headers['label-link']).toBe('page');
    expect(plain.headers['label-link-fallback']).toBeUndefined();
    const none = await request(server).get(`/labels/${loose.traceCode}.png?link=digital`).set('authorization', `Bearer ${coop.key}`);
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.body)).toContain(`the product of batch ${loose.traceCode} has no GTIN, so it has no GS1 Digital Link`);
    const bad = await request(server).get(`/labels/${batch.traceCode}.png?link=gs1`).set('authorization', `Bearer ${coop.key}`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('link must be \\"digital\\" (the GS1 Digital Link) or \\"page\\" (the page URL)');

    const stranger = await createOrg(app);
    expect((await request(server).get(`/labels/${batch.traceCode}.png`).set('authorization', `Bearer ${stranger.key}`)).status).toBe(403);
    expect((await request(server).get(`/labels/${batch.traceCode}.png`)).status).toBe(401);
    expect((await request(server).get('/labels/nope.png').set('authorization', `Bearer ${coop.key}`)).status).toBe(400);
    // It decodes a dozen 600-pixel QR images in JavaScript: on a loaded machine, past the default minute.
  }, 180_000);

  it("percent-encodes a lot's GS1 characters in the Digital Link, which resolves to the lot", async () => {
    const { app } = service;
    const { coop, mill } = await riceChain();
    const lotCode = `A!"%&'()*+,/:;<=>?_.`;
    const product = await registerProduct(app, coop, { name: '小站稻 礼盒', gtin: nextGtin() });
    const lot = await registerBatch(app, coop, product, mill, { lotCode });
    const { qr } = await labelQr(`/labels/${lot.traceCode}.png`, coop.key);
    const url = new URL(qr!);
    expect(url.pathname).toBe(`/01/${url.pathname.split('/')[2]}/10/A%21%22%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F_.`);
    expect(decodeURIComponent(url.pathname.split('/')[4])).toBe(lotCode);
    const resolved = await request(app.getHttpServer()).get(url.pathname);
    expect(resolved.status).toBe(307);
    expect(resolved.headers.location).toMatch(new RegExp(`/q/${lot.traceCode}(\\?|$)`));
  });

  it('prints the page URL, saying why, for an existing lot of a GTIN product that breaks AI (10); never an invalid Digital Link', async () => {
    const { app } = service;
    const { coop, batch } = await riceChain();
    // A lot registered before the rule: its code has a space and a Chinese character.
    await app.get(DataSource).query('UPDATE batch SET lot_code = $1 WHERE id = $2', ['XZD 42 批', batch.id]);
    const pin = verifierKeyFingerprint((await gqlOk(app, '{ ledgerInfo { verifierKey } }')).ledgerInfo.verifierKey);
    const label = await labelQr(`/labels/${batch.traceCode}.png`, coop.key);
    expect(label.qr).toBe(`http://localhost:3000/q/${batch.traceCode}#k=${pin}`);
    expect(label.headers['label-link']).toBe('page');
    expect(label.headers['label-link-fallback']).toBe(
      `the lot code of batch ${batch.traceCode} is not a GS1 AI (10) lot (U+0020 at position 4 is not one of letters, digits and ` +
        `! " % & ' ( ) * + , - . / : ; < = > ? _), so it has no valid GS1 Digital Link: the label carries the page URL`,
    );
    const refused = await request(app.getHttpServer()).get(`/labels/${batch.traceCode}.png?link=digital`).set('authorization', `Bearer ${coop.key}`);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain(`the lot code of batch ${batch.traceCode} is not a GS1 AI (10) lot`);
    expect(JSON.stringify(refused.body)).toContain('print its label with link=page');
  });

  it('registers a lot outside AI (10) for a product without a GTIN, and refuses it, naming lotCode and the rule, for one with', async () => {
    const { app } = service;
    const { coop, mill } = await riceChain();
    const withGtin = await registerProduct(app, coop, { name: '小站稻 真空包', gtin: nextGtin() });
    const without = await registerProduct(app, coop, { name: '小站稻 散装' });
    const REGISTER = 'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id lotCode } }';
    for (const lotCode of ['XZD 42', 'X'.repeat(21), '批次42', 'XZD#42']) {
      const input = { facilityId: mill, lotCode, quantity: 10, unit: 'kg', producedAt: '2026-10-06T08:00:00.000Z' };
      const refused = await gql(app, REGISTER, { input: { ...input, productId: withGtin } }, coop.key);
      expect(refused.data).toBeNull();
      expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(refused.errors?.[0].message).toMatch(
        /^lotCode: the product has a GTIN, so its lot code is GS1's AI \(10\): (at most 20 characters, got 21|U\+[0-9A-F]{4} at position \d+ is not one of letters, digits and)/,
      );
      expect((await gqlOk(app, REGISTER, { input: { ...input, productId: without } }, coop.key)).registerBatch.lotCode).toBe(lotCode);
    }
  });

  it('resolves GS1 Digital Link URIs to the page (307), with clear pages for a bad GTIN or an unknown lot', async () => {
    const { app } = service;
    const { batch, gtin } = await riceChain();
    const server = app.getHttpServer();
    const found = await request(server).get(`/01/${gtin}/10/${encodeURIComponent(batch.lotCode)}`);
    expect(found.status).toBe(307);
    expect(found.headers.location).toBe(`/q/${batch.traceCode}`);
    expect((await request(server).get(`/01/${gtin.slice(1)}/10/${encodeURIComponent(batch.lotCode)}/21/0001`)).headers.location).toBe(`/q/${batch.traceCode}`);
    const bad = await request(server).get('/01/6920000000013/10/X');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Invalid GTIN');
    const unknown = await request(server).get(`/01/${gtin}/10/NO-SUCH-LOT`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('NO-SUCH-LOT');
    const hostile = await request(server).get(`/01/${gtin}/10/${encodeURIComponent('<script>x</script>')}`);
    expect(hostile.text).not.toContain('<script>x');
  });

  it('serves a self-contained bilingual page, with a 304 for an unchanged batch and a friendly page for an unknown code', async () => {
    const { app } = service;
    const { batch } = await riceChain();
    const server = app.getHttpServer();
    const zh = await request(server).get(`/q/${batch.traceCode}`);
    expect(zh.status).toBe(200);
    expect(zh.headers['content-type']).toMatch(/^text\/html/);
    expect(zh.headers['content-security-policy']).toContain("default-src 'none'");
    expect(zh.text).toContain('<html lang="zh-CN">');
    expect(zh.text).toContain('小站稻 大米');
    expect(zh.text).toContain('收获');
    // The server says what it checked; "verified" is left to the check on the phone.
    expect(zh.text).toContain('服务器已核对本批次 1 条账本记录');
    expect(zh.text).toContain('<dt>抽检</dt><dd data-fact="inspections">无抽检记录</dd>');
    expect(zh.text).not.toMatch(/https?:\/\/(?!localhost)/); // nothing fetched from elsewhere
    expect(Buffer.byteLength(zh.text)).toBeLessThan(100 * 1024);

    const again = await request(server).get(`/q/${batch.traceCode}`).set('if-none-match', zh.headers.etag);
    expect(again.status).toBe(304);
    const en = await request(server).get(`/q/${batch.traceCode}`).set('accept-language', 'en-GB,en;q=0.9');
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Harvested');
    expect(en.headers.etag).not.toBe(zh.headers.etag);
    const english = (await request(server).get(`/q/${batch.traceCode}?lang=en`)).text;
    expect(english).toContain("The service found the hashes and links of this batch's 1 ledger entries intact");
    expect(english).not.toMatch(/verified/i);

    const unknown = await request(server).get('/q/ZZZZZZZZZZZZ');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Code not found');
  });

  it('shows a GI and certificates as the producer’s declaration until a regulator or certification body attests them, naming who vouches', async () => {
    const { app } = service;
    const { coop, batch } = await riceChain();
    const server = app.getHttpServer();
    const productId = (await gqlOk(app, 'query($id: ID!) { batch(id: $id) { product { id } } }', { id: batch.id }, coop.key)).batch.product.id;
    const certificate = (input: Record<string, unknown>) => ({
      validFrom: '2020-01-01T00:00:00.000Z',
      validUntil: '2030-01-01T00:00:00.000Z',
      documentSha256: 'ab'.repeat(32),
      ...input,
    });
    const gi = certificate({ productId, kind: 'GEOGRAPHIC_INDICATION', number: 'AGI00123', issuer: '农业农村部', protectedName: '小站稻' });
    const organic = certificate({ batchId: batch.id, kind: 'ORGANIC', number: '12345678901234567', issuer: '中绿华夏有机产品认证中心' });
    const ownGi = (await gqlOk(app, ATTACH_CERTIFICATE, { input: gi }, coop.key)).attachCertificate.id;
    const ownOrganic = (await gqlOk(app, ATTACH_CERTIFICATE, { input: organic }, coop.key)).attachCertificate.id;
    const page = async (lang: 'zh' | 'en') => (await request(server).get(`/q/${batch.traceCode}?lang=${lang}`)).text;
    const claims = async () =>
      (
        await gqlOk(
          app,
          `query($id: ID!) { batch(id: $id) {
            certificates { kind standing issuer recordedBy { name } attestedBy { name kind } }
            product { geographicIndicationVerified geographicIndicationStanding } } }`,
          { id: batch.id },
          coop.key,
        )
      ).batch;

    // The producer's word alone: declared, nowhere "certified".
    const standing = async () =>
      (await gqlOk(app, 'query($c: String!) { scan(code: $c) { geographicIndication geographicIndicationStanding } }', { c: batch.traceCode })).scan;
    expect(await standing()).toEqual({ geographicIndication: '小站稻', geographicIndicationStanding: 'DECLARED' });
    const declaredEn = await page('en');
    expect(declaredEn).toContain(
      '<p class="gi gi-declared" data-fact="gi" data-value="小站稻|DECLARED">Geographic indication: 小站稻 · declared by the producer, not attested</p>',
    );
    expect(declaredEn).toContain('declared by the producer 小站稻合作社, not attested (the certificate names 中绿华夏有机产品认证中心 as issuer)');
    expect(declaredEn).not.toMatch(/certified/i);
    const declaredZh = await page('zh');
    expect(declaredZh).toContain('地理标志：小站稻 · 生产者自行声明，未经认证机构核验');
    expect(declaredZh).not.toContain('已认证');
    expect(await claims()).toEqual({
      certificates: [
        { kind: 'GEOGRAPHIC_INDICATION', standing: 'DECLARED', issuer: '农业农村部', recordedBy: { name: '小站稻合作社' }, attestedBy: null },
        { kind: 'ORGANIC', standing: 'DECLARED', issuer: '中绿华夏有机产品认证中心', recordedBy: { name: '小站稻合作社' }, attestedBy: null },
      ],
      product: { geographicIndicationVerified: false, geographicIndicationStanding: 'DECLARED' },
    });

    // A certification body attests the organic certificate, the regulator the GI registration.
    const certifier = await createOrg(app, 'CERTIFIER', '中绿华夏有机产品认证中心');
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    expect(
      (await gqlOk(app, ATTEST_CERTIFICATE, { input: { certificateId: ownOrganic, documentSha256: 'ab'.repeat(32) } }, certifier.key)).attestCertificate,
    ).toEqual({
      id: ownOrganic,
      standing: 'ATTESTED',
    });
    await gqlOk(app, ATTEST_CERTIFICATE, { input: { certificateId: ownGi, documentSha256: 'ab'.repeat(32) } }, regulator.key);

    expect(await standing()).toEqual({ geographicIndication: '小站稻', geographicIndicationStanding: 'ATTESTED' });
    const attestedEn = await page('en');
    expect(attestedEn).toContain('<p class="gi gi-attested ok" data-fact="gi" data-value="小站稻|ATTESTED">Geographic indication: 小站稻 · certified</p>');
    expect(attestedEn).toContain('certified: attested by 中绿华夏有机产品认证中心 (the certificate names 中绿华夏有机产品认证中心 as issuer)');
    expect(attestedEn).toContain('certified: attested by 天津市市场监督管理局 (the certificate names 农业农村部 as issuer)');
    expect(attestedEn).not.toContain('not attested');
    expect(await page('zh')).toContain('地理标志：小站稻 · 已认证');
    expect(await claims()).toMatchObject({
      certificates: [
        { standing: 'ATTESTED', attestedBy: { name: '天津市市场监督管理局', kind: 'REGULATOR' } },
        { standing: 'ATTESTED', attestedBy: { name: '中绿华夏有机产品认证中心', kind: 'CERTIFIER' } },
      ],
      product: { geographicIndicationVerified: true, geographicIndicationStanding: 'ATTESTED' },
    });
  });

  /** A lot of `quantity` boxes, and the scan token its page carries today. */
  async function boxedLot(quantity: number) {
    const { app } = service;
    const org = await createOrg(app);
    const facility = await registerFacility(app, org);
    const product = await registerProduct(app, org);
    const batch = await registerBatch(app, org, product, facility, { quantity, unit: 'box' });
    const page = await request(app.getHttpServer()).get(`/q/${batch.traceCode}`);
    const token = /data-token="([\w-]+)"/.exec(page.text)![1];
    return { batch, token };
  }

  const scanPost = (code: string, token: string | null, client = '203.0.113.10', headers: Record<string, string> = {}) => {
    const req = request(service.app.getHttpServer()).post(`/q/${code}/scans`).set('x-forwarded-for', client);
    if (token !== null) req.set('x-scan-token', token);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req;
  };

  const countedScans = async (batchId: string) =>
    Number((await service.app.get(DataSource).query('SELECT coalesce(sum(count), 0) AS n FROM scan_count WHERE batch_id = $1', [batchId]))[0].n);

  it('refuses scan posts without the page token or from another site: 100 of them do not move the count', async () => {
    const { batch, token } = await boxedLot(1000);
    const other = await boxedLot(1000);
    const refused = [
      ...Array.from({ length: 25 }, (_, i) => scanPost(batch.traceCode, null, `198.51.100.${i}`)),
      ...Array.from({ length: 25 }, (_, i) => scanPost(batch.traceCode, other.token, `198.51.100.${50 + i}`)),
      ...Array.from({ length: 25 }, (_, i) => scanPost(batch.traceCode, token, `198.51.100.${100 + i}`, { origin: 'https://evil.example' })),
      ...Array.from({ length: 25 }, (_, i) => scanPost(batch.traceCode, token, `198.51.100.${150 + i}`, { 'sec-fetch-site': 'cross-site' })),
    ];
    const answers = await Promise.all(refused);
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(403));
    expect(answers[0].body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCAN_TOKEN_INVALID' });
    expect(answers[25].body.errors[0].extensions.reason).toBe('SCAN_TOKEN_INVALID');
    expect(answers[50].body.errors[0].extensions.reason).toBe('CROSS_SITE_REQUEST');
    expect(answers[75].body.errors[0].extensions.reason).toBe('CROSS_SITE_REQUEST');
    expect(await countedScans(batch.id)).toBe(0);

    // The page's own script: its token, from its own origin.
    const own = await scanPost(batch.traceCode, token, '198.51.100.200', { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ scans: 1, days: 1, counted: true, plausible: true });
    expect((await scanPost('ZZZZZZZZZZZZ', token)).status).toBe(404);
  });

  it('counts a client once a day, whatever it posts, and a lot at most a third of its ceiling a day; nothing about clients is stored', async () => {
    const { batch, token } = await boxedLot(3); // ceiling 100 scans, so at most 34 a day
    const first = await scanPost(batch.traceCode, token, '192.0.2.1');
    expect(first.body).toMatchObject({ scans: 1, counted: true });
    expect(first.body.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (let i = 0; i < 20; i++) expect((await scanPost(batch.traceCode, token, '192.0.2.1')).body).toMatchObject({ scans: 1, counted: false });
    // One IPv6 subscriber (a /64) is one client, whichever of its addresses it posts from.
    for (const address of ['2001:db8:7:7::1', '2001:db8:7:7::2', '2001:db8:7:7:abcd::1', '2001:db8:7:7:ffff:ffff:ffff:ffff']) {
      await scanPost(batch.traceCode, token, address);
    }
    expect(await countedScans(batch.id)).toBe(2);
    for (let i = 0; i < 50; i++) await scanPost(batch.traceCode, token, `192.0.2.${100 + i}`);
    expect(await countedScans(batch.id)).toBe(34);
    const stored = await service.app.get(DataSource).query('SELECT * FROM scan_count WHERE batch_id = $1', [batch.id]);
    expect(Object.keys(stored[0]).sort()).toEqual(['batch_id', 'count', 'day']);
    expect(JSON.stringify(stored)).not.toContain('192.0.2');
  });

  it('calls a count unusual only past the ceiling on at least three days, never from one day however large', async () => {
    const { batch, token } = await boxedLot(3); // ceiling 100
    const db = service.app.get(DataSource);
    await db.query(`INSERT INTO scan_count (batch_id, day, count) VALUES ($1, '2026-01-01', 5000)`, [batch.id]);
    expect((await scanPost(batch.traceCode, token, '192.0.2.1')).body).toMatchObject({ scans: 5001, days: 2, since: '2026-01-01', plausible: true });
    await db.query(`INSERT INTO scan_count (batch_id, day, count) VALUES ($1, '2026-01-02', 1)`, [batch.id]);
    expect((await scanPost(batch.traceCode, token, '192.0.2.2')).body).toMatchObject({ scans: 5003, days: 3, plausible: false });

    const quiet = await boxedLot(3);
    await db.query(`INSERT INTO scan_count (batch_id, day, count) VALUES ($1, '2026-01-01', 30), ($1, '2026-01-02', 30), ($1, '2026-01-03', 30)`, [
      quiet.batch.id,
    ]);
    expect((await scanPost(quiet.batch.traceCode, quiet.token, '192.0.2.1')).body).toMatchObject({ scans: 91, days: 4, plausible: true });
  });

  it('keeps the page and every proof page under a fixed size for a lot of thousands of events, and the proof pages chain to the whole story', async () => {
    const { app } = service;
    const batch = await batchWithLongStory(app, 3000);
    const server = app.getHttpServer();

    const page = await request(server).get(`/q/${batch.traceCode}?lang=en`);
    expect(page.status).toBe(200);
    expect(Buffer.byteLength(page.text)).toBeLessThan(PAGE_MAX_BYTES);
    expect(page.text).toContain('3001 events in all; shown here are 12 key steps');
    // The steps it does not list are counted by kind.
    expect(page.text).toContain('Stored × 3,000 · Registered × 1\n<a');
    expect(page.text).toContain(`href="/q/${batch.traceCode}/events?page=31&amp;lang=en"`);
    const events = await request(server).get(`/q/${batch.traceCode}/events?page=31&lang=en`);
    expect(events.status).toBe(200);
    expect(Buffer.byteLength(events.text)).toBeLessThan(PAGE_MAX_BYTES);
    expect(events.text).toContain('page 31 of 31');
    expect(events.text).toContain('not checked on this device');
    expect(events.headers['content-security-policy']).toContain("default-src 'none'");
    expect(events.text.match(/<li>/g)).toHaveLength(1);
    expect((await request(server).get(`/q/${batch.traceCode}/events?page=2`)).text.match(/<li>/g)).toHaveLength(100);
    expect((await request(server).get(`/q/${batch.traceCode}/events?page=32`)).status).toBe(404);
    expect((await request(server).get(`/q/${batch.traceCode}/events?page=0`)).status).toBe(400);

    // What the page's script checks: the entries behind the page, whatever the story's length.
    const pageProof = await request(server).get(`/q/${batch.traceCode}/proof.json`);
    expect(pageProof.status).toBe(200);
    expect(Buffer.byteLength(pageProof.text)).toBeLessThan(PAGE_PROOF_MAX_BYTES);
    const shown = pageProof.body as PageProof;
    expect(shown.batchEntries).toBe(3001);
    // The registrations of the lot, its product, producer and origin facility, and the 12 key steps' entries.
    expect(shown.entries.map((e) => e.type).sort()).toEqual(
      ['BATCH_REGISTERED', 'FACILITY_REGISTERED', 'ORGANIZATION_REGISTERED', 'PRODUCT_REGISTERED', ...Array(11).fill('EVENT_RECORDED')].sort(),
    );
    for (const e of shown.entries) expect(e.disclosed!.map((m) => m.name).every((name) => PAGE_MEMBERS[e.type].includes(name))).toBe(true);
    expect(JSON.stringify(shown)).not.toMatch(/"(payload|details|readings)"/);
    // Shared proof nodes are sent once.
    expect(new Set(shown.nodes).size).toBe(shown.nodes.length);

    let proof = await request(server).get(`/q/${batch.traceCode}/chain.json`);
    expect(proof.body).toMatchObject({ total: 3001, next: expect.stringMatching(/^\/q\/\w+\/chain\.json\?after=\d+&through=\d+$/) });
    expect(proof.body.inclusion.leafIndex).toBe(proof.body.through - 1);
    const seqs: number[] = [];
    let pages = 0;
    for (;;) {
      pages++;
      expect(proof.status).toBe(200);
      expect(Buffer.byteLength(proof.text)).toBeLessThan(PROOF_PAGE_MAX_BYTES);
      seqs.push(...proof.body.entries.map((e: { seq: number }) => e.seq));
      if (!proof.body.next) break;
      proof = await request(server).get(proof.body.next);
    }
    expect(pages).toBe(8);
    expect(seqs).toHaveLength(3001);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(JSON.stringify(proof.body)).not.toMatch(/"(payload|salt)"/);
    // A page's bounds are checked.
    for (const query of ['after=5', 'through=5', 'after=5&through=5', 'after=-1&through=5', 'after=1e3&through=5000']) {
      expect((await request(server).get(`/q/${batch.traceCode}/chain.json?${query}`)).status).toBe(400);
    }
  });

  it('answers for a lot of 10,000 events about what it does for a lot of ten: scan, page and proof bounded, every event once in the pages', async () => {
    const { app } = service;
    const server = app.getHttpServer();
    const [ten, long] = [await batchWithLongStory(app, 10), await batchWithLongStory(app, 10_000)];
    // What a phone shows: the facts, the verdicts and the story's first page.
    const SCAN = `query($code: String!) { scan(code: $code) { productName producer origin lotCode status coldChainStatus recall { level reason }
      timelineTotal timeline { bizStep eventTime place organization cursor } verification { valid checkedEntries } } }`;
    const sizes = async (code: string) => {
      const scan = await request(server).post('/graphql').send({ query: SCAN, variables: { code } });
      const page = await request(server).get(`/q/${code}?lang=en`);
      const proof = await request(server).get(`/q/${code}/proof.json`);
      expect([scan.body.errors, page.status, proof.status]).toEqual([undefined, 200, 200]);
      return { scan: Buffer.byteLength(scan.text), page: Buffer.byteLength(page.text), proof: Buffer.byteLength(proof.text), body: scan.body.data.scan };
    };
    const small = await sizes(ten.traceCode);
    const big = await sizes(long.traceCode);
    expect(big.body.timelineTotal).toBe(10_001);
    expect(big.body.verification).toEqual({ valid: true, checkedEntries: 10_001 });
    // The scan's first page is 50 events however long the story (the lot of ten shows its 11); the page and its proof hardly differ.
    expect(big.scan).toBeLessThan(12_000);
    expect(big.page).toBeLessThan(small.page * 1.5);
    expect(big.page).toBeLessThan(PAGE_MAX_BYTES);
    expect(big.proof).toBeLessThan(small.proof * 1.5);
    expect(big.proof).toBeLessThan(PAGE_PROOF_MAX_BYTES);

    // The page's "every event" pages: 101 of at most 100, each event on exactly one, oldest first.
    const page1 = await request(server).get(`/q/${long.traceCode}?lang=en`);
    expect(page1.text).toContain(`href="/q/${long.traceCode}/events?page=101&amp;lang=en"`);
    const items: string[] = [];
    for (let n = 1; n <= 101; n++) {
      const events = await request(server).get(`/q/${long.traceCode}/events?page=${n}&lang=en`);
      expect(events.status).toBe(200);
      expect(Buffer.byteLength(events.text)).toBeLessThan(PAGE_MAX_BYTES);
      items.push(...(events.text.match(/<li><b>[^<]*<\/b> <span class="muted">[^<]*<\/span>/g) ?? []));
    }
    expect((await request(server).get(`/q/${long.traceCode}/events?page=102`)).status).toBe(404);
    expect(items).toHaveLength(10_001);
    const stored = items.filter((item) => item.includes('<b>Stored</b>'));
    expect(stored).toHaveLength(10_000);
    expect(new Set(stored).size).toBe(10_000); // a minute apart: each shown once

    // The scan's timeline by cursor, 500 at a time (with a key: the anonymous budget allows fewer): the same 10,001 events once each, in order.
    const reader = await createOrg(app, 'RETAILER');
    const TIMES = `query($code: String!, $after: String) { scan(code: $code) { timeline(first: 500, after: $after) { eventTime cursor } } }`;
    const times: string[] = [];
    for (let after: string | null = null; ;) {
      const page: { eventTime: string; cursor: string }[] = (await gqlOk(app, TIMES, { code: long.traceCode, after }, reader.key)).scan.timeline;
      if (page.length === 0) break;
      times.push(...page.map((e) => e.eventTime));
      after = page.at(-1)!.cursor;
    }
    expect(times).toHaveLength(10_001);
    expect(times.slice(1)).toEqual(Array.from({ length: 10_000 }, (_, i) => new Date(Date.parse('2026-10-07T00:00:00Z') + i * 60_000).toISOString()));
  });

  it('answers an anonymous scan of a lot of thousands of events in bounded pages: the total, then every event once, in order, by cursor', async () => {
    const { app } = service;
    const batch = await batchWithLongStory(app, 3000);
    const server = app.getHttpServer();
    const PAGE = `query($code: String!, $first: Int, $after: String) { scan(code: $code) {
      timelineTotal timeline(first: $first, after: $after) { bizStep eventTime place organization cursor } } }`;
    // Within the anonymous budget: 200 events of two fields each.
    const TIMES = `query($code: String!, $after: String) { scan(code: $code) { timeline(first: 200, after: $after) { eventTime cursor } } }`;
    const anonymous = (variables: Record<string, unknown>, query = PAGE) => request(server).post('/graphql').send({ query, variables });

    // The default answer: the first 50 of 3,001 events, in a few kilobytes (the whole story is about 350 KB).
    const first = await anonymous({ code: batch.traceCode });
    expect(first.body.errors).toBeUndefined();
    expect(Buffer.byteLength(first.text)).toBeLessThan(12_000);
    expect(first.body.data.scan.timelineTotal).toBe(3001);
    expect(first.body.data.scan.timeline).toHaveLength(50);
    expect(first.body.data.scan.timeline[0].bizStep).toBe('COMMISSIONING');

    const times: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res = await anonymous({ code: batch.traceCode, after }, TIMES);
      expect(res.body.errors).toBeUndefined();
      expect(Buffer.byteLength(res.text)).toBeLessThan(40_000);
      const page = res.body.data.scan.timeline as { eventTime: string; cursor: string }[];
      if (page.length === 0) break;
      pages++;
      times.push(...page.map((e) => e.eventTime));
      after = page.at(-1)!.cursor;
    }
    expect(pages).toBe(16);
    expect(times).toHaveLength(3001);
    expect(new Set(times).size).toBe(3001);
    expect(times.slice(1)).toEqual(Array.from({ length: 3000 }, (_, i) => new Date(Date.parse('2026-10-07T00:00:00Z') + i * 60_000).toISOString()));
    // The default page served from the cached scan is the same as the one read by cursor.
    const again = await anonymous({ code: batch.traceCode });
    expect(again.body.data.scan.timeline).toEqual(first.body.data.scan.timeline);

    // Past the maximum (asked with a key: without one, the query's cost refuses it first), or with a cursor
    // this service did not give, the answer says which argument is wrong.
    const someone = await createOrg(app, 'RETAILER');
    const tooMany = await gql(app, PAGE, { code: batch.traceCode, first: 501 }, someone.key);
    expect(tooMany.data?.scan).toBeNull();
    expect(tooMany.errors).toEqual([
      expect.objectContaining({
        message: 'first must be from 1 to 500, got 501: page through the timeline with after',
        path: ['scan', 'timeline'],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
      }),
    ]);
    for (const bad of ['not-a-cursor', Buffer.from('seq:999999999').toString('base64url')]) {
      const res = await anonymous({ code: batch.traceCode, after: bad });
      expect(res.body.errors?.[0]).toMatchObject({
        message: 'after must be the cursor of an event of this timeline, as a previous page gave it',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    }
  });

  it('keeps paging steady when an event is recorded between two pages: none repeated, none skipped', async () => {
    const { app } = service;
    const { coop, mill, batch } = await riceChain();
    const PAGE = `query($code: String!, $after: String) { scan(code: $code) { timelineTotal timeline(first: 2, after: $after) { bizStep cursor } } }`;
    const one = (await gqlOk(app, PAGE, { code: batch.traceCode })).scan;
    expect(one.timeline.map((e: { bizStep: string }) => e.bizStep)).toEqual(['COMMISSIONING', 'HARVESTING']);
    // An event dated before the cursor's: an offset would now show HARVESTING again.
    await gqlOk(app, RECORD_EVENT, { input: { batchId: batch.id, bizStep: 'STORING', eventTime: '2026-10-06T02:30:00.000Z', facilityId: mill } }, coop.key);
    const two = (await gqlOk(app, PAGE, { code: batch.traceCode, after: one.timeline[1].cursor })).scan;
    expect(two.timelineTotal).toBe(5);
    expect(two.timeline.map((e: { bizStep: string }) => e.bizStep)).toEqual(['TRANSFORMING', 'COMMISSIONING']);
  });

  /** A label sheet as a printer and a reader see it: its text, the QR code of its only label, its headers. */
  async function sheetOf(query: string, key: string) {
    const pdf = await request(service.app.getHttpServer()).get(`/labels/sheet.pdf?${query}`).set('authorization', `Bearer ${key}`).buffer(true).parse(rawBody);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'suyuan-sheet-'));
    try {
      writeFileSync(join(dir, 'sheet.pdf'), pdf.body as Buffer);
      // Debian's poppler-utils (installed by .ci/run): what a printer would see, and the text a reader extracts.
      execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', join(dir, 'sheet.pdf'), join(dir, 'sheet')]);
      const text = execFileSync('pdftotext', [join(dir, 'sheet.pdf'), '-']).toString();
      const image = PNG.sync.read(readFileSync(join(dir, 'sheet.png')));
      return { text, qr: jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data, headers: pdf.headers };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('prints an A4 PDF sheet of labels whose QR codes and text read back: the Digital Link for a GTIN product, the page otherwise', async () => {
    const { app } = service;
    const { coop, batch, gtin, mill } = await riceChain();
    const second = (await riceChain()).batch; // another producer's batch
    const server = app.getHttpServer();
    expect(
      (await request(server).get(`/labels/sheet.pdf?traceCodes=${batch.traceCode},${second.traceCode}`).set('authorization', `Bearer ${coop.key}`)).status,
    ).toBe(403);
    const pin = verifierKeyFingerprint((await gqlOk(app, '{ ledgerInfo { verifierKey } }')).ledgerInfo.verifierKey);
    const sheet = await sheetOf(`traceCodes=${batch.traceCode}`, coop.key);
    expect(sheet.text).toContain(batch.traceCode);
    expect(sheet.text).toContain('小站稻 大米');
    expect(sheet.text).toContain('XZD-42/A');
    expect(sheet.text).not.toContain('Page URL');
    expect(sheet.qr).toBe(`http://localhost:3000/01/${gtin}/10/XZD-42%2FA#k=${pin}`);
    expect(sheet.headers['label-link-fallback']).toBeUndefined();
    expect((await sheetOf(`traceCodes=${batch.traceCode}&link=page`, coop.key)).qr).toBe(`http://localhost:3000/q/${batch.traceCode}#k=${pin}`);

    // Without a GTIN, the page; an existing lot of a GTIN product outside AI (10), the page, saying why under the label and in a header.
    const loose = await registerBatch(app, coop, await registerProduct(app, coop, { name: '散装稻谷' }), mill, { lotCode: '批次 2026-10' });
    const plain = await sheetOf(`traceCodes=${loose.traceCode}`, coop.key);
    expect(plain.qr).toBe(`http://localhost:3000/q/${loose.traceCode}#k=${pin}`);
    expect(plain.text).not.toContain('Page URL');
    expect(plain.headers['label-link-fallback']).toBeUndefined();
    await app.get(DataSource).query('UPDATE batch SET lot_code = $1 WHERE id = $2', ['XZD 42', batch.id]);
    const fallback = await sheetOf(`traceCodes=${batch.traceCode}`, coop.key);
    expect(fallback.qr).toBe(`http://localhost:3000/q/${batch.traceCode}#k=${pin}`);
    expect(fallback.text).toContain('Page URL: lot is not GS1 AI (10)');
    expect(fallback.headers['label-link-fallback']).toBe(`the lot codes of ${batch.traceCode} are not GS1 AI (10) lots: their labels carry the page URL`);
    const refused = await request(server).get(`/labels/sheet.pdf?traceCodes=${batch.traceCode}&link=digital`).set('authorization', `Bearer ${coop.key}`);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain(`the lot code of batch ${batch.traceCode} is not a GS1 AI (10) lot`);
  });
});
