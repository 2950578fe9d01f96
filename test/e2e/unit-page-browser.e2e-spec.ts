import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { useBrowserApp } from '../support/chromium.js';
import { gqlOk } from '../support/test-app.js';

/**
 * A serialized unit's page in a real browser (Debian's chromium, driven by playwright-core): the lot's
 * page and the unit's serial checked by the page's own script, and the check-code form in use.
 */
describe('the unit page in a browser', () => {
  const env = useBrowserApp();

  it('shows the unit on its lot’s page, proves its serial on the phone, and checks a code through the form in either language', async () => {
    const { app, base, browser } = env;
    const dairy = await createOrg(app, 'PRODUCER', '飞鹤乳业');
    const plant = await registerFacility(app, dairy);
    const formula = await registerProduct(app, dairy, { name: '婴幼儿配方奶粉', category: 'DAIRY', gtin: '06950000000019' });
    const lot = await registerBatch(app, dairy, formula, plant, { lotCode: 'F2026A' });
    const { commissionUnits } = await gqlOk(
      app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      { input: { batchId: lot.id, count: 2 } },
      dairy.key,
    );
    const csv = await request(app.getHttpServer()).get(`/units/${commissionUnits.id}.csv`).set('authorization', `Bearer ${dairy.key}`);
    const [[serial, link, code], [, , otherCode]] = csv.text
      .split('\r\n')
      .slice(1, 3)
      .map((row) => row.split(','));

    const page = await browser.newPage();
    // The label's link, followed as a phone does: the resolver's redirect to the unit's page.
    await page.goto(`${base}${new URL(link).pathname}?lang=en`);
    expect(new URL(page.url()).pathname).toBe(`/u/06950000000019/${serial}`);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    expect(await page.getAttribute('#badge', 'data-state')).toBe('verified');
    expect(await page.textContent('h1')).toBe('婴幼儿配方奶粉');
    expect(await page.textContent('#unit [data-fact="unit-serial"]')).toContain(serial);
    // The phone checks the serial's proof: the commissioning entry in the signed ledger, of this lot, and the serial under its root.
    await page.waitForSelector('#unit[data-unit-state]', { timeout: 30_000 });
    expect(await page.getAttribute('#unit', 'data-unit-state')).toBe('verified');
    expect(await page.textContent('#unit-check-state')).toMatch(/^Checked on this device/);
    for (const fact of ['unit-serial', 'unit-commissioned']) {
      const classes = (await page.getAttribute(`#unit [data-fact="${fact}"]`, 'class')) ?? '';
      expect([fact, classes.includes('checked') && !classes.includes('unchecked')]).toEqual([fact, true]);
    }

    // A proof of another place in the tree (the service lying about the serial) fails on the phone, and the facts stay not checked.
    const lying = await browser.newPage();
    await lying.route(`**/u/06950000000019/${serial}/proof.json`, async (route) => {
      const real = await (await route.fetch()).json();
      await route.fulfill({ json: { ...real, leafIndex: 1 - real.leafIndex } });
    });
    await lying.goto(`${base}/u/06950000000019/${serial}?lang=en`);
    await lying.waitForSelector('#unit[data-unit-state]', { timeout: 30_000 });
    expect(await lying.getAttribute('#unit', 'data-unit-state')).toBe('failed');
    expect(await lying.textContent('#unit-check-state')).toBe('Unit check failed: the serial is not among those the commissioning entry commits to');
    expect(await lying.getAttribute('#unit [data-fact="unit-serial"]', 'class')).toContain('unchecked');
    await lying.close();

    await page.fill('#check-code', code.toLowerCase());
    await Promise.all([page.waitForNavigation(), page.click('#unit button[type="submit"]')]);
    expect(await page.textContent('h1')).toBe('✓ 正品 / Genuine');
    expect(await page.textContent('body')).toContain('this is its first check');

    // In Chinese, a second check of the same code says how often and since when; another unit's code does not match.
    await page.goto(`${base}/u/06950000000019/${serial}?lang=zh`);
    expect(await page.textContent('#unit h3')).toBe('验证防伪码');
    await page.fill('#check-code', code);
    await Promise.all([page.waitForNavigation(), page.click('#unit button[type="submit"]')]);
    expect(await page.textContent('body')).toMatch(/此码已被查询 2 次，首次查询于/);
    await page.goto(`${base}/u/06950000000019/${serial}?lang=zh`);
    await page.fill('#check-code', otherCode);
    await Promise.all([page.waitForNavigation(), page.click('#unit button[type="submit"]')]);
    expect(await page.textContent('h1')).toBe('✗ 未通过 / Not confirmed');
    expect(await page.textContent('body')).toContain('防伪码与该序列号不符');
    await page.close();
  });

  it('proves a serial the producer named (set 82 punctuation, 20 bytes stored padded) on the phone, and shows the unit sold', async () => {
    const { app, base, browser } = env;
    const winery = await createOrg(app, 'PRODUCER', '张裕酒庄');
    const cellar = await registerFacility(app, winery, { name: '烟台酒窖' });
    const wine = await registerProduct(app, winery, { name: '干红葡萄酒', category: 'OTHER', gtin: '06950000000026' });
    const lot = await registerBatch(app, winery, wine, cellar, { lotCode: 'W2026', quantity: 10, unit: 'bottle' });
    const serials = ['2017', 'A/B"C&1', 'x'];
    await gqlOk(
      app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      { input: { batchId: lot.id, count: 3, serials } },
      winery.key,
    );
    await gqlOk(
      app,
      'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }',
      { input: { batchId: lot.id, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-03T09:30:00.000Z', facilityId: cellar, serials: [serials[1]] } },
      winery.key,
    );
    const page = await browser.newPage();
    await page.goto(`${base}/01/06950000000026/21/${encodeURIComponent(serials[1])}?lang=en`);
    await page.waitForSelector('#unit[data-unit-state]', { timeout: 30_000 });
    expect(await page.getAttribute('#unit', 'data-unit-state')).toBe('verified');
    expect(await page.textContent('#unit [data-fact="unit-serial"]')).toContain(serials[1]);
    expect(await page.textContent('#unit-events')).toContain('Sold: 3 Nov 2026, 17:30, at 烟台酒窖');
    await page.close();
  });
});
