import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { launchChromium } from '../support/chromium.js';
import type { App } from 'supertest/types.js';
import { batchWithLongStory, createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { createTestApp, gqlOk, listenOnLoopback } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import {
  ATTACH_CERTIFICATE,
  ATTEST_CERTIFICATE,
  INITIATE_RECALL,
  RECORD_EVENT,
  RECORD_TEMPERATURES,
  TRANSFORM_BATCHES_TRACE_CODES,
} from '../support/documents.js';
import { draftEntry } from '../../src/ledger/ledger-entry.js';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';

/**
 * The consumer's page in a real browser (Debian's chromium, driven by playwright-core): the badge is
 * computed by the page's own script with WebCrypto, and turns to a failure when the ledger is tampered with.
 */
describe('the batch page in a browser', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    base = await listenOnLoopback(app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app.close();
    await db.drop();
  });

  async function chilledBatch() {
    const farm = await createOrg(app, 'PRODUCER', '海河乳业牧场');
    const yard = await registerFacility(app, farm);
    const milk = await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
    const batch = await registerBatch(app, farm, milk, yard, { quantity: 5000 });
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: { batchId: batch.id, bizStep: 'COOLING', eventTime: '2026-11-20T21:00:00.000Z', facilityId: yard, details: { coolingDate: '2026-11-20' } },
      },
      farm.key,
    );
    await gqlOk(
      app,
      RECORD_TEMPERATURES,
      {
        input: {
          batchId: batch.id,
          sensorId: 'tank',
          readings: [4, 9.5, 11, 12, 10, 5].map((celsius, i) => ({
            at: new Date(Date.parse('2026-11-20T21:00:00.000Z') + i * 600_000).toISOString(),
            celsius,
          })),
        },
      },
      farm.key,
    );
    return { ...batch, producerId: farm.id, facilityId: yard };
  }

  /** The page's badge once its script has decided; `proofPaths` collects the proof pages it fetched. */
  async function badgeOf(url: string, proofPaths?: string[]): Promise<{ state: string | null; text: string; page: import('playwright-core').Page }> {
    const page = await browser.newPage();
    if (proofPaths) page.on('request', (req) => req.url().includes('/proof.json') && proofPaths.push(new URL(req.url()).pathname + new URL(req.url()).search));
    await page.goto(url);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    return { state: await page.getAttribute('#badge', 'data-state'), text: (await page.textContent('#badge')) ?? '', page };
  }

  it('verifies the batch on the device, and shows the product, the journey and the temperature chart', async () => {
    const batch = await chilledBatch();
    const { state, text, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(text).toMatch(/^Verified on this device: the \d+ facts marked ✓ come from \d+ entries of the signed ledger/);
    expect(state).toBe('verified');
    expect(await page.textContent('h1')).toBe('生牛乳');
    expect(await page.locator('ol li').count()).toBe(2);
    expect(await page.locator('svg polyline').count()).toBe(1);
    expect(await page.locator('svg rect.excursion').count()).toBe(1);
    await page.waitForSelector('#scans:has-text("Scanned")');
    expect(await page.textContent('#scans')).toMatch(/^Scanned 1 times, first on \d{4}-\d{2}-\d{2}$/);
    await page.close();
  });

  it('verifies with the bundled Ed25519 on a browser whose WebCrypto has none, and still fails a forged checkpoint signature', async () => {
    const batch = await chilledBatch();
    // As Safari before 17 does: SubtleCrypto refuses Ed25519 keys and signatures; SHA-256 and SHA-512 still work.
    const withoutEd25519 = `(() => {
      const subtle = crypto.subtle;
      if (!subtle) return; // not a secure context: nothing to take away
      const isEd25519 = (a) => String(typeof a === 'string' ? a : (a && a.name) || '').toLowerCase() === 'ed25519';
      const importKey = subtle.importKey.bind(subtle);
      const verify = subtle.verify.bind(subtle);
      const refuse = () => Promise.reject(new DOMException('Algorithm: Unrecognized name', 'NotSupportedError'));
      subtle.importKey = (...args) => (isEd25519(args[2]) ? refuse() : importKey(...args));
      subtle.verify = (...args) => (isEd25519(args[0]) ? refuse() : verify(...args));
    })();`;
    const context = await browser.newContext();
    await context.addInitScript({ content: withoutEd25519 });
    const page = await context.newPage();
    await page.goto(`${base}/q/${batch.traceCode}?lang=en`);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    expect(await page.getAttribute('#badge', 'data-state')).toBe('verified');
    expect(await page.textContent('#badge')).toMatch(/^Verified on this device/);
    expect(await page.getAttribute('#badge', 'data-ed25519')).toBe('bundled');
    expect(
      await page.evaluate(() =>
        crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify']).then(
          () => 'imported',
          () => 'refused',
        ),
      ),
    ).toBe('refused');
    // The same fallback refuses a checkpoint whose signature was changed: it checks, it does not wave through.
    await page.route('**/proof.json', async (route) => {
      const proof = (await (await route.fetch()).json()) as { signedNote: string };
      const lines = proof.signedNote.split('\n');
      const at = lines.findIndex((l) => l.startsWith('\u2014 '));
      const [dash, name, sig] = lines[at].split(' ');
      const bytes = Buffer.from(sig, 'base64');
      bytes[10] ^= 1;
      lines[at] = [dash, name, bytes.toString('base64')].join(' ');
      await route.fulfill({ json: { ...proof, signedNote: lines.join('\n') } });
    });
    await page.reload();
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    expect(await page.getAttribute('#badge', 'data-state')).toBe('failed');
    expect(await page.textContent('#badge')).toContain('signature does not verify');
    await context.close();
  });

  it('draws a temperature chart readable on a 360 px phone: time axis, limits, excursion band, legend, type of 12 px or more, no sideways scroll', async () => {
    const batch = await chilledBatch();
    for (const lang of ['zh', 'en'] as const) {
      const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true });
      const page = await context.newPage();
      await page.goto(`${base}/q/${batch.traceCode}?lang=${lang}`);
      await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
      const texts = await page
        .locator('svg.chart text')
        .evaluateAll((els) =>
          els.map((el) => ({ text: el.textContent ?? '', height: el.getBoundingClientRect().height, right: el.getBoundingClientRect().right })),
        );
      // The rendered size of every label: its box is the font's line box, a little over the font size.
      const smallest = Math.min(...texts.map((t) => t.height));
      expect(smallest).toBeGreaterThanOrEqual(12);
      // No label cut off at the chart's edge (the SVG clips what passes it).
      const chartRight = (await page.locator('svg.chart').boundingBox())!;
      expect(Math.max(...texts.map((t) => t.right))).toBeLessThanOrEqual(chartRight.x + chartRight.width);
      const words = texts.map((t) => t.text);
      // The readings run 05:00–05:50 in China on 21 November; the band is chilled goods' 0–8 °C, one excursion.
      expect(words).toEqual(
        expect.arrayContaining(lang === 'zh' ? ['温度', '允许 0–8 °C', '超出范围', '11月21日'] : ['Temperature', 'Allowed 0–8 °C', 'Excursion', '21 Nov']),
      );
      expect(words).toEqual(expect.arrayContaining(['05:00', '05:15', '05:30', '05:45']));
      expect(await page.locator('svg.chart line.limit').count()).toBe(2);
      expect(await page.locator('svg.chart rect.excursion').count()).toBe(1);
      if (process.env.PAGE_SCREENSHOTS)
        await page.locator('section[data-fact="chart"]').screenshot({ path: `${process.env.PAGE_SCREENSHOTS}/chart-360-${lang}.png` });
      await context.close();
    }
  });

  /** Which of the page's facts the phone marked checked (✓) and which not checked, by their data-fact names. */
  async function factMarks(page: import('playwright-core').Page): Promise<{ checked: string[]; unchecked: string[] }> {
    const marked = async (cls: string) => page.locator(`[data-fact].${cls}`).evaluateAll((els) => els.map((el) => el.getAttribute('data-fact')!));
    return { checked: await marked('checked'), unchecked: await marked('unchecked') };
  }

  it('marks as checked only the facts it recomputed from ledger entries, and every other fact as not checked', async () => {
    const batch = await chilledBatch();
    const { state, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(state).toBe('verified');
    const { checked, unchecked } = await factMarks(page);
    // Product, producer, origin, lot and trace code; each step's name, time, place and organization (two steps).
    expect(checked.sort()).toEqual(
      ['lot', 'origin', 'producer', 'product', 'trace-code', 'step', 'step', 'time', 'time', 'place', 'place', 'organization', 'organization'].sort(),
    );
    // Status, cold chain, inspections and the chart come from the service's tables: the phone cannot check them here.
    expect(unchecked.sort()).toEqual(['chart', 'cold-chain', 'inspections', 'status']);
    expect(await page.locator('[data-fact="status"] .unchecked-mark').textContent()).toBe(' (not checked)');
    expect(await page.getAttribute('#badge', 'data-checked')).toBe('13');
    // The phone wrote the texts itself, from the ledger: the step's name and the time in China.
    expect(await page.textContent('li[data-seq] [data-fact="step"]')).toBe('Registered');
    expect(await page.locator('li[data-seq] [data-fact="time"]').first().textContent()).toBe('6 Oct 2026, 16:00');
    await page.close();
  });

  async function select<T>(sql: string, params: unknown[]): Promise<T[]> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async function tamper(sql: string, params: unknown[], table = 'ledger_entry'): Promise<void> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await client.query(sql, params);
    await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    await client.end();
  }

  it('fails when a superuser edits a shown or a private member of a ledger payload, even one the page never shows', async () => {
    for (const member of ['eventTime', 'details']) {
      const batch = await chilledBatch();
      const value = member === 'eventTime' ? '"2026-11-19T21:00:00.000Z"' : '{"coolingDate":"2026-11-19"}';
      await tamper(
        `UPDATE ledger_entry SET payload = jsonb_set(payload::jsonb, $2, $3::jsonb)::text
         WHERE seq = (SELECT min(seq) FROM ledger_entry WHERE batch_id = $1 AND type = 'EVENT_RECORDED')`,
        [batch.id, `{${member}}`, value],
      );
      const { state, text, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
      expect(state).toBe('failed');
      expect(text).toMatch(/^Verification failed: entry \d+ is not in the signed ledger \(its contents or its proof were changed\)$/);
      // Nothing on the page is left looking checked.
      expect((await factMarks(page)).checked).toEqual([]);
      await page.close();
    }
  });

  it("shows the ledger's names, and fails, when a facility's or an organization's table row was edited around the ledger", async () => {
    const batch = await chilledBatch();
    const rows = await select<{ facility: string; producer: string; name: string; region: string }>(
      `SELECT b.origin_facility_id AS facility, b.producer_id AS producer, o.name, f.region
       FROM batch b JOIN organization o ON o.id = b.producer_id JOIN facility f ON f.id = b.origin_facility_id WHERE b.id = $1`,
      [batch.id],
    );
    await tamper(`UPDATE facility SET region = '新西兰' WHERE id = $1`, [rows[0].facility], 'facility');
    await tamper(`UPDATE organization SET name = '别家牧场' WHERE id = $1`, [rows[0].producer], 'organization');
    const { state, text, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(state).toBe('failed');
    expect(text).toBe(
      'Verification failed: the page the service sent differs from its signed ledger in 4 places (producer, origin, place, organization); ' +
        'shown now is what the ledger says, marked ✓',
    );
    expect(await page.textContent('[data-fact="producer"]')).toBe(rows[0].name);
    expect(await page.textContent('[data-fact="origin"]')).toBe(rows[0].region);
    await page.close();
  });

  it('says which facts come from v1 entries, proven in the ledger but not what they say, and does not mark them checked', async () => {
    const batch = await chilledBatch();
    const writer = app.get(LedgerWriter);
    const [old] = await writer.append(batch.producerId, [
      draftEntry('EVENT_RECORDED', batch.id, { bizStep: 'STORING', eventTime: '2026-11-21T01:00:00.000Z', facilityId: batch.facilityId }, { version: 1 }),
    ]);
    const { state, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(state).toBe('verified');
    const v1Step = page.locator(`li[data-seq="${old.seq}"]`);
    expect(await v1Step.locator('[data-fact="step"]').getAttribute('class')).toBe('unchecked');
    expect(await v1Step.locator('.checked').count()).toBe(0);
    expect(await page.getAttribute('#check-details', 'data-undisclosed')).toBe('1');
    expect(await page.textContent('#check-details')).toContain(
      '1 of the entries behind this page are in the ledger’s format v1, which discloses nothing of its contents: ' +
        'this phone checked that they are in the signed ledger, not what they say, so their facts are marked not checked.',
    );
    await page.close();
  });

  it("checks the steps of the batches a lot was made from, through every transformation between them, by their registrations' inputs", async () => {
    const farm = await createOrg(app, 'PRODUCER', '小站稻种植合作社');
    const field = await registerFacility(app, farm, { region: '天津市津南区' });
    const paddy = await registerProduct(app, farm, { name: '小站稻（稻谷）' });
    const rice = await registerProduct(app, farm, { name: '小站稻米 5kg' });
    const raw = [await registerBatch(app, farm, paddy, field), await registerBatch(app, farm, paddy, field)];
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: {
          batchId: raw[0].id,
          bizStep: 'HARVESTING',
          eventTime: '2026-10-06T09:00:00.000Z',
          facilityId: field,
          details: { fieldName: '葛沽三号田', harvestDate: '2026-10-06' },
        },
      },
      farm.key,
    );
    const transform = async (inputs: string[], lotCode: string, eventTime: string) =>
      (
        await gqlOk(
          app,
          TRANSFORM_BATCHES_TRACE_CODES,
          {
            input: {
              facilityId: field,
              eventTime,
              inputs: inputs.map((batchId) => ({ batchId, quantity: 60 })),
              outputs: [{ productId: rice, lotCode, quantity: 60, unit: 'kg' }],
            },
          },
          farm.key,
        )
      ).transformBatches.outputs[0] as { id: string; traceCode: string };
    const milledLot = `MILL-${Date.now()}`;
    const milled = await transform(
      raw.map((b) => b.id),
      milledLot,
      '2026-10-08T09:00:00.000Z',
    );
    const packed = await transform([milled.id], `PACK-${Date.now()}`, '2026-10-09T09:00:00.000Z');
    const { state, page } = await badgeOf(`${base}/q/${packed.traceCode}?lang=en`);
    expect(state).toBe('verified');
    const steps = await page.locator('li[data-seq] [data-fact="step"]').evaluateAll((els) => els.map((el) => [el.textContent, el.className]));
    // The paddy's registration and harvest, two transformations (milled, packed) and the lots' registrations: every one checked.
    expect(steps.map(([name]) => name)).toEqual(expect.arrayContaining(['Registered', 'Harvested', 'Processed']));
    expect(steps.every(([, cls]) => cls === 'checked')).toBe(true);
    // The lots it was made from are named and linked, but the proof does not open their lot and trace codes: not checked.
    const { unchecked } = await factMarks(page);
    expect(unchecked.filter((f) => f !== 'source-lot').sort()).toEqual(['cold-chain', 'inspections', 'sources', 'status']);
    expect(await page.textContent('[data-fact="sources"]')).toBe(`小站稻米 5kg · lot ${milledLot} (not checked)`);
    // Each step of an earlier lot names it: the paddy's registration and harvest name their paddy lot, the milling its rice lot.
    const stepLots = await page
      .locator('li[data-seq]')
      .evaluateAll((items) =>
        items.map((li) => [li.querySelector('[data-fact="step"]')!.textContent, li.querySelector('[data-fact="source-lot"] a')?.textContent ?? null]),
      );
    expect(stepLots).toEqual(expect.arrayContaining([['Harvested', `小站稻（稻谷） · lot ${raw[0].lotCode}`]]));
    // A link leads to that lot's own page, which verifies on its own and does not count the visit as a scan of its label.
    await page.click(`[data-fact="sources"] a`);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe(`/q/${milled.traceCode}`);
    expect(await page.getAttribute('#badge', 'data-state')).toBe('verified');
    expect(await page.textContent('[data-fact="lot"]')).toBe(milledLot);
    expect(await page.textContent('#scans')).toBe('');
    await page.close();
  });

  it("checks a GI claim and each certificate against their entries and attesters' registrations, failing an attestation added around the ledger", async () => {
    const farm = await createOrg(app, 'PRODUCER', '小站稻种植合作社');
    const field = await registerFacility(app, farm);
    const rice = await registerProduct(app, farm, { name: '小站稻米', geographicIndication: '小站稻' });
    const lot = await registerBatch(app, farm, rice, field);
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    const certificate = (input: Record<string, unknown>) =>
      gqlOk(
        app,
        ATTACH_CERTIFICATE,
        { input: { validFrom: '2020-01-01T00:00:00.000Z', validUntil: '2030-01-01T00:00:00.000Z', documentSha256: 'ab'.repeat(32), ...input } },
        farm.key,
      ).then((d) => d.attachCertificate.id as string);
    const gi = await certificate({ productId: rice, kind: 'GEOGRAPHIC_INDICATION', number: 'AGI00123', issuer: '农业农村部', protectedName: '小站稻' });
    const organic = await certificate({ batchId: lot.id, kind: 'ORGANIC', number: '12345678901234567', issuer: '中绿华夏有机产品认证中心' });
    await gqlOk(app, ATTEST_CERTIFICATE, { input: { certificateId: gi, documentSha256: 'ab'.repeat(32) } }, regulator.key);
    // A superuser adds an attestation of the organic certificate in the table, with no ledger entry behind it.
    await tamper(
      `INSERT INTO certificate_attestation (certificate_id, organization_id, attested_at, created_seq) VALUES ($1, $2, now(), 1)`,
      [organic, regulator.id],
      'certificate_attestation',
    );

    const { state, text, page } = await badgeOf(`${base}/q/${lot.traceCode}?lang=en`);
    expect(state).toBe('failed');
    expect(text).toContain('differs from its signed ledger in 1 place (certificate)');
    // The GI and its certificate are proven (attached, and attested by a registered regulator); the organic one is shown as the ledger has it.
    expect(await page.textContent('[data-fact="gi"]')).toBe('Geographic indication: 小站稻 · certified');
    expect((await factMarks(page)).checked).toEqual(expect.arrayContaining(['gi', 'certificate', 'certificate']));
    expect(await page.textContent('li.certificate:has-text("AGI00123")')).toContain('certified: attested by 天津市市场监督管理局');
    expect(await page.textContent('li.certificate:has-text("12345678901234567")')).toContain(
      'declared by the producer 小站稻种植合作社, not attested (the certificate names 中绿华夏有机产品认证中心 as issuer)',
    );
    await page.close();
  });

  /** A batch with a long story: 2,000 events after its registration, so its chain comes in 6 pages. */
  const longBatch = () => batchWithLongStory(app, 2000);

  /** Clicks "check every entry" and waits for its verdict. */
  async function checkChain(page: import('playwright-core').Page): Promise<{ state: string | null; text: string }> {
    await page.click('#chain-check button');
    await page.waitForSelector('#chain-check[data-state]', { timeout: 30_000 });
    return { state: await page.getAttribute('#chain-check', 'data-state'), text: (await page.textContent('#chain-check')) ?? '' };
  }

  it("verifies a long story's page from one bounded proof; on request, the whole chain in pages, finding an entry tampered with in a later page", async () => {
    const batch = await longBatch();
    const proofPaths: string[] = [];
    const { state, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`, proofPaths);
    expect(state).toBe('verified');
    expect(proofPaths).toEqual([`/q/${batch.traceCode}/proof.json`]);
    const chainPaths: string[] = [];
    page.on('request', (req) => req.url().includes('/chain.json') && chainPaths.push(req.url()));
    expect(await checkChain(page)).toEqual({
      state: 'verified',
      text: 'All 2001 ledger entries of this batch are intact and linked, and the newest is in the signed ledger',
    });
    expect(chainPaths).toHaveLength(6);
    await page.close();

    // The 1,900th of the batch's entries: on the chain's fifth page, and not among the steps the page shows.
    await tamper(
      `UPDATE ledger_entry SET actor = 'someone-else' WHERE seq = (SELECT seq FROM ledger_entry WHERE batch_id = $1 ORDER BY seq OFFSET 1899 LIMIT 1)`,
      [batch.id],
    );
    const tampered = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(tampered.state).toBe('verified');
    const chain = await checkChain(tampered.page);
    expect(chain.state).toBe('failed');
    expect(chain.text).toMatch(/^Check failed: entry \d+: its hash does not match its contents$/);
    await tampered.page.close();
  });

  it('verifies the page of a lot of 10,000 events from the same one bounded proof, and its every-event pages say they are not checked', async () => {
    const batch = await batchWithLongStory(app, 10_000);
    const proofPaths: string[] = [];
    const { state, text, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`, proofPaths);
    expect(state).toBe('verified');
    expect(text).not.toMatch(/not verified/i);
    expect(proofPaths).toEqual([`/q/${batch.traceCode}/proof.json`]);
    // The steps the page shows are among what the phone proved; the rest of the story is a link away, and labelled.
    await page.click(`a[href="/q/${batch.traceCode}/events?page=101&lang=en"]`);
    await page.waitForSelector('li');
    expect(await page.textContent('body')).toContain('not checked on this device');
    await page.close();
  });

  it('never calls the whole chain verified when a page of it could not be fetched, and says how much was checked', async () => {
    const batch = await longBatch();
    const page = await browser.newPage();
    // The fourth page of the chain fails: the first three (1,200 entries) were checked.
    let chainPages = 0;
    await page.route('**/chain.json?after=*', (route) => (++chainPages === 3 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()));
    await page.goto(`${base}/q/${batch.traceCode}?lang=en`);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    expect(await checkChain(page)).toEqual({
      state: 'partial',
      text: 'Not verified: only the first 1200 of 2001 entries were checked (intact so far); the rest could not be fetched (HTTP 503)',
    });
    await page.close();
  });

  it('shows the scan notice only for a count past the ceiling over several days, in words that accuse no one', async () => {
    const busy = await chilledBatch(); // 5,000 kg: 25,000 scans plausible
    const oneDay = await chilledBatch();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO scan_count (batch_id, day, count) VALUES ($1, '2026-01-01', 9000), ($1, '2026-01-02', 9000), ($1, '2026-01-03', 9000)`, [
      busy.id,
    ]);
    await client.query(`INSERT INTO scan_count (batch_id, day, count) VALUES ($1, '2026-01-01', 90000)`, [oneDay.id]);
    await client.end();

    const shown = await badgeOf(`${base}/q/${busy.traceCode}?lang=en`);
    await shown.page.waitForSelector('#scan-notice');
    const notice = (await shown.page.textContent('#scan-notice')) ?? '';
    expect(notice).toBe(
      'This label has been scanned more often than usual for a lot of this size, over 4 days. ' +
        'If the pack looks different from the ones you have bought before, tell the seller or the market regulator.',
    );
    expect(notice).not.toMatch(/cop(y|ied)|fake|counterfeit/i);
    await shown.page.close();
    const zh = await badgeOf(`${base}/q/${busy.traceCode}`);
    await zh.page.waitForSelector('#scan-notice');
    expect(await zh.page.textContent('#scan-notice')).not.toMatch(/仿冒|假/);
    await zh.page.close();

    const quiet = await badgeOf(`${base}/q/${oneDay.traceCode}?lang=en`);
    await quiet.page.waitForSelector('#scans:has-text("Scanned 90001 times")');
    expect(await quiet.page.locator('#scan-notice').count()).toBe(0);
    await quiet.page.close();
  });

  it('shows the failure when an entry the page shows is tampered with in the database', async () => {
    const batch = await chilledBatch();
    await tamper(
      `UPDATE ledger_entry SET actor = 'someone-else' WHERE seq = (SELECT min(seq) FROM ledger_entry WHERE batch_id = $1 AND type = 'EVENT_RECORDED')`,
      [batch.id],
    );
    const { state, text, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(state).toBe('failed');
    expect(text).toMatch(/^Verification failed: entry \d+ is not in the signed ledger \(its contents or its proof were changed\)$/);
    await page.close();
  });

  it('marks a step declared erroneous (EPCIS errorDeclaration) and checks the mark against the declaration entry in the proof', async () => {
    const farm = await createOrg(app, 'PRODUCER', '宁河稻米合作社');
    const yard = await registerFacility(app, farm);
    const rice = await registerProduct(app, farm, { name: '小站稻' });
    const batch = await registerBatch(app, farm, rice, yard, { quantity: 500 });
    const storing = {
      type: 'ObjectEvent',
      eventID: 'urn:uuid:6a0f2b4c-1d3e-4f5a-8b6c-7d8e9f0a1b2c',
      eventTime: '2026-11-20T10:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'OBSERVE',
      bizStep: 'storing',
      bizLocation: { id: `urn:uuid:${yard}` },
      // The configured public base URL of the test app (PUBLIC_BASE_URL unset).
      quantityList: [{ epcClass: `http://localhost:3000/q/${batch.traceCode}`, quantity: 500 }],
    };
    const capture = (event: object) =>
      request(app.getHttpServer())
        .post('/epcis/capture')
        .set('content-type', 'application/ld+json')
        .set('authorization', `Bearer ${farm.key}`)
        .send(JSON.stringify({ type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList: [event] } }));
    expect((await capture(storing)).status).toBe(202);
    expect((await capture({ ...storing, errorDeclaration: { declarationTime: '2026-11-21T09:00:00+08:00', reason: 'incorrect_data' } })).status).toBe(202);

    const { state, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(state).toBe('verified');
    const { checked } = await factMarks(page);
    expect(checked).toContain('declared-erroneous');
    expect(await page.textContent('li[data-seq] [data-fact="declared-erroneous"]')).toBe('Declared erroneous by its recorder (incorrect data)');
    await page.close();
  });

  it('shows a recalled batch with the red notice above everything, still verified', async () => {
    const batch = await chilledBatch();
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    await gqlOk(
      app,
      INITIATE_RECALL,
      {
        input: { batchIds: [batch.id], level: 'LEVEL_1', reason: 'Listeria monocytogenes detected' },
      },
      regulator.key,
    );
    const { state, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(state).toBe('verified');
    // The recall's level and reason are checked against the RECALLING entry in the lot's own chain.
    const { checked } = await factMarks(page);
    expect(checked).toEqual(expect.arrayContaining(['recall-level', 'recall-reason']));
    const banner = page.locator('section.recall[role=alert]');
    expect(await banner.isVisible()).toBe(true);
    // In words (the recall list's), written by the phone from the RECALLING entry it proved.
    expect(await banner.textContent()).toContain('Recall notice · Level 1: serious harm to health');
    expect(await page.getAttribute('[data-fact="recall-level"]', 'class')).toBe('checked');
    expect(await banner.textContent()).not.toContain('LEVEL_1');
    expect(await banner.textContent()).toContain('Listeria monocytogenes detected');
    const bannerTop = (await banner.boundingBox())!.y;
    const titleTop = (await page.locator('h1').boundingBox())!.y;
    expect(bannerTop).toBeLessThan(titleTop);
    await page.close();
  });
});
