import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { useBrowserApp } from '../support/chromium.js';
import { consoleTab, type ConsoleTab, shootConsole, signInToConsole } from '../support/console-tab.js';
import { INITIATE_RECALL, RECORD_EVENT } from '../support/documents.js';
import { gqlOk } from '../support/test-app.js';

/**
 * The console's records screens in Debian's chromium: certificates (a producer attaches one to its
 * product, a regulator attests it, both see it attested on the batch story; a certification body attests
 * another by its ID), recall webhooks (a private address refused beside the field, then the deliveries of
 * a recall) and exports (a regulator downloads the events and trace sheets with progress, the bytes
 * being those the routes serve).
 *
 * With CONSOLE_SCREENSHOTS=<folder>, it also saves its main screens there (phone and desktop), for docs/console.md.
 */
describe('the console’s certificates, webhooks and exports', () => {
  // Webhooks may reach this test's own endpoint on loopback, by the name localhost, over plain http.
  const env = useBrowserApp({ env: { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: 'localhost' } });
  const tabs: ConsoleTab[] = [];
  const tab = async (browser: Browser): Promise<Page> => {
    const opened = await consoleTab(browser, env.base);
    tabs.push(opened);
    return opened.page;
  };
  const signIn = (page: Page, key: string): Promise<void> => signInToConsole(page, env.base, key);
  const english = (page: Page) => page.getByRole('button', { name: 'English' }).click();

  /** No request left the service's origin, nothing was logged as an error (a CSP refusal would be), no cookie was set. */
  const expectClean = async () => {
    expect(tabs.flatMap((t) => t.foreign)).toEqual([]);
    expect(tabs.flatMap((t) => t.problems)).toEqual([]);
    for (const t of tabs) expect(await t.page.context().cookies()).toEqual([]);
  };

  /** A farm with its field, its organic rice and a lot of it, harvested. */
  async function farmWithLot(name: string) {
    const farm = await createOrg(env.app, 'PRODUCER', name);
    const facilityId = await registerFacility(env.app, farm, { name: '小站三号田', region: '天津市津南区' });
    const productName = `${name}有机稻`;
    const productId = await registerProduct(env.app, farm, { name: productName });
    const lot = await registerBatch(env.app, farm, productId, facilityId, { lotCode: `${name.slice(0, 2)}-2026-001`, producedAt: new Date().toISOString() });
    await gqlOk(
      env.app,
      RECORD_EVENT,
      {
        input: {
          batchId: lot.id,
          bizStep: 'HARVESTING',
          eventTime: new Date().toISOString(),
          facilityId,
          details: { fieldName: '小站三号田', harvestDate: new Date().toISOString().slice(0, 10) },
        },
      },
      farm.key,
    );
    return { farm, facilityId, productId, productName, lot };
  }

  const document = (text: string) => ({ name: 'certificate.pdf', mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.7 ${text}`) });
  const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

  it('a producer attaches a certificate to its product, a regulator attests it, both see it attested; a certifier attests one by its ID', async () => {
    const { farm, productName, lot } = await farmWithLot('小站稻合作社');
    const regulator = await createOrg(env.app, 'REGULATOR', '天津市市场监督管理局');
    const certifier = await createOrg(env.app, 'CERTIFIER', '中绿华夏有机食品认证中心');
    const scan = document('organic 2026');

    // The farm, in English: its product's certificates, attached in the catalog. A wrong number first: the API's words beside the field.
    const farmer = await tab(env.browser);
    await signIn(farmer, farm.key);
    await english(farmer);
    await farmer.getByRole('link', { name: 'Products and facilities' }).first().click();
    const product = farmer.locator(`[data-product="${productName}"]`);
    await product.getByText('No certificates yet.').waitFor();
    await product.locator('summary', { hasText: 'Attach a certificate' }).click();
    await product.getByLabel('Kind').selectOption('ORGANIC');
    await product.getByLabel('Certificate number').fill('ORG-1');
    await product.getByLabel('Issuer').fill('中绿华夏有机食品认证中心');
    await product.getByLabel('Valid from').fill('2026-01-01');
    await product.getByLabel('Valid until').fill('2027-12-31');
    await product.getByLabel('Certificate document').setInputFiles(scan);
    // Its SHA-256 is computed in the browser, never uploaded.
    await expect(waitForValue(product.getByLabel('Document SHA-256'))).resolves.toBe(sha256(scan.buffer));
    await product.getByRole('button', { name: 'Attach a certificate' }).click();
    const numberError = product.locator('[data-field="number"] .field-error');
    await numberError.waitFor();
    expect(await numberError.textContent()).toBe('number: a ORGANIC certificate number is 17 digits, got "ORG-1"');
    expect(await product.getByLabel('Certificate number').getAttribute('aria-invalid')).toBe('true');
    await product.getByLabel('Certificate number').fill('12345678901234567');
    await product.getByRole('button', { name: 'Attach a certificate' }).click();
    const declared = farmer.locator('[data-product] [data-certificate="12345678901234567"]');
    await declared.waitFor();
    expect(await declared.getAttribute('data-standing')).toBe('DECLARED');
    expect(await declared.textContent()).toContain('Declared by the producer, not attested');
    expect(await declared.textContent()).toContain('2026-01-01 – 2027-12-31');

    // The regulator opens the lot's story: the product's certificate, declared; it attests it, naming the document it checked.
    const inspector = await tab(env.browser);
    await signIn(inspector, regulator.key);
    await inspector.goto(`${env.base}/console#/batch/${lot.id}`);
    const onStory = inspector.locator('.certificates [data-certificate="12345678901234567"]');
    await onStory.waitFor();
    expect(await onStory.getAttribute('data-standing')).toBe('DECLARED');
    await onStory.locator('summary', { hasText: '认证此证书' }).click();
    // Another document than the one recorded: refused, beside the field, in the API's words.
    await onStory.getByLabel('证书文件（').setInputFiles(document('a forgery'));
    await waitForValue(onStory.getByLabel('证书文件 SHA-256'));
    await onStory.getByRole('button', { name: '认证此证书' }).click();
    const hashError = onStory.locator('[data-field="documentSha256"] .field-error');
    await hashError.waitFor();
    expect(await hashError.textContent()).toMatch(
      /^documentSha256: certificate .+ was recorded with document [0-9a-f]{64}, not [0-9a-f]{64}; attest only the document you checked$/,
    );
    await onStory.getByLabel('证书文件（').setInputFiles(scan);
    await expect(waitForValue(onStory.getByLabel('证书文件 SHA-256'), sha256(scan.buffer))).resolves.toBe(sha256(scan.buffer));
    await onStory.getByRole('button', { name: '认证此证书' }).click();
    await inspector.waitForSelector('.certificates [data-certificate="12345678901234567"][data-standing="ATTESTED"]');
    const attested = inspector.locator('.certificates [data-certificate="12345678901234567"]');
    expect(await attested.textContent()).toContain('已认证');
    expect(await attested.textContent()).toContain('天津市市场监督管理局');
    await shootConsole(inspector, 'certificates', '.certificates');

    // The farm sees it attested, by the regulator, on its lot's story; it declares a green-food certificate of the lot there.
    await farmer.goto(`${env.base}/console#/batch/${lot.id}`);
    const farmSees = farmer.locator('.certificates [data-certificate="12345678901234567"]');
    await farmSees.waitFor();
    expect(await farmSees.getAttribute('data-standing')).toBe('ATTESTED');
    expect(await farmSees.textContent()).toContain('Attested by天津市市场监督管理局');
    const greenScan = document('green food 2026');
    const storyForm = farmer.locator('.certificates');
    await storyForm.locator('summary', { hasText: 'Attach a certificate' }).click();
    await storyForm.getByLabel('Kind').selectOption('GREEN_FOOD');
    await storyForm.getByLabel('Certificate number').fill('GF120100260001');
    await storyForm.getByLabel('Issuer').fill('中国绿色食品发展中心');
    await storyForm.getByLabel('Valid from').fill('2026-03-01');
    await storyForm.getByLabel('Valid until').fill('2029-02-28');
    await storyForm.getByLabel('Certificate document').setInputFiles(greenScan);
    await waitForValue(storyForm.getByLabel('Document SHA-256'), sha256(greenScan.buffer));
    await storyForm.getByRole('button', { name: 'Attach a certificate' }).click();
    const green = farmer.locator('.certificates [data-certificate="GF120100260001"]');
    await green.waitFor();
    const greenId = (await green.locator('.certificate-id').textContent())!;

    // The certification body may read no batch: it attests the certificate by the ID the farm gives it.
    const body = await tab(env.browser);
    await signIn(body, certifier.key);
    expect(await body.locator('nav a').allTextContents()).toEqual(['首页', '证书', '导出记录', '召回通知推送', 'API 密钥']);
    await body.getByRole('link', { name: '证书' }).first().click();
    const attestPanel = body.locator('section.panel', { has: body.getByRole('heading', { name: '认证此证书' }) });
    await attestPanel.getByLabel('证书 ID').fill(greenId);
    await attestPanel.getByLabel('证书文件（').setInputFiles(greenScan);
    await waitForValue(attestPanel.getByLabel('证书文件 SHA-256'), sha256(greenScan.buffer));
    await shootConsole(body, 'certifier');
    await attestPanel.getByRole('button', { name: '认证此证书' }).click();
    const done = attestPanel.locator('[data-certificate="GF120100260001"][data-standing="ATTESTED"]');
    await done.waitFor();
    expect(await done.textContent()).toContain('中绿华夏有机食品认证中心');
    // Once per certificate: a second attestation is refused in the API's words.
    await attestPanel.getByRole('button', { name: '认证此证书' }).click();
    await expect(attestPanel.getByRole('alert').textContent()).resolves.toContain('is already attested by 中绿华夏有机食品认证中心');
    await farmer.reload();
    await farmer.locator('.certificates [data-certificate="GF120100260001"][data-standing="ATTESTED"]').waitFor();
    await expectClean();
  });

  it('an organization registers its recall webhook (a private address refused first) and sees the deliveries of a recall', async () => {
    const { farm, lot } = await farmWithLot('宁河蔬菜基地');
    const regulator = await createOrg(env.app, 'REGULATOR');
    // The farm's endpoint: the first attempt fails (500), the retry succeeds.
    let calls = 0;
    const endpoint = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        res.statusCode = calls === 1 ? 500 : 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    try {
      const page = await tab(env.browser);
      await signIn(page, farm.key);
      await english(page);
      await page.getByRole('link', { name: 'Recall webhooks' }).first().click();
      await page.getByText('No deliveries yet.').waitFor();
      await page.getByLabel('Endpoint for recall notices (https)').fill('https://192.168.1.20/recalls');
      await page.getByRole('button', { name: 'Register the endpoint' }).click();
      const urlError = page.locator('[data-field="url"] .field-error');
      await urlError.waitFor();
      expect(await urlError.textContent()).toMatch(/^url host 192\.168\.1\.20 is a private address.*webhooks go to public addresses only$/);
      expect(await page.getByLabel('Endpoint for recall notices (https)').getAttribute('aria-invalid')).toBe('true');
      const url = `http://localhost:${(endpoint.address() as AddressInfo).port}/recalls`;
      await page.getByLabel('Endpoint for recall notices (https)').fill(url);
      await page.getByRole('button', { name: 'Register the endpoint' }).click();
      const secret = page.locator('.webhook-secret');
      await secret.waitFor();
      expect(await secret.textContent()).toMatch(/\S{20,}/);
      expect(await page.locator('[data-field="url"] .field-error').isHidden()).toBe(true);

      // A regulator recalls the farm's lot: the notice is queued for the farm's endpoint, fails once, then arrives.
      await gqlOk(env.app, INITIATE_RECALL, { input: { batchIds: [lot.id], level: 'LEVEL_2', reason: '农药残留超标' } }, regulator.key);
      await until('the notice arrives on the second attempt', async () => {
        const { webhookDeliveries } = await gqlOk(env.app, '{ webhookDeliveries { status } }', {}, farm.key);
        return webhookDeliveries[0]?.status === 'DELIVERED';
      });
      await page.getByRole('button', { name: 'Refresh' }).click();
      const row = page.locator('tr[data-delivery]');
      await row.waitFor();
      expect(await row.count()).toBe(1);
      expect(await row.getAttribute('data-status')).toBe('DELIVERED');
      expect(await row.locator('td').allTextContents()).toEqual([expect.any(String), 'Delivered', '2', expect.any(String), '—', expect.any(String)]);
      await shootConsole(page, 'webhooks');
      await expectClean();
    } finally {
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });

  it('a regulator downloads the events and trace sheets with progress, the bytes the routes serve; a cancel; a refusal in words', async () => {
    const { lot, productId } = await farmWithLot('津南米业');
    const regulator = await createOrg(env.app, 'REGULATOR');
    const page = await tab(env.browser);
    await signIn(page, regulator.key);
    await page.goto(`${env.base}/console#/batch/${lot.id}`);
    await page.getByRole('link', { name: '导出此批次的记录' }).click();
    await page.getByRole('heading', { name: '导出记录', level: 1 }).waitFor();
    expect(await page.getByLabel('批次 ID').inputValue()).toBe(lot.id);
    expect(await page.getByLabel('产品 ID').inputValue()).toBe(productId);

    /** Clicks a download of a group, and checks the saved file is byte for byte what the route serves to the same key. */
    const download = async (group: string, button: string, route: string) => {
      const section = page.locator('section.export-group', { has: page.getByRole('heading', { name: group }) });
      const [response, saved] = await Promise.all([
        page.waitForResponse((r) => new URL(r.url()).pathname === route),
        page.waitForEvent('download'),
        section.getByRole('button', { name: button }).click(),
      ]);
      expect(await response.request().headerValue('authorization')).toBe(`Bearer ${regulator.key}`);
      const served = await request(env.app.getHttpServer())
        .get(new URL(response.url()).pathname + new URL(response.url()).search)
        .set('authorization', `Bearer ${regulator.key}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const bytes = await readFile((await saved.path())!);
      expect(bytes.equals(served.body as Buffer)).toBe(true);
      expect(saved.suggestedFilename()).toBe(/filename="([^"]+)"/.exec(served.headers['content-disposition'] as string)![1]);
      // The progress: every byte of a known length, 100 %.
      const progress = section.locator('.download');
      expect([await progress.getAttribute('data-received'), await progress.getAttribute('data-total')]).toEqual([String(bytes.length), String(bytes.length)]);
      expect(await section.locator('progress').getAttribute('value')).toBe('100');
      expect(await section.locator(`a.downloaded[download="${saved.suggestedFilename()}"]`).getAttribute('data-bytes')).toBe(String(bytes.length));
      return bytes;
    };
    const events = await download('一个产品在某段时间的事件', 'FSMA 204 表格（CSV）', '/exports/events.csv');
    expect(events.toString('utf8')).toContain('小站三号田');
    const trace = await download('一个批次的追溯', 'FSMA 204 表格（CSV）', '/exports/trace.csv');
    expect(trace.toString('utf8')).toContain(lot.lotCode);
    await shootConsole(page, 'exports');

    // A download can be cancelled: the route is held unanswered here until Cancel aborts the fetch.
    const traceGroup = page.locator('section.export-group', { has: page.getByRole('heading', { name: '一个批次的追溯' }) });
    await page.route('**/exports/trace.xlsx?**', () => undefined);
    // (While busy, its words say so: it is found by the file it fetches.)
    const xlsx = traceGroup.locator('button[data-download="trace.xlsx"]');
    expect(await xlsx.textContent()).toBe('FSMA 204 表格（Excel）');
    await xlsx.click();
    const cancel = traceGroup.getByRole('button', { name: '取消' });
    await cancel.waitFor();
    expect([await xlsx.getAttribute('aria-busy'), await xlsx.isDisabled(), await traceGroup.locator('.download .bytes').textContent()]).toEqual([
      'true',
      true,
      '正在下载…',
    ]);
    await cancel.click();
    await traceGroup.getByText('下载已取消。').waitFor();
    expect([await xlsx.getAttribute('aria-busy'), await xlsx.isDisabled(), await xlsx.textContent()]).toEqual([null, false, 'FSMA 204 表格（Excel）']);
    await page.unroute('**/exports/trace.xlsx?**');

    // A lot that does not exist: the route's refusal, in its words.
    await page.getByLabel('批次 ID').fill('00000000-0000-4000-8000-000000000000');
    await traceGroup.getByRole('button', { name: '追溯批次清单（CSV）' }).click();
    await expect(traceGroup.getByRole('alert').textContent()).resolves.toBe('no batch has id 00000000-0000-4000-8000-000000000000');
    // One that is no UUID is named beside its field before anything is fetched.
    await page.getByLabel('批次 ID').fill('XZ-2026-001');
    await traceGroup.getByRole('button', { name: '追溯批次清单（CSV）' }).click();
    await expect(traceGroup.locator('[data-field="batchId"] .field-error').textContent()).resolves.toContain('batchId');
    await expectClean();
  });
});

/** The control's value once it is set (to `expected` when given): the page computes it after an event. */
async function waitForValue(control: ReturnType<Page['getByLabel']>, expected?: string): Promise<string> {
  await control.page().waitForFunction(
    ([element, want]) => {
      const value = (element as unknown as { value: string }).value;
      return want ? value === want : value !== '';
    },
    [await control.elementHandle(), expected ?? ''] as const,
  );
  return control.inputValue();
}

/** Waits (polling, never timing anything) until `ready` holds; fails naming `what` after 20 s. */
async function until(what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
