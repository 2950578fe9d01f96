import { describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { launchChromium, useBrowserApp } from '../support/chromium.js';
import { consoleTab, type ConsoleTab, DESKTOP, PHONE, shootConsole, signInToConsole } from '../support/console-tab.js';

/**
 * Stands in for the browser's BarcodeDetector, which Linux chromium does not have (Chrome on Android, macOS and
 * Windows do). Like the real one it reads only a frame that has pixels — a playing video (here the fake camera's)
 * or a decoded photo — and answers what the "label" in front of it holds: the test decides that by setting
 * window.__labelText. It counts the frames it was given, so the test knows the camera's frames reach it.
 */
const STAND_IN_DETECTOR = `
  window.BarcodeDetector = class BarcodeDetector {
    static async getSupportedFormats() { return ['qr_code', 'ean_13']; }
    constructor(options) { this.formats = (options && options.formats) || []; }
    async detect(source) {
      const width = (source && (source.videoWidth || source.width)) || 0;
      if (!width || !this.formats.includes('qr_code')) return [];
      window.__framesRead = (window.__framesRead || 0) + 1;
      return window.__labelText ? [{ rawValue: window.__labelText, format: 'qr_code' }] : [];
    }
  };`;

/** A fake camera (a test pattern as its video) that the page may open without a prompt. */
const FAKE_CAMERA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/**
 * Labs and regulators in the console (issue 19), in Debian's chromium: a lab finds a lot by its trace code and by
 * GTIN + lot, records a failed inspection from the story; the regulator's list of failed inspections shows it, still
 * held, then released; a QR label is scanned with the camera and read from a photo, where the browser has a
 * detector, and the Find screen says why it cannot where it has none.
 */
describe('the console for labs', () => {
  const env = useBrowserApp({ chromiumArgs: FAKE_CAMERA });
  const tab = (browser: Browser, viewport = PHONE): Promise<ConsoleTab> => consoleTab(browser, env.base, viewport);
  const signIn = (page: Page, key: string): Promise<void> => signInToConsole(page, env.base, key);
  // Two farms' products (a GTIN names one product): each test registers its own.
  const GTIN = '06920000000524';
  const SCANNED_GTIN = '06920000000531';

  async function farmWithLots(gtin: string) {
    const farm = await createOrg(env.app, 'PRODUCER', '宁河稻香合作社');
    const field = await registerFacility(env.app, farm, { name: '宁河一号田' });
    const rice = await registerProduct(env.app, farm, { name: '小站稻 大米 5kg', gtin });
    const first = await registerBatch(env.app, farm, rice, field, { lotCode: 'XZD-2026-0101' });
    const second = await registerBatch(env.app, farm, rice, field, { lotCode: 'XZD-2026-0102' });
    return { first, second };
  }

  async function openFind(page: Page): Promise<void> {
    await page.getByRole('link', { name: '查找批次' }).first().click();
    await page.getByLabel('追溯码或数字链接').waitFor();
  }

  it('allows the camera to the console page itself only', async () => {
    const page = await request(env.app.getHttpServer()).get('/console').expect(200);
    expect(page.headers['permissions-policy']).toBe('camera=(self), microphone=(), geolocation=()');
    // Framing stays refused, so no other site's frame can borrow the page's camera.
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('a lab finds lots by trace code and by GTIN + lot, records a failed inspection; the regulator lists it, releases the lot', async () => {
    const { first, second } = await farmWithLots(GTIN);
    const lab = await createOrg(env.app, 'LAB', '天津市食品检验所');
    const regulator = await createOrg(env.app, 'REGULATOR', '宁河区市场监督管理局');

    const { page, foreign, problems } = await tab(env.browser);
    await signIn(page, lab.key);
    // A lab's navigation: finding a lot and its failed inspections, besides its keys.
    expect(await page.locator('nav a').allTextContents()).toEqual(['首页', '查找批次', '不合格检验', '导出记录', '召回通知推送', 'API 密钥']);

    // This chromium has no BarcodeDetector: the Find screen says so and offers no scan button.
    await openFind(page);
    expect(await page.evaluate("'BarcodeDetector' in window")).toBe(false);
    await page.locator('.scan-unsupported').waitFor();
    expect(await page.textContent('.scan-unsupported')).toContain('BarcodeDetector');
    expect(await page.getByRole('button', { name: '扫码', exact: true }).count()).toBe(0);
    expect(await page.getByLabel('拍摄或选择标签照片').count()).toBe(0);

    // By trace code, as printed under the label (typed in lower case).
    await page.getByLabel('追溯码或数字链接').fill(first.traceCode.toLowerCase());
    await page.getByRole('button', { name: '查找' }).click();
    await page.waitForSelector(`[data-trace-code="${first.traceCode}"]`);

    // By GTIN and lot code.
    await openFind(page);
    await page.getByLabel('追溯码或数字链接').fill(GTIN);
    await page.getByLabel('批号 (GTIN)').fill(second.lotCode);
    await shootConsole(page, 'lab-find');
    await page.getByRole('button', { name: '查找' }).click();
    await page.waitForSelector(`[data-trace-code="${second.traceCode}"]`);

    // From the story, the lab records the inspection that failed: the lot is held.
    await page.getByLabel('检测机构').fill('天津市食品检验所');
    await page.getByLabel('依据标准').fill('GB 2762-2022');
    await page.getByLabel('检测项目（如 镉）').fill('镉 (Cd)');
    await page.getByLabel('检测值').fill('0.35');
    await page.getByLabel('限量').fill('0.2');
    await page.getByLabel('单位', { exact: true }).fill('mg/kg');
    await page.getByLabel('该项结果').selectOption('false');
    await page.getByLabel('结论').selectOption('FAIL');
    await page.getByRole('button', { name: '记录抽检' }).click();
    await page.waitForSelector('[data-status="ON_HOLD"]');

    // The lab's own list of failed inspections shows it.
    await page.getByRole('link', { name: '不合格检验' }).first().click();
    const labRow = page.locator(`[data-lot="${second.lotCode}"]`);
    await labRow.waitFor();
    expect(await labRow.locator('[data-standing]').textContent()).toBe('仍在暂扣');
    expect(await page.textContent('.screen')).toContain('仅显示本机构录入的检验');
    expect([foreign, problems]).toEqual([[], []]);
    await page.context().close();

    // The regulator, on a desktop: the lot, the item measured against its limit, who inspected and whether it is still held.
    const { page: office, foreign: officeForeign, problems: officeProblems } = await tab(env.browser, DESKTOP);
    await signIn(office, regulator.key);
    await office.getByRole('link', { name: '不合格检验' }).first().click();
    const row = office.locator(`[data-lot="${second.lotCode}"]`);
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('小站稻 大米 5kg');
    expect(text).toContain('镉 (Cd): 实测 0.35 mg/kg · 限量 0.2 mg/kg · 不合格');
    expect(text).toContain('检验方: 天津市食品检验所');
    expect(text).toContain('GB 2762-2022');
    expect(await row.locator('[data-standing]').textContent()).toBe('仍在暂扣');
    await shootConsole(office, 'failed-inspections');
    // Its lot's story, where the regulator releases it; the list then says so.
    await row.getByRole('link').click();
    await office.waitForSelector('[data-status="ON_HOLD"]');
    await office.getByLabel('解除原因（记入账本）').fill('复检合格：镉 0.12 mg/kg');
    await office.getByRole('button', { name: '解除暂扣' }).click();
    await office.waitForSelector('[data-status="ACTIVE"]');
    await office.getByRole('link', { name: '不合格检验' }).first().click();
    await office.locator(`[data-lot="${second.lotCode}"] [data-standing="ACTIVE"]`).waitFor();
    expect(await office.textContent(`[data-lot="${second.lotCode}"] [data-standing]`)).toBe('已放行');
    expect([officeForeign, officeProblems]).toEqual([[], []]);
    await office.context().close();
  });

  /** A lab's tab whose page has the stand-in detector, and may use the (fake) camera. */
  async function scanningTab(browser: Browser, key: string): Promise<ConsoleTab & { context: BrowserContext }> {
    const t = await tab(browser);
    const context = t.page.context();
    await context.grantPermissions(['camera'], { origin: env.base });
    await context.addInitScript(STAND_IN_DETECTOR);
    await signIn(t.page, key);
    return { ...t, context };
  }

  it('scans a lot’s QR label with the camera, or reads it from a photo, and opens the lot’s story', async () => {
    const { first, second } = await farmWithLots(SCANNED_GTIN);
    const lab = await createOrg(env.app, 'LAB');
    const { page, foreign, problems, context } = await scanningTab(env.browser, lab.key);

    // The camera: its frames go to the detector until it reads the label (the page URL a label encodes).
    await openFind(page);
    await page.getByRole('button', { name: '扫码', exact: true }).click();
    await page.getByRole('button', { name: '停止扫码' }).waitFor();
    await page.waitForFunction(() => ((globalThis as { __framesRead?: number }).__framesRead ?? 0) > 0);
    expect(await page.evaluate("(v => v.videoWidth > 0 && !v.paused)(document.querySelector('video.scan-video'))")).toBe(true);
    await shootConsole(page, 'scan');
    await page.evaluate(`window.__labelText = ${JSON.stringify(`${env.base}/q/${first.traceCode}`)}`);
    await page.waitForSelector(`[data-trace-code="${first.traceCode}"]`);

    // Stop turns the camera off.
    await page.evaluate('delete window.__labelText');
    await openFind(page);
    await page.getByRole('button', { name: '扫码', exact: true }).click();
    await page.getByRole('button', { name: '停止扫码' }).click();
    await page.getByRole('button', { name: '扫码', exact: true }).waitFor();
    expect(await page.evaluate("(v => v.srcObject === null && v.hidden)(document.querySelector('video.scan-video'))")).toBe(true);

    // A photo of the label (any picture: the stand-in reads what the test says the label holds), a GS1 Digital Link.
    const photo = await page.screenshot();
    await page.evaluate(`window.__labelText = ${JSON.stringify(`https://id.example.cn/01/${SCANNED_GTIN}/10/${encodeURIComponent(second.lotCode)}`)}`);
    await page.getByLabel('拍摄或选择标签照片').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: photo });
    await page.waitForSelector(`[data-trace-code="${second.traceCode}"]`);
    expect([foreign, problems]).toEqual([[], []]);
    await context.close();
  });

  it('says in words when there is no camera to open', async () => {
    // A chromium with no camera at all (no fake device): the detector is there, the camera is not.
    const bare = await launchChromium();
    try {
      const lab = await createOrg(env.app, 'LAB');
      const { page, foreign, problems } = await scanningTab(bare, lab.key);
      await openFind(page);
      await page.getByRole('button', { name: '扫码', exact: true }).click();
      const alert = page.locator('.scan [role="alert"]');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/^(未找到可用的摄像头|摄像头权限被拒绝|无法打开摄像头)/);
      // The scan button is back, the video hidden; typing still works.
      expect(await page.getByRole('button', { name: '扫码', exact: true }).isVisible()).toBe(true);
      expect(await page.locator('video.scan-video').isHidden()).toBe(true);
      expect([foreign, problems]).toEqual([[], []]);
    } finally {
      await bare.close();
    }
  });
});
