import { describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createOrg, producerWithBatch, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { useBrowserApp } from '../support/chromium.js';
import { consoleTab, type ConsoleTab, DESKTOP, PHONE, shootConsole, signInToConsole } from '../support/console-tab.js';
import { gql, TEST_ADMIN_KEY } from '../support/test-app.js';

/**
 * The console (/console) in Debian's chromium, as its users drive it: a farm registers its field, its
 * product and a lot, records its harvest (the API's error beside the field first), prints its labels and
 * ships it; the plant receives it and pools it into a lot of rice; a regulator finds the farm's lot by its
 * trace code, traces it downstream and recalls it; the consumer page of the rice then shows the recall.
 * Then: keys and organizations, an inspection's hold and release, a logger's temperature CSV.
 *
 * With CONSOLE_SCREENSHOTS=<folder>, it also saves each main screen there (phone and desktop), for docs/console.md.
 */
describe('the console in a browser', () => {
  const env = useBrowserApp();
  const tab = (browser: Browser, viewport = PHONE): Promise<ConsoleTab> => consoleTab(browser, env.base, viewport);
  const signIn = (page: Page, key: string): Promise<void> => signInToConsole(page, env.base, key);
  const shoot = shootConsole;

  it('serves one page with a strict policy and its own files only', async () => {
    const page = await request(env.app.getHttpServer()).get('/console').expect(200);
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(page.text).not.toMatch(/<script>|<style|style=|https?:\/\//);
    expect((await request(env.app.getHttpServer()).get('/console/console.js').expect(200)).headers['content-type']).toMatch(/^text\/javascript/);
    expect((await request(env.app.getHttpServer()).get('/console/console.css').expect(200)).headers['content-type']).toMatch(/^text\/css/);
    const missing = await request(env.app.getHttpServer()).get('/console/other.js').expect(404);
    expect(missing.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('a farm registers, harvests, labels and ships a lot; the plant receives and pools it; a regulator traces and recalls it; consumers see it', async () => {
    const { app, browser } = env;
    const farm = await createOrg(app, 'PRODUCER', '小站稻种植合作社');
    const plant = await createOrg(app, 'PROCESSOR', '津南米业');
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    await registerFacility(app, plant, { name: '津南碾米厂', region: '天津市津南区' });
    await registerProduct(app, plant, { name: '小站稻大米', category: 'GRAIN', storage: 'AMBIENT' });

    // The farm, on a phone. A wrong key is refused in the API's words; the right one opens its home, in Chinese.
    const { page: farmer, foreign, problems } = await tab(browser);
    await farmer.goto(`${env.base}/console`);
    await farmer.getByLabel('API 密钥').fill('not-a-key');
    await farmer.getByRole('button', { name: '登录' }).click();
    await expect(farmer.getByRole('alert').textContent()).resolves.toMatch(/API key/i);
    await shoot(farmer, 'sign-in');
    await farmer.getByLabel('API 密钥').fill(farm.key);
    await farmer.getByRole('button', { name: '登录' }).click();
    await farmer.waitForSelector('[data-org-kind="PRODUCER"]');
    expect(await farmer.textContent('h1')).toBe('小站稻种植合作社');
    expect(await farmer.textContent('[data-org-kind]')).toBe('生产者');
    // Its navigation is a producer's: batches, register, receive; not a regulator's find or recalls.
    expect(await farmer.locator('nav a').allTextContents()).toEqual([
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
    await shoot(farmer, 'home');
    // The key lives in this tab only: no cookie was set.
    expect(await farmer.context().cookies()).toEqual([]);

    // In English, it registers a lot from its own product and facility.
    await farmer.getByRole('button', { name: 'English' }).click();
    // Its field and its paddy rice: a GTIN with a wrong check digit is refused beside the field.
    await farmer.getByRole('link', { name: 'Products and facilities' }).first().click();
    const facilityForm = farmer.locator('form', { has: farmer.getByRole('heading', { name: 'Register a facility' }) });
    await facilityForm.getByLabel('Name').fill('小站三号田');
    await facilityForm.getByLabel('Region (province/city/district)').fill('天津市津南区');
    await facilityForm.getByRole('button', { name: 'Register a facility' }).click();
    await farmer.waitForSelector('[data-facility="小站三号田"]');
    const productForm = farmer.locator('form', { has: farmer.getByRole('heading', { name: 'Register a product' }) });
    await productForm.getByLabel('Name').fill('小站稻（稻谷）');
    await productForm.getByLabel('GTIN').fill('6901234567890');
    await productForm.getByRole('button', { name: 'Register a product' }).click();
    const gtinError = productForm.locator('[data-field="gtin"] .field-error');
    await gtinError.waitFor();
    expect(await gtinError.textContent()).toMatch(/check digit/);
    await productForm.getByLabel('GTIN').fill('');
    await productForm.getByRole('button', { name: 'Register a product' }).click();
    await farmer.waitForSelector('[data-product="小站稻（稻谷）"]');
    await shoot(farmer, 'catalog');
    await farmer.getByRole('link', { name: 'Register a batch' }).first().click();
    await farmer.getByLabel('Lot code').fill('XZ-2026-001');
    await farmer.getByLabel('Quantity').fill('1000');
    await shoot(farmer, 'register-batch');
    await farmer.getByRole('button', { name: 'Register a batch' }).click();
    await farmer.waitForSelector('[data-trace-code]');
    expect(await farmer.textContent('h1')).toBe('小站稻（稻谷） · XZ-2026-001');
    expect(await farmer.textContent('[role="status"]')).toBe('The batch is registered.');
    const traceCode = (await farmer.getAttribute('[data-trace-code]', 'data-trace-code'))!;
    const lotId = new URL(farmer.url()).hash.split('/')[2].split('?')[0];

    // Its harvest: the form asks for the step's key data elements (from eventRules); left out, the API's error shows beside the field.
    await farmer.getByRole('link', { name: 'Record an event' }).click();
    await farmer.getByLabel('Step').selectOption('HARVESTING');
    expect(await farmer.locator('[data-field^="details."]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual([
      'details.fieldName',
      'details.harvestDate',
    ]);
    await farmer.getByRole('button', { name: 'Record an event' }).click();
    const fieldError = farmer.locator('[data-field="details.fieldName"] .field-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toBe('details.fieldName is required for HARVESTING: a text of 1 to 200 characters');
    const fieldInput = farmer.getByLabel('Field name');
    expect(await fieldInput.getAttribute('aria-invalid')).toBe('true');
    expect(await fieldInput.getAttribute('aria-describedby')).toBe(await fieldError.getAttribute('id'));
    expect(await farmer.evaluate('document.activeElement.name')).toBe('details.fieldName');
    await shoot(farmer, 'record-event-error');
    await fieldInput.fill('小站三号田');
    await farmer.getByLabel('Harvest date').fill(new Date().toISOString().slice(0, 10));
    await farmer.getByRole('button', { name: 'Record an event' }).click();
    await farmer.waitForSelector('.events [data-step="HARVESTING"]');
    expect(await farmer.textContent('.events [data-step="HARVESTING"]')).toContain('Field name: 小站三号田');

    // Its label sheet: fetched with the key, opened as a blob: URL of a PDF.
    const [sheetResponse, popup] = await Promise.all([
      farmer.waitForResponse((r) => new URL(r.url()).pathname === '/labels/sheet.pdf'),
      farmer.waitForEvent('popup'),
      farmer.getByRole('button', { name: 'Print labels' }).click(),
    ]);
    expect([sheetResponse.status(), sheetResponse.headers()['content-type'], new URL(sheetResponse.url()).searchParams.get('traceCodes')]).toEqual([
      200,
      'application/pdf',
      traceCode,
    ]);
    expect(await sheetResponse.request().headerValue('authorization')).toBe(`Bearer ${farm.key}`);
    expect(popup.url()).toMatch(/^blob:/);
    await popup.close();
    const sheet = farmer.locator('a.label-sheet');
    expect(await sheet.getAttribute('href')).toBe(popup.url());
    await shoot(farmer, 'batch-story');

    // It ships 1,000 kg to the plant: quantity, destination and documents, as SHIPPING's rule asks.
    await farmer.getByRole('link', { name: 'Record an event' }).click();
    await farmer.getByLabel('Step').selectOption('SHIPPING');
    await farmer.getByLabel('Quantity').fill('1000');
    await farmer.getByLabel('Receiving organization ID').fill(plant.id);
    await farmer.getByLabel('Ship-to location').fill('津南碾米厂');
    await farmer.getByLabel('Reference document type').fill('BOL');
    await farmer.getByLabel('Reference document number').fill('BOL-0001');
    await farmer.getByRole('button', { name: 'Record an event' }).click();
    await farmer.waitForSelector('[data-status="IN_TRANSIT"]');

    // The batch list filters by status and finds the lot by its code.
    await farmer.getByRole('link', { name: 'Batches' }).click();
    await farmer.getByLabel('Status').selectOption('IN_TRANSIT');
    await farmer.waitForSelector('.batch-list [data-lot="XZ-2026-001"]');
    await farmer.getByLabel('Status').selectOption('ACTIVE');
    await farmer.waitForSelector('.batch-list li.muted:not(:has-text("Loading"))');
    expect(await farmer.textContent('.batch-list')).toBe('No batches match.');
    await farmer.getByLabel('Status').selectOption('');
    await farmer.waitForSelector('.batch-list [data-lot="XZ-2026-001"]');
    await shoot(farmer, 'batches');
    expect([foreign, problems]).toEqual([[], []]);

    // The plant receives it: the lot is in its list of shipments coming to it (no batch ID to type), the quantity shipped filled in.
    const { page: miller, problems: millerProblems } = await tab(browser);
    await signIn(miller, plant.key);
    await miller.getByRole('link', { name: '收货' }).first().click();
    await miller.getByRole('link', { name: '收货：XZ-2026-001' }).click();
    expect(await miller.getByLabel('实收数量').inputValue()).toBe('1000');
    await miller.getByRole('button', { name: '确认收货' }).click();
    await miller.waitForSelector('text=已收货，批次现由您持有。');
    // It pools the lot into a lot of rice: taking more than the lot holds is refused beside that lot's line, in the API's words.
    await miller.getByRole('link', { name: '加工转换' }).first().click();
    await miller.getByRole('checkbox', { name: '使用批次 XZ-2026-001' }).check();
    const taken = miller.getByRole('spinbutton', { name: /^XZ-2026-001/ });
    await taken.fill('1200');
    await miller.getByLabel('新批号').fill('DM-2026-001');
    await miller.getByLabel('数量').fill('700');
    await miller.getByRole('button', { name: '加工转换' }).click();
    await miller.waitForSelector('.input-line .field-error:not([hidden])');
    expect(await miller.textContent('.input-line .field-error')).toBe(`inputs[0].batchId: taking 1200 kg is more than the 1000 kg left in batch ${lotId}`);
    expect(await taken.getAttribute('aria-invalid')).toBe('true');
    await taken.fill('1000');
    await shoot(miller, 'transform');
    await miller.getByRole('button', { name: '加工转换' }).click();
    await miller.waitForSelector('text=已生成批次 DM-2026-001。');
    expect(await miller.textContent('[role="status"]')).toBe('已生成批次 DM-2026-001。 物料平衡: 1000 kg → 700 kg · 得率 70.0% 批次档案');
    await miller.getByRole('link', { name: '批次档案' }).click();
    await miller.waitForSelector('[data-trace-code]');
    const pooledCode = (await miller.getAttribute('[data-trace-code]', 'data-trace-code'))!;
    expect(millerProblems).toEqual([]);

    // The regulator finds the farm's lot by its trace code (typed in lower case), traces it downstream and recalls it.
    const { page: inspector, problems: inspectorProblems } = await tab(browser, DESKTOP);
    await signIn(inspector, regulator.key);
    expect(await inspector.locator('nav a').allTextContents()).toEqual([
      '首页',
      '查找批次',
      '召回',
      '暂扣批次',
      '不合格检验',
      '冷链异常',
      '账本',
      '查询单品',
      '证书',
      '导出记录',
      '召回通知推送',
      'API 密钥',
    ]);
    await inspector.getByRole('link', { name: '查找批次' }).first().click();
    await inspector.getByLabel('追溯码或数字链接').fill(traceCode.toLowerCase());
    await shoot(inspector, 'find');
    await inspector.getByRole('button', { name: '查找' }).click();
    await inspector.waitForSelector(`[data-trace-code="${traceCode}"]`);
    // Its mock recall report, fetched with the key and opened as a PDF.
    const [report, reportPopup] = await Promise.all([
      inspector.waitForResponse((r) => new URL(r.url()).pathname === `/reports/mock-recall/${lotId}.pdf`),
      inspector.waitForEvent('popup'),
      inspector.getByRole('button', { name: '模拟召回报告（PDF）' }).click(),
    ]);
    expect([report.status(), report.headers()['content-type']]).toEqual([200, 'application/pdf']);
    expect(reportPopup.url()).toMatch(/^blob:/);
    await reportPopup.close();
    await inspector.getByRole('link', { name: '下游（去向）' }).click();
    await inspector.waitForSelector('.trace-list [data-lot="DM-2026-001"]');
    expect(await inspector.locator('.trace-graph .node').count()).toBe(2);
    expect(await inspector.textContent('.balance')).toBe('投入: XZ-2026-001 1000 kg → 产出: DM-2026-001 700 kg · 得率 70.0%');
    await inspector.getByLabel('级别').selectOption('LEVEL_1');
    await inspector.getByLabel('原因（消费者可见）').fill('镉超标');
    await shoot(inspector, 'trace-recall');
    await inspector.getByRole('button', { name: '发起召回' }).click();
    await inspector.waitForSelector('text=召回已发起，影响 2 个批次。');
    await inspector.getByRole('link', { name: '进行中的召回' }).click();
    await inspector.waitForSelector('[data-recall]');
    expect(await inspector.textContent('[data-recall]')).toContain('DM-2026-001 (小站稻大米)');
    await shoot(inspector, 'recalls');
    expect(inspectorProblems).toEqual([]);

    // A consumer scanning the rice's label sees the recall.
    const consumer = await browser.newPage();
    await consumer.goto(`${env.base}/q/${pooledCode}?lang=zh`);
    expect(await consumer.textContent('section.recall [data-fact="recall-reason"]')).toBe('镉超标');
    await consumer.close();

    // The regulator closes the recall, and checks the whole ledger and the projection audit (a long action, with progress).
    await inspector.getByLabel('结束说明（记入账本）').fill('已全部召回并销毁');
    await inspector.getByRole('button', { name: '结束召回' }).click();
    await inspector.getByText('没有进行中的召回。').waitFor();
    await inspector.getByRole('link', { name: '账本' }).first().click();
    await inspector.getByRole('button', { name: '校验整个账本' }).click();
    await inspector.getByText(/^账本完整：已重算 \d+ 条记录的哈希。$/).waitFor({ timeout: 30_000 });
    expect(await inspector.getByText(/^投影审计一致/).count()).toBe(1);
    await shoot(inspector, 'ledger');
    await inspector.getByRole('link', { name: '冷链异常' }).first().click();
    await inspector.getByText('没有冷链异常的批次。').waitFor();
    expect(inspectorProblems).toEqual([]);

    // Signing out forgets the key: the page asks for one again, also after a reload.
    await farmer.getByRole('button', { name: 'Sign out' }).click();
    await farmer.reload();
    await farmer.getByLabel('API key').waitFor();
    expect(await farmer.evaluate('sessionStorage.getItem("suyuan.console.key")')).toBeNull();
    await Promise.all([farmer.context().close(), miller.context().close(), inspector.context().close()]);
  });

  it('the admin creates an organization; that organization rotates its key: a new one used in the tab, the first revoked', async () => {
    const { page: admin, problems } = await tab(env.browser);
    await admin.goto(`${env.base}/console`);
    await admin.getByLabel('API 密钥').fill(TEST_ADMIN_KEY);
    await admin.getByRole('button', { name: '登录' }).click();
    await admin.getByText('管理员密钥（不属于任何组织）').waitFor();
    expect(await admin.locator('nav a').allTextContents()).toEqual(['首页', '组织', '暂扣批次', '不合格检验', '冷链异常', '账本', '导出记录']);
    await admin.getByRole('link', { name: '组织' }).first().click();
    await admin.getByLabel('名称').fill('天津市食品检验所');
    await admin.getByLabel('类型').selectOption('LAB');
    // A USCC with a wrong check character: the API's words beside the field.
    await admin.getByLabel('统一社会信用代码').fill('91120000MA05K0000X');
    await admin.getByRole('button', { name: '新建组织' }).click();
    const usccError = admin.locator('[data-field="uscc"] .field-error');
    await usccError.waitFor();
    expect(await usccError.textContent()).toMatch(/^uscc/);
    await admin.getByLabel('统一社会信用代码').fill('');
    await admin.getByRole('button', { name: '新建组织' }).click();
    const firstKey = (await (await admin.waitForSelector('[data-secret]')).getAttribute('data-secret'))!;
    await admin.waitForSelector('[data-org="天津市食品检验所"]');
    await shoot(admin, 'organizations');
    await admin.getByRole('button', { name: '退出' }).click();

    // The lab signs in with the key it was given, and rotates it.
    await admin.getByLabel('API 密钥').fill(firstKey);
    await admin.getByRole('button', { name: '登录' }).click();
    await admin.waitForSelector('[data-org-kind="LAB"]');
    // A lab finds the lots it samples and lists the failures it recorded (test/e2e/console-labs.e2e-spec.ts).
    expect(await admin.locator('nav a').allTextContents()).toEqual(['首页', '查找批次', '不合格检验', '导出记录', '召回通知推送', 'API 密钥']);
    await admin.getByRole('link', { name: 'API 密钥' }).first().click();
    await admin.getByLabel('用途（如“仓库扫码枪 2”）').fill('平板 2');
    await admin.getByRole('button', { name: '新建密钥' }).click();
    const secondKey = (await (await admin.waitForSelector('[data-secret]')).getAttribute('data-secret'))!;
    expect(secondKey).not.toBe(firstKey);
    await admin.getByRole('button', { name: '在本标签页改用新密钥' }).click();
    await admin.waitForSelector('[data-key-label="平板 2"]');
    const first = admin.locator('[data-key-label]:not([data-key-label="平板 2"])');
    await first.getByRole('button', { name: '吊销' }).click();
    await first.getByRole('button', { name: /^确认吊销/ }).click();
    await first.getByText('已吊销', { exact: true }).waitFor();
    await shoot(admin, 'keys');
    // The tab goes on with the new key, after a reload too; the first key is refused.
    await admin.reload();
    await admin.waitForSelector('[data-key-label="平板 2"]');
    expect((await gql(env.app, '{ viewer { organization { name } } }', {}, firstKey)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(problems).toEqual([]);
    await admin.context().close();
  });

  it('a regulator records a failed inspection, which holds the lot, and releases it with a reason', async () => {
    const { batch } = await producerWithBatch(env.app);
    const regulator = await createOrg(env.app, 'REGULATOR', '宁河区市场监督管理局');
    const { page, problems } = await tab(env.browser);
    await signIn(page, regulator.key);
    await page.goto(`${env.base}/console#/batch/${batch.id}`);
    await page.waitForSelector('[data-status="ACTIVE"]');
    await page.getByLabel('依据标准').fill('GB 2762-2022');
    await page.getByLabel('检测项目（如 镉）').fill('镉');
    await page.getByLabel('检测值').fill('0.35');
    await page.getByLabel('限量').fill('0.2');
    await page.getByLabel('单位', { exact: true }).fill('mg/kg');
    await page.getByLabel('该项结果').selectOption('false');
    // A PASS verdict with a failed item is refused in the API's words.
    await page.getByLabel('结论').selectOption('PASS');
    await page.getByRole('button', { name: '记录抽检' }).click();
    await page.getByRole('alert').filter({ hasText: 'did not pass' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'did not pass' }).textContent()).toBe('items[0] (镉) did not pass, so the verdict cannot be PASS');
    await page.getByLabel('结论').selectOption('FAIL');
    await page.getByRole('button', { name: '记录抽检' }).click();
    await page.waitForSelector('[data-status="ON_HOLD"]');
    expect(await page.textContent('.inspections [data-verdict="FAIL"]')).toContain('镉: 0.35 mg/kg (限量 0.2) · 不合格');
    await shoot(page, 'inspection-hold', '.inspections');
    // The held lots list names it with the item that failed.
    await page.getByRole('link', { name: '暂扣批次' }).first().click();
    await page.waitForSelector(`[data-lot="${batch.lotCode}"]`);
    expect(await page.textContent(`[data-lot="${batch.lotCode}"]`)).toContain('不合格项目: 镉');
    await page.getByRole('link', { name: batch.lotCode, exact: false }).click();
    await page.waitForSelector('[data-status="ON_HOLD"]');
    await page.getByLabel('解除原因（记入账本）').fill('复检合格');
    await page.getByRole('button', { name: '解除暂扣' }).click();
    await page.waitForSelector('[data-status="ACTIVE"]');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a producer uploads a chilled lot’s logger CSV: a preview with a chart first, then the excursion the API finds', async () => {
    const dairy = await createOrg(env.app, 'PRODUCER', '宁河奶牛场');
    const barn = await registerFacility(env.app, dairy);
    const milk = await registerProduct(env.app, dairy, { name: '生鲜乳', category: 'DAIRY', storage: 'CHILLED' });
    const lot = await registerBatch(env.app, dairy, milk, barn, {
      lotCode: 'RM-001',
      unit: 'L',
      producedAt: new Date(Date.now() - 4 * 3600_000).toISOString(),
    });
    // A reading every 10 minutes for two hours, 50 of them at 12 °C (0–8 °C is the range, 30 minutes tolerated), and a line that is no reading.
    const start = Date.now() - 3 * 3600_000;
    const lines = Array.from({ length: 13 }, (_, i) => `${new Date(start + i * 600_000).toISOString()},${i >= 4 && i <= 9 ? 12 : 4}`);
    const csv = ['time,celsius', ...lines.slice(0, 6), 'sensor reset,-', ...lines.slice(6)].join('\n');

    const { page, problems } = await tab(env.browser);
    await signIn(page, dairy.key);
    await page.goto(`${env.base}/console#/batch/${lot.id}`);
    await page.waitForSelector('[data-cold-chain="NO_DATA"]');
    await page.getByLabel('温度记录 CSV 文件').setInputFiles({ name: 'logger.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForSelector('.temp-chart');
    expect(await page.textContent('.preview [role="status"]')).toMatch(/^13 条读数，.+，最低 4 °C，最高 12 °C，6 条超出产品温度范围。$/);
    expect(await page.textContent('.preview [role="alert"]')).toBe('1 行不会上传： 第 8 行：“sensor reset”不是时间');
    await shoot(page, 'temperatures', '.temp-chart');
    await page.getByRole('button', { name: '上传温度记录' }).click();
    await page.waitForSelector('[data-cold-chain="EXCURSION"]');
    expect(await page.locator('.excursions [data-excursion="OUT_OF_RANGE"]').count()).toBe(1);
    expect(await page.textContent('.excursions')).toMatch(/^温度超范围: .+, \d+ min, 12–12 °C$/);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
