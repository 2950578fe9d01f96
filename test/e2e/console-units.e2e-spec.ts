import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { LABELS_PER_PAGE } from '../../src/units/unit-label-sheet.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { useBrowserApp } from '../support/chromium.js';
import { consoleTab, shootConsole, signInToConsole } from '../support/console-tab.js';
import { CREATE_ORGANIZATION } from '../support/documents.js';
import { readPdf } from '../support/pdf-reader.js';
import { gqlOk, TEST_ADMIN_KEY } from '../support/test-app.js';

const GTIN_BODY = '0690300000001';
const GTIN = `${GTIN_BODY}${gtinCheckDigit(GTIN_BODY)}`;

/** What a blob: link the page made holds, as the user gets it: by clicking it (the page's policy lets no script fetch a blob:). */
async function blobOf(page: Page, selector: string): Promise<Buffer> {
  expect(await page.getAttribute(selector, 'href')).toMatch(/^blob:/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync((await download.path())!);
}

/**
 * Serialized units and packages in the console, in Debian's chromium: a dairy commissions 50 cans of its
 * lot, downloads their CSV and label sheet, packs 20 into a case (its SSCC minted from the dairy's GS1
 * company prefix) and ships it to a shop; the shop receives the case and looks one can up: it holds it.
 */
describe('the console: serialized units and packages', () => {
  const env = useBrowserApp();

  it('a producer commissions, downloads, packs and ships units; the shop receives the case and looks a unit up', async () => {
    const { app, browser, base } = env;
    const organization = async (name: string, kind: string, gs1CompanyPrefix?: string) => {
      const made = (await gqlOk(app, CREATE_ORGANIZATION, { input: { name, kind, gs1CompanyPrefix } }, TEST_ADMIN_KEY)).createOrganization;
      return { id: made.organization.id as string, key: made.apiKey as string };
    };
    const dairy = await organization('北辰乳业', 'PRODUCER', '6903000');
    const shop = await organization('家乐超市河西店', 'RETAILER');
    const dairyFloor = await registerFacility(app, dairy, { name: '北辰灌装车间', region: '天津市北辰区' });
    await registerFacility(app, shop, { name: '河西店', region: '天津市河西区' });
    const formula = await registerProduct(app, dairy, { name: '婴幼儿配方奶粉 900g', category: 'DAIRY', gtin: GTIN });
    const lot = await registerBatch(app, dairy, formula, dairyFloor, { lotCode: 'NF-2611-07', quantity: 50, unit: 'can' });

    // The dairy signs in: its home shows its GS1 company prefix.
    const { page, foreign, problems } = await consoleTab(browser, base);
    await signInToConsole(page, base, dairy.key);
    expect(await page.getAttribute('[data-gs1-prefix]', 'data-gs1-prefix')).toBe('6903000');

    // Its lot's story: no units yet. A list naming a serial twice is refused beside the field before any request.
    await page.goto(`${base}/console#/batch/${lot.id}`);
    await page.waitForSelector('.units-panel .commissionings li.muted');
    const serials = page.getByLabel('自有序列号（每行一个，可选）');
    await serials.fill('NF-1\nNF-2\nNF-1');
    await page.getByRole('button', { name: '赋码', exact: true }).click();
    const serialsError = page.locator('.units-panel [data-field="serials"] .field-error');
    await expect(serialsError.textContent()).resolves.toMatch(/^serials\[2\]: serial "NF-1" is named twice/);
    expect(await serials.getAttribute('aria-invalid')).toBe('true');

    // 50 minted units.
    await serials.fill('');
    await page.getByLabel('数量', { exact: true }).last().fill('50');
    await page.getByRole('button', { name: '赋码', exact: true }).click();
    await page.waitForSelector('.units-panel [data-commissioning]');
    await expect(page.locator('.units-panel .commission .notice').textContent()).resolves.toMatch(/已赋码 50 个单品/);

    // The CSV, fetched with the key: a header and 50 rows of serial, Digital Link and (first download) check code.
    await page.getByRole('button', { name: '下载单品 CSV' }).click();
    await page.waitForSelector('a.unit-file-csv');
    await expect(page.locator('.units-panel .download .bytes').textContent()).resolves.toMatch(/^已下载 .+\.csv（.+）：$/);
    expect(await page.getAttribute('.units-panel .download progress', 'value')).toBe('100');
    const csv = (await blobOf(page, 'a.unit-file-csv')).toString('utf8').replace(/^\uFEFF/, '');
    const rows = csv.trim().split(/\r?\n/);
    expect(rows[0]).toMatch(/^serial,/);
    expect(rows).toHaveLength(51);
    const units = rows.slice(1).map((row) => row.split(','));
    for (const [serial, link] of units) expect(link).toMatch(new RegExp(`/01/${GTIN}/10/NF-2611-07/21/${serial}$`));

    // The label sheet: a PDF of 50 labels, 24 to an A4 page.
    await page.getByRole('button', { name: '单品标签 PDF' }).click();
    await page.waitForSelector('a.unit-file-pdf');
    const pdf = await blobOf(page, 'a.unit-file-pdf');
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(readPdf(pdf).pages).toBe(Math.ceil(50 / LABELS_PER_PAGE));
    await shootConsole(page, 'units', '.units-panel');

    // A serial already commissioned: the API's SERIAL_TAKEN, beside the serials.
    await serials.fill(units[0][0]);
    await page.getByRole('button', { name: '赋码', exact: true }).click();
    await page.locator('.units-panel [data-field="serials"] .field-error', { hasText: 'already commissioned' }).waitFor();

    // Packages: a typed SSCC with a wrong check digit is refused here; then 20 units into a case whose SSCC is minted.
    await page.goto(`${base}/console#/packages`);
    await page.waitForSelector('[data-list="packages"] li.muted');
    await page.getByLabel('GTIN').fill(GTIN);
    await page.getByLabel('单品序列号（每行一个）').fill(
      units
        .slice(0, 20)
        .map(([serial]) => serial)
        .join('\n'),
    );
    await page.getByLabel('SSCC（可选）').fill('069030000000000011');
    await page.getByRole('button', { name: '打包', exact: true }).click();
    await expect(page.locator('[data-field="sscc"] .field-error').first().textContent()).resolves.toMatch(/check digit of SSCC 069030000000000011 should be/);
    await page.getByLabel('SSCC（可选）').fill('');
    await page.getByRole('button', { name: '打包', exact: true }).click();
    const listed = page.locator('[data-list="packages"] [data-sscc]');
    await listed.first().waitFor();
    const sscc = (await listed.first().getAttribute('data-sscc'))!;
    expect(sscc).toMatch(/^06903000\d{10}$/);
    await expect(listed.first().textContent()).resolves.toMatch(/内含 20 件/);

    // Shipped to the shop, named by its organization ID as the lot SHIPPING form takes it.
    await page.getByLabel('收货组织 ID').fill(shop.id);
    await page.getByRole('button', { name: '发出包装' }).click();
    await page.waitForSelector(`[data-list="packages"] [data-sscc="${sscc}"] [data-package-status="IN_TRANSIT"]`);
    await shootConsole(page, 'packages');
    expect([foreign, problems]).toEqual([[], []]);

    // The shop: the case is on its way to it; it receives it, and it is the shop's.
    const { page: till, foreign: tillForeign, problems: tillProblems } = await consoleTab(browser, base);
    await signInToConsole(till, base, shop.key);
    await expect(till.locator('[data-gs1-prefix]').textContent()).resolves.toMatch(/未设置/);
    await till.goto(`${base}/console#/packages`);
    const inbound = till.locator(`[data-list="inbound"] [data-sscc="${sscc}"]`);
    await inbound.waitFor();
    await inbound.getByRole('button', { name: '收货' }).click();
    await till.waitForSelector(`[data-list="packages"] [data-sscc="${sscc}"] [data-package-status="PACKED"]`);
    await till.waitForSelector('[data-list="inbound"] li.muted');

    // It looks up one can by its Digital Link: its lot, the case it is in, and the shop as its holder.
    await till.goto(`${base}/console#/unit`);
    await till.getByLabel('GTIN 或单品的数字链接').fill(units[3][1]);
    await till.getByRole('button', { name: '查询' }).click();
    await till.waitForSelector(`[data-unit="${units[3][0]}"]`);
    expect(await till.getAttribute('[data-holder]', 'data-holder')).toBe(shop.id);
    await expect(till.locator('.package-path').textContent()).resolves.toBe(sscc);
    await expect(till.locator('[data-unit]').textContent()).resolves.toContain('NF-2611-07');
    expect(await till.getAttribute('a.unit-page', 'href')).toBe(`/u/${GTIN}/${units[3][0]}`);
    await shootConsole(till, 'unit-lookup');
    // A unit that does not exist is said so; a bad GTIN is refused beside its field.
    await till.getByLabel('GTIN 或单品的数字链接').fill(GTIN);
    await till.getByLabel('序列号').fill('NOPE');
    await till.getByRole('button', { name: '查询' }).click();
    await till.getByRole('alert').filter({ hasText: '没有这个单品。' }).waitFor();
    await till.getByLabel('GTIN 或单品的数字链接').fill('06903000000019');
    await till.getByRole('button', { name: '查询' }).click();
    await till.locator('[data-field="gtin"] .field-error', { hasText: 'not a valid GTIN' }).waitFor();
    expect([tillForeign, tillProblems]).toEqual([[], []]);
  });
});
