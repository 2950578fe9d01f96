import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import * as jsqr from 'jsqr';
import { PNG } from 'pngjs';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { verifierKeyFingerprint } from '../../src/ledger/signing-key.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, producerWithBatch, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { readFixtureJson } from '../support/fixtures.js';
import { createTestApp, gqlOk, rawBody, listenOnLoopback } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

// jsqr is CommonJS: its function arrives as the default export, however the ESM loader wraps it.
const jsQR = ((jsqr as unknown as { default: { default?: unknown } }).default.default ?? (jsqr as unknown as { default: unknown }).default) as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

const merkleVectors = readFixtureJson('vectors/rfc6962.json');

interface TreeHead {
  size: number;
  root: string;
}

/**
 * The phone's memory of the ledger and the label's pin of its key, in a real chromium (issue 14 points
 * 4 and 5): the page remembers the checkpoint it verified (localStorage) and checks on the next scan
 * that the ledger only grew since, by a consistency proof; a label carries the key's fingerprint in its
 * fragment and the check fails on another key.
 */
describe('the page remembers the ledger and pins its key', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let browser: Browser;
  let base: string;
  let memoryKey: string;
  let fingerprint: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    base = await listenOnLoopback(app);
    browser = await launchChromium();
    const { ledgerInfo } = await gqlOk(app, '{ ledgerInfo { origin verifierKey } }');
    memoryKey = `suyuan.checkpoint ${ledgerInfo.origin} ${ledgerInfo.verifierKey}`;
    fingerprint = verifierKeyFingerprint(ledgerInfo.verifierKey);
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
    await db.drop();
  });

  /**
   * Opens `path` in the context (one phone: its localStorage persists across pages) and waits for the
   * badge; `served` is the tree head of the checkpoint in the proof it was served, `consistency` the
   * consistency proofs it asked for.
   */
  async function scan(context: BrowserContext, path: string) {
    const page = await context.newPage();
    const consistency: string[] = [];
    let served: TreeHead | null = null;
    page.on('request', (req) => req.url().includes('/ledger/consistency') && consistency.push(new URL(req.url()).search));
    page.on('response', async (res) => {
      if (!new URL(res.url()).pathname.endsWith('/proof.json') || new URL(res.url()).search) return;
      const lines = ((await res.json()) as { signedNote: string }).signedNote.split('\n');
      served = { size: Number(lines[1]), root: lines[2] };
    });
    await page.goto(base + path);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    const details = page.locator('#check-details');
    const hasDetails = (await details.count()) === 1;
    const result = {
      state: await page.getAttribute('#badge', 'data-state'),
      text: (await page.textContent('#badge')) ?? '',
      details: hasDetails ? ((await details.textContent()) ?? '') : null,
      key: hasDetails ? await details.getAttribute('data-key') : null,
      history: hasDetails ? await details.getAttribute('data-history') : null,
      remembered: await page.evaluate((key) => JSON.parse((globalThis as any).localStorage.getItem(key) ?? 'null') as TreeHead | null, memoryKey),
      served: served as TreeHead | null,
      consistency,
      url: page.url(),
    };
    await page.close();
    return result;
  }

  /** Puts `head` in the phone's memory of this ledger, as an earlier scan would have. */
  async function implant(context: BrowserContext, head: TreeHead): Promise<void> {
    const page = await context.newPage();
    await page.goto(base + '/health/live');
    await page.evaluate(([key, value]) => (globalThis as any).localStorage.setItem(key, value), [memoryKey, JSON.stringify(head)]);
    await page.close();
  }

  it('remembers the checkpoint it verified, and after the ledger grew verifies the consistency proof from it', async () => {
    const phone = await browser.newContext();
    const first = (await producerWithBatch(app)).batch;
    const one = await scan(phone, `/q/${first.traceCode}?lang=en`);
    expect(one.state).toBe('verified');
    expect(one.history).toBe('first');
    expect(one.served).not.toBeNull();
    expect(one.remembered).toEqual(one.served);
    expect(one.consistency).toEqual([]);
    expect(one.details).toContain(`This phone now remembers the ledger\u2019s checkpoint (${one.served!.size} entries)`);

    // The ledger grows: another producer's batch, whose page is served a newer checkpoint.
    const second = (await producerWithBatch(app)).batch;
    const two = await scan(phone, `/q/${second.traceCode}?lang=en`);
    expect(two.served!.size).toBeGreaterThan(one.served!.size);
    expect(two.consistency).toEqual([`?from=${one.served!.size}&to=${two.served!.size}`]);
    expect(two.state).toBe('verified');
    expect(two.history).toBe('grown');
    expect(two.details).toContain(`The ledger has only grown since this phone last checked it (from ${one.served!.size} to ${two.served!.size} entries`);
    expect(two.remembered).toEqual(two.served);

    // Nothing appended since: the same tree, no proof needed.
    const three = await scan(phone, `/q/${second.traceCode}?lang=en`);
    expect(three.history).toBe('same');
    expect(three.consistency).toEqual([]);
    await phone.close();
  });

  it('fails, and keeps its memory, when the ledger shrank or its history differs from the one the phone verified', async () => {
    const batch = (await producerWithBatch(app)).batch;
    const honest = await scan(await browser.newContext(), `/q/${batch.traceCode}?lang=en`);
    const { size, root } = honest.served!;
    const otherRoot = Buffer.alloc(32, 7).toString('base64');
    const cases: [string, TreeHead, string][] = [
      [
        'shrank',
        { size: size + 1000, root },
        `Verification failed: the ledger now has ${size} entries, fewer than the ${size + 1000} this phone verified before: its history was cut`,
      ],
      [
        'forked at the same size',
        { size, root: otherRoot },
        `Verification failed: the ledger\u2019s history differs from the one this phone verified before at ${size} entries`,
      ],
      [
        'forked before',
        { size: size - 1, root: otherRoot },
        `Verification failed: the ledger\u2019s history differs from the one this phone verified before at ${size - 1} entries`,
      ],
    ];
    for (const [name, remembered, failure] of cases) {
      const phone = await browser.newContext();
      await implant(phone, remembered);
      const seen = await scan(phone, `/q/${batch.traceCode}?lang=en`);
      expect({ name, state: seen.state, text: seen.text }).toEqual({ name, state: 'failed', text: failure });
      expect(seen.remembered).toEqual(remembered);
      if (name === 'forked before') expect(seen.consistency).toEqual([`?from=${size - 1}&to=${size}`]);
      await phone.close();
    }
  });

  it("compares with what it remembered when the scan began: another tab's newer memory is neither a failure nor overwritten", async () => {
    const phone = await browser.newContext();
    const first = (await producerWithBatch(app)).batch;
    const before = (await scan(phone, `/q/${first.traceCode}?lang=en`)).remembered!;

    // A second tab is served the same checkpoint, and takes its time checking it...
    const slow = await phone.newPage();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await slow.route('**/proof.json', async (route) => {
      const response = await route.fetch();
      await held;
      await route.fulfill({ response });
    });
    await slow.goto(`${base}/q/${first.traceCode}?lang=en`);
    // ...while a third, after the ledger grew, remembers a newer checkpoint.
    const second = (await producerWithBatch(app)).batch;
    const newer = await scan(phone, `/q/${second.traceCode}?lang=en`);
    expect(newer.history).toBe('grown');
    expect(newer.remembered!.size).toBeGreaterThan(before.size);
    release();
    await slow.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    expect(await slow.getAttribute('#badge', 'data-state')).toBe('verified');
    expect(await slow.getAttribute('#check-details', 'data-history')).toBe('same');
    const remembered = await slow.evaluate((key) => JSON.parse((globalThis as any).localStorage.getItem(key) ?? 'null') as TreeHead | null, memoryKey);
    expect(remembered).toEqual(newer.remembered);
    await phone.close();
  });

  it('says "not verified" when the consistency proof cannot be fetched, and keeps its memory', async () => {
    const phone = await browser.newContext();
    const first = (await producerWithBatch(app)).batch;
    const before = (await scan(phone, `/q/${first.traceCode}?lang=en`)).remembered;
    const second = (await producerWithBatch(app)).batch;
    await phone.route('**/ledger/consistency?*', (route) => route.fulfill({ status: 503, body: 'busy' }));
    const seen = await scan(phone, `/q/${second.traceCode}?lang=en`);
    expect(seen.state).toBe('partial');
    expect(seen.text).toBe('Not verified: the proof that the ledger only grew since this phone\u2019s last check could not be fetched (HTTP 503)');
    expect(seen.remembered).toEqual(before);
    await phone.close();
  });

  it('checks the served key against the fingerprint in the link, and says when it trusted the served key', async () => {
    const batch = (await producerWithBatch(app)).batch;
    const pinned = await scan(await browser.newContext(), `/q/${batch.traceCode}?lang=en#k=${fingerprint}`);
    expect(pinned.state).toBe('verified');
    expect(pinned.key).toBe('pinned');
    expect(pinned.details).toContain('The ledger\u2019s key matches the fingerprint on the label.');

    const wrong = await scan(await browser.newContext(), `/q/${batch.traceCode}?lang=en#k=AAAAAAAAAAAAAAAA`);
    expect(wrong.state).toBe('failed');
    expect(wrong.text).toBe('Verification failed: the ledger key the service presented is not the one the label names (its fingerprint differs)');
    expect(wrong.remembered).toBeNull();

    const malformed = await scan(await browser.newContext(), `/q/${batch.traceCode}?lang=en#k=abc`);
    expect(malformed.state).toBe('failed');
    expect(malformed.text).toBe('Verification failed: the ledger key fingerprint in this link is malformed');

    const bare = await scan(await browser.newContext(), `/q/${batch.traceCode}?lang=en`);
    expect(bare.state).toBe('verified');
    expect(bare.key).toBe('served');
    expect(bare.details).toContain('This link carries no key fingerprint: the check trusted the key the service presented.');

    const zh = await scan(await browser.newContext({ locale: 'zh-CN' }), `/q/${batch.traceCode}`);
    expect(zh.details).toContain('此链接没有账本密钥指纹：本次校验信任了服务器提供的密钥。');
  });

  it('prints labels whose QR codes carry the fingerprint; a Digital Link URI works with it and without it', async () => {
    const producer = await createOrg(app, 'PRODUCER');
    const facility = await registerFacility(app, producer);
    const body = `692${String(process.pid).padStart(9, '0').slice(-9)}`;
    const gtin = `0${body}${gtinCheckDigit(body)}`;
    const product = await registerProduct(app, producer, { gtin });
    const batch = await registerBatch(app, producer, product, facility);
    const server = app.getHttpServer();
    const qrOf = async (path: string): Promise<string | undefined> => {
      const png = await request(server).get(path).set('authorization', `Bearer ${producer.key}`).buffer(true).parse(rawBody);
      expect(png.status).toBe(200);
      const image = PNG.sync.read(png.body as Buffer);
      return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
    };
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{16}$/);
    // A GTIN product's label carries the lot's Digital Link by default; the page URL when asked for.
    const lot = encodeURIComponent(batch.lotCode);
    expect(await qrOf(`/labels/${batch.traceCode}.png`)).toBe(`http://localhost:3000/01/${gtin}/10/${lot}#k=${fingerprint}`);
    expect(await qrOf(`/labels/${batch.traceCode}.png?link=page`)).toBe(`http://localhost:3000/q/${batch.traceCode}#k=${fingerprint}`);

    // The Digital Link redirects to the page, and the browser keeps the fragment through the redirect.
    const viaLabel = await scan(await browser.newContext(), `/01/${gtin}/10/${lot}#k=${fingerprint}`);
    expect(new URL(viaLabel.url).pathname).toBe(`/q/${batch.traceCode}`);
    expect(viaLabel.state).toBe('verified');
    expect(viaLabel.key).toBe('pinned');
    const bare = await scan(await browser.newContext(), `/01/${gtin}/10/${lot}`);
    expect(bare.state).toBe('verified');
    expect(bare.key).toBe('served');
  });

  it("serves the consistency proof GraphQL gives, and the page's check folds RFC 6962's proofs as the RFC does", async () => {
    const { batch } = await producerWithBatch(app);
    const { ledgerInfo } = await gqlOk(app, '{ ledgerInfo { size } }');
    const to = ledgerInfo.size as number;
    const http = await request(app.getHttpServer()).get(`/ledger/consistency?from=2&to=${to}`);
    expect(http.status).toBe(200);
    const { consistencyProof } = await gqlOk(app, `{ consistencyProof(fromSize: 2, toSize: ${to}) { fromSize toSize hashes } }`);
    expect(http.body).toEqual(consistencyProof);
    for (const query of [`from=0&to=${to}`, `from=3&to=2`, `from=1&to=${to + 1}`, 'from=1', 'from=x&to=2']) {
      expect((await request(app.getHttpServer()).get(`/ledger/consistency?${query}`)).status).toBe(400);
    }

    const page = await browser.newPage();
    // The batch page loads the built script, whose functions a test reaches as SuyuanVerify.
    await page.goto(`${base}/q/${batch.traceCode}?lang=en`);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    const results = await page.evaluate(async (v: any) => {
      const verify = (globalThis as any).SuyuanVerify;
      const root = (n: number) => verify.bytesOfHex(v.rootsBySize[String(n)]);
      const out = [];
      for (const p of v.consistencyProofs) {
        const proof = p.proof.map(verify.bytesOfHex);
        const ok = await verify.verifyConsistency(crypto.subtle, p.fromSize, p.toSize, proof, root(p.fromSize), root(p.toSize));
        const changed =
          proof.length === 0
            ? false
            : await verify.verifyConsistency(
                crypto.subtle,
                p.fromSize,
                p.toSize,
                [verify.bytesOfHex('11'.repeat(32)), ...proof.slice(1)],
                root(p.fromSize),
                root(p.toSize),
              );
        const otherOld =
          p.fromSize === p.toSize ? false : await verify.verifyConsistency(crypto.subtle, p.fromSize, p.toSize, proof, root(p.toSize), root(p.toSize));
        out.push({ ok, changed, otherOld });
      }
      return out;
    }, merkleVectors);
    expect(results).toEqual(merkleVectors.consistencyProofs.map(() => ({ ok: true, changed: false, otherOld: false })));
    await page.close();
  });
});
