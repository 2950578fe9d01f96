import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import pg from 'pg';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.js';
import type { App } from 'supertest/types.js';
import { batchWithLongStory, createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { createTestApp, gqlOk } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { INITIATE_RECALL, RECORD_EVENT, RECORD_TEMPERATURES } from '../support/documents.js';

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
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
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
    return batch;
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
    expect(text).toContain('Verified on this device');
    expect(state).toBe('verified');
    expect(await page.textContent('h1')).toBe('生牛乳');
    expect(await page.locator('ol li').count()).toBe(2);
    expect(await page.locator('svg polyline').count()).toBe(1);
    expect(await page.locator('svg rect.excursion').count()).toBe(1);
    await page.waitForSelector('#scans:has-text("Scanned")');
    expect(await page.textContent('#scans')).toMatch(/^Scanned 1 times, first on \d{4}-\d{2}-\d{2}$/);
    await page.close();
  });

  /** A batch with a long story: 2,000 events after its registration, so its proof comes in 6 pages. */
  const longBatch = () => batchWithLongStory(app, 2000);

  async function tamper(sql: string, params: unknown[]): Promise<void> {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('ALTER TABLE ledger_entry DISABLE TRIGGER USER');
    await client.query(sql, params);
    await client.query('ALTER TABLE ledger_entry ENABLE TRIGGER USER');
    await client.end();
  }

  it("verifies a long story across all the proof's pages, and finds an entry tampered with in a later page", async () => {
    const batch = await longBatch();
    const proofPaths: string[] = [];
    const { state, text, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`, proofPaths);
    expect(state).toBe('verified');
    expect(text).toBe('Verified on this device: all 2001 ledger entries of this batch are intact and linked, and the newest is in the signed ledger');
    expect(proofPaths).toHaveLength(6);
    await page.close();

    // The 1,900th of the batch's entries: on its fifth page.
    await tamper(
      `UPDATE ledger_entry SET actor = 'someone-else' WHERE seq = (SELECT seq FROM ledger_entry WHERE batch_id = $1 ORDER BY seq OFFSET 1899 LIMIT 1)`,
      [batch.id],
    );
    const tampered = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(tampered.state).toBe('failed');
    expect(tampered.text).toMatch(/^Verification failed: entry \d+: its hash does not match its contents$/);
    await tampered.page.close();
  });

  it('never calls a story verified when a page of its proof could not be fetched, and says how much was checked', async () => {
    const batch = await longBatch();
    const page = await browser.newPage();
    // The fourth page of the proof fails: the first three (1,200 entries) were checked.
    let proofPages = 0;
    await page.route('**/proof.json?after=*', (route) => (++proofPages === 3 ? route.fulfill({ status: 503, body: 'busy' }) : route.continue()));
    await page.goto(`${base}/q/${batch.traceCode}?lang=en`);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    expect(await page.getAttribute('#badge', 'data-state')).toBe('partial');
    expect(await page.textContent('#badge')).toBe(
      'Not verified: only the first 1200 of 2001 entries were checked (intact so far); the rest could not be fetched (HTTP 503)',
    );
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

  it('shows the failure when an entry of the batch is tampered with in the database', async () => {
    const batch = await chilledBatch();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('ALTER TABLE ledger_entry DISABLE TRIGGER USER');
    await client.query(
      `UPDATE ledger_entry SET actor = 'someone-else' WHERE seq = (SELECT min(seq) FROM ledger_entry WHERE batch_id = $1 AND type = 'EVENT_RECORDED')`,
      [batch.id],
    );
    await client.query('ALTER TABLE ledger_entry ENABLE TRIGGER USER');
    await client.end();
    const { state, text, page } = await badgeOf(`${base}/q/${batch.traceCode}?lang=en`);
    expect(state).toBe('failed');
    expect(text).toMatch(/Verification failed: entry \d+: its hash does not match its contents/);
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
    const banner = page.locator('section.recall[role=alert]');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('Recall notice · LEVEL_1');
    expect(await banner.textContent()).toContain('Listeria monocytogenes detected');
    const bannerTop = (await banner.boundingBox())!.y;
    const titleTop = (await page.locator('h1').boundingBox())!.y;
    expect(bannerTop).toBeLessThan(titleTop);
    await page.close();
  });
});
