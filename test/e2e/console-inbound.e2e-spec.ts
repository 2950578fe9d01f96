import { describe, expect, it } from '@jest/globals';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { useBrowserApp } from '../support/chromium.js';
import { consoleTab, shootConsole, signInToConsole } from '../support/console-tab.js';
import { INITIATE_RECALL, RECORD_EVENT } from '../support/documents.js';
import { gqlOk } from '../support/test-app.js';

/**
 * A shop's receiving desk in the console (issue 19), in Debian's chromium: nothing is coming at first (the
 * list says so); a farm ships a lot to the shop, which finds it in its list of shipments to receive — who
 * shipped it, when, how much — and receives it without typing an ID. A regulator recalls the lot; the shop
 * finds the recall on its own recalls screen, reports what it got back (too much first: the API's error
 * beside the quantity), and the regulator's recall view shows the shop's recovery.
 *
 * With CONSOLE_SCREENSHOTS=<folder>, it saves the inbound list and the holder's recalls there (phone and desktop).
 */
describe('the console: receiving desk and holders’ recalls', () => {
  const env = useBrowserApp();

  it('the shop receives a shipment from its inbound list, then follows the lot’s recall and reports its recovery', async () => {
    const { app, browser, base } = env;
    const farm = await createOrg(app, 'PRODUCER', '宁河稻田合作社');
    const shop = await createOrg(app, 'RETAILER', '家乐超市（南开店）');
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    const field = await registerFacility(app, farm, { name: '宁河一号田', region: '天津市宁河区' });
    const rice = await registerProduct(app, farm, { name: '小站稻大米 5kg' });
    const lot = await registerBatch(app, farm, rice, field, { lotCode: 'NH-2026-007', quantity: 500 });
    await registerFacility(app, shop, { name: '南开店收货区', region: '天津市南开区' });

    // Nothing is on its way yet: the list says so.
    const { page, foreign, problems } = await consoleTab(browser, base);
    await signInToConsole(page, base, shop.key);
    expect(await page.locator('nav a').allTextContents()).toEqual([
      '首页',
      '批次',
      '登记批次',
      '加工转换',
      '产品与场所',
      '收货',
      '我的召回',
      '包装',
      '查询单品',
      '导出记录',
      '召回通知推送',
      'API 密钥',
    ]);
    await page.getByRole('link', { name: '收货' }).first().click();
    await page.waitForSelector('[data-empty="inbound"]');
    expect(await page.textContent('[data-empty="inbound"]')).toBe('目前没有发往贵单位的在途批次。');

    // The farm ships 500 kg; the shop's list shows it with the shipper, the time and the quantity.
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: {
          batchId: lot.id,
          bizStep: 'SHIPPING',
          eventTime: '2026-11-20T06:30:00.000Z',
          facilityId: field,
          quantity: 500,
          destinationOrganizationId: shop.id,
          details: { shipToLocation: '南开店收货区', referenceDocumentType: 'BOL', referenceDocumentNumber: 'YD-2026-1120' },
        },
      },
      farm.key,
    );
    await page.getByRole('link', { name: '我的召回' }).first().click();
    await page.getByRole('link', { name: '收货' }).first().click();
    const item = page.locator('[data-lot="NH-2026-007"]');
    await item.waitFor();
    const shown = await item.textContent();
    expect(shown).toContain('小站稻大米 5kg');
    expect(shown).toContain('宁河稻田合作社');
    expect(shown).toContain('500 kg');
    expect(shown).toContain('2026');
    await shootConsole(page, 'receive-inbound');

    // One click opens the RECEIVING form for that lot, the quantity shipped filled in; one more receives it.
    await item.getByRole('link', { name: '收货：NH-2026-007' }).click();
    await page.waitForSelector('h1:has-text("收货：NH-2026-007")');
    expect(await page.getByLabel('实收数量').inputValue()).toBe('500');
    expect(await page.getByLabel('场所').inputValue()).not.toBe('');
    await page.getByRole('button', { name: '确认收货' }).click();
    await page.waitForSelector('text=已收货，批次现由您持有。');
    await page.getByRole('link', { name: '返回待收货列表' }).click();
    await page.waitForSelector('[data-empty="inbound"]');

    // A regulator recalls the lot.
    await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [lot.id], level: 'LEVEL_2', reason: '镉含量超标' } }, regulator.key);

    // The shop sees it on its recalls screen, with the lot it holds; reporting more than it holds is refused beside the quantity.
    await page.getByRole('link', { name: '我的召回' }).first().click();
    const recall = page.locator('[data-recall]', { hasText: '镉含量超标' });
    await recall.waitFor();
    const form = recall.locator('[data-recovery-for="NH-2026-007"]');
    await form.getByLabel('回收数量 (kg)').fill('600');
    await form.getByRole('button', { name: '报告回收' }).click();
    const quantityError = form.locator('[data-field="quantity"] .field-error');
    await quantityError.waitFor();
    expect(await quantityError.textContent()).toBe(`reporting 600 kg is more than the 500 kg still to recover of batch ${lot.id}`);
    expect(await form.getByLabel('回收数量 (kg)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement.name')).toBe('quantity');

    // 200 kg returned: the recall's totals for the shop, as the API answered them.
    await form.getByLabel('回收数量 (kg)').fill('200');
    await form.getByLabel('处置方式').selectOption('RETURNED');
    await form.getByRole('button', { name: '报告回收' }).click();
    await page.waitForSelector('text=已报告回收。');
    expect(await recall.locator('[data-your-recovery]').textContent()).toBe('贵单位回收进度: 200 / 500 kg（40%）');
    await shootConsole(page, 'holder-recalls');
    expect(await page.context().cookies()).toEqual([]);
    expect([foreign, problems]).toEqual([[], []]);

    // The regulator's open recalls show the shop's recovery.
    const { page: inspector, foreign: inspectorForeign, problems: inspectorProblems } = await consoleTab(browser, base);
    await signInToConsole(inspector, base, regulator.key);
    await inspector.getByRole('link', { name: '召回' }).first().click();
    const open = inspector.locator('[data-recall]', { hasText: '镉含量超标' });
    await open.waitFor();
    expect(await open.textContent()).toContain('回收进度: 家乐超市（南开店） 200/500 kg');
    expect([inspectorForeign, inspectorProblems]).toEqual([[], []]);
  });
});
