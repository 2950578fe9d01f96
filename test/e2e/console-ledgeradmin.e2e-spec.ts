import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { App } from 'supertest/types.js';
import { parseSigningKey, verifierKey } from '../../src/ledger/signing-key.js';
import { rawPublicKey, witnessVerifierKey } from '../../src/witnesses/cosignature.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { launchChromium } from '../support/chromium.js';
import { consoleTab, shootConsole, signInToConsole } from '../support/console-tab.js';
import { freePort } from '../support/service-process.js';
import { createTestApp, listenOnLoopback, TEST_ADMIN_KEY, TEST_SIGNING_SEED } from '../support/test-app.js';
import { startWitness, type WitnessProcess } from '../support/witness-process.js';
import { createTestDatabase, type TestDatabase } from '../test-database.js';

/**
 * The console's split transformation, the admin's keys of an organization and the ledger's state, in
 * Debian's chromium: a mill splits one lot into two (the mass balance shown before it is sent; a repeated
 * output lot and an over-take refused beside their lines); the admin rotates an organization's key (the new
 * one works in a fresh tab, the revoked one is refused); a regulator's Ledger screen shows the witnesses (one
 * cosigning, one down) and the last audit. With CONSOLE_SCREENSHOTS=<folder>, it saves those screens.
 */
describe('the console: splitting, an organization’s keys, the ledger’s state', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let base: string;
  let browser: Browser;
  let dir: string;
  let witness: WitnessProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'suyuan-console-ledgeradmin-'));
    witness = await startWitness(dir, verifierKey('suyuan.test/ledger', parseSigningKey(TEST_SIGNING_SEED).publicKeyRaw), 'witness.test/console');
    const downKey = witnessVerifierKey('witness.test/down', rawPublicKey(generateKeyPairSync('ed25519').privateKey));
    db = await createTestDatabase();
    app = await createTestApp(db.url, {
      CHECKPOINT_INTERVAL_MS: '100',
      WITNESS_URLS: `${witness.url} ${witness.key},http://127.0.0.1:${await freePort()} ${downKey}`,
      WITNESS_TIMEOUT_MS: '2000',
    });
    base = await listenOnLoopback(app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
    witness?.child.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a mill splits one lot into two: the balance first, each refusal beside its line, then both lots made', async () => {
    const mill = await createOrg(app, 'PROCESSOR', '津南米业');
    const facility = await registerFacility(app, mill, { name: '津南碾米厂', region: '天津市津南区' });
    const paddy = await registerProduct(app, mill, { name: '稻谷', category: 'GRAIN', storage: 'AMBIENT' });
    await registerProduct(app, mill, { name: '大米', category: 'GRAIN', storage: 'AMBIENT' });
    await registerProduct(app, mill, { name: '碎米', category: 'GRAIN', storage: 'AMBIENT' });
    await registerBatch(app, mill, paddy, facility, { lotCode: 'DG-2026-007', quantity: 1000, unit: 'kg' });

    const { page, foreign, problems } = await consoleTab(browser, base);
    await signInToConsole(page, base, mill.key);
    await page.getByRole('link', { name: '加工转换' }).first().click();
    await page.getByRole('checkbox', { name: '使用批次 DG-2026-007' }).check();
    const taken = page.getByRole('spinbutton', { name: /^DG-2026-007/ });
    await taken.fill('800');
    const first = page.locator('.output-line').nth(0);
    await first.getByLabel('产品').selectOption({ label: '大米' });
    await first.getByLabel('新批号').fill('DM-2026-007');
    await first.getByLabel('数量').fill('500');
    // Only one output: it cannot be removed.
    expect(await first.getByRole('button', { name: '删除此产出' }).isHidden()).toBe(true);
    await page.getByRole('button', { name: '添加产出批次' }).click();
    const second = page.locator('.output-line').nth(1);
    expect(await second.locator('legend').textContent()).toBe('产出 2');
    await second.getByLabel('产品').selectOption({ label: '大米' });
    await second.getByLabel('新批号').fill('DM-2026-007');
    await second.getByLabel('数量').fill('250');
    // The balance before anything is sent: 800 kg taken, 750 kg made.
    const balance = page.locator('[data-balance]');
    expect(await balance.locator('p').first().textContent()).toBe('投入 800 kg → 产出 750 kg · 得率 93.8%（按重量，1 升按 1 千克计）');

    // The same lot twice: the API's error beside the second output's lot code.
    await page.getByRole('button', { name: '加工转换' }).click();
    const lotError = second.locator('[data-field="outputs[1].lotCode"] .field-error');
    await lotError.waitFor();
    expect(await lotError.textContent()).toBe('outputs[1].lotCode: lot DM-2026-007 of this product is listed twice');
    expect(await second.getByLabel('新批号').getAttribute('aria-invalid')).toBe('true');
    await second.getByLabel('产品').selectOption({ label: '碎米' });
    await second.getByLabel('新批号').fill('SM-2026-007');

    // Taking more than the lot has: the balance says so first, and the API refuses it beside the lot's line.
    await taken.fill('1200');
    expect(await balance.locator('.warning').textContent()).toBe('DG-2026-007：投入 1200 kg，超过剩余的 1000 kg');
    await page.getByRole('button', { name: '加工转换' }).click();
    await page.waitForSelector('.input-line .field-error:not([hidden])');
    expect(await page.textContent('.input-line .field-error')).toMatch(/^inputs\[0\]\.batchId: taking 1200 kg is more than the 1000 kg left in batch /);
    await taken.fill('800');
    expect(await balance.locator('.warning').count()).toBe(0);
    await shootConsole(page, 'transform-split', '[data-balance]');

    await page.getByRole('button', { name: '加工转换' }).click();
    await page.waitForSelector('text=已生成批次 DM-2026-007, SM-2026-007。');
    expect(await page.locator('[data-made]').allTextContents()).toEqual(['批次档案 DM-2026-007', '批次档案 SM-2026-007']);
    expect(await page.locator('.status [role="status"]').textContent()).toContain('物料平衡: 800 kg → 750 kg · 得率 93.8%');
    await page.locator('[data-made="SM-2026-007"]').click();
    await page.getByText('SM-2026-007').first().waitFor();
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the admin rotates an organization’s key: a new key, shown once, works in a fresh tab; the revoked one is refused', async () => {
    const shop = await createOrg(app, 'RETAILER', '家乐福天津店');
    const { page, foreign, problems } = await consoleTab(browser, base);
    await page.goto(`${base}/console`);
    await page.getByLabel('API 密钥').fill(TEST_ADMIN_KEY);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('link', { name: '组织' }).first().click();
    await page.getByRole('link', { name: '家乐福天津店' }).click();
    await page.getByRole('heading', { name: '家乐福天津店', level: 1 }).waitFor();
    await page.waitForSelector('[data-key-label="initial"]');
    expect(await page.locator('.facts').textContent()).toContain(shop.id);

    await page.getByLabel('用途（如“仓库扫码枪 2”）').fill('收银台 2');
    await page.getByRole('button', { name: '新建密钥' }).click();
    const fresh = (await (await page.waitForSelector('[data-secret]')).getAttribute('data-secret'))!;
    await page.waitForSelector('[data-key-label="收银台 2"]');
    // Revoking takes two clicks: the first asks.
    const old = page.locator('[data-key-label="initial"]');
    await old.getByRole('button', { name: '吊销' }).click();
    await old.getByRole('button', { name: '确认吊销“initial”' }).click();
    await old.getByText('已吊销').first().waitFor();
    expect(await old.getByRole('button').count()).toBe(0);
    await shootConsole(page, 'organization-keys');
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);

    // A fresh tab: the new key signs in as the shop; the old one is refused in the API's words.
    const withNew = await consoleTab(browser, base);
    await signInToConsole(withNew.page, base, fresh);
    expect(await withNew.page.textContent('h1')).toBe('家乐福天津店');
    const withOld = await consoleTab(browser, base);
    await withOld.page.goto(`${base}/console`);
    await withOld.page.getByLabel('API 密钥').fill(shop.key);
    await withOld.page.getByRole('button', { name: '登录' }).click();
    await expect(withOld.page.getByRole('alert').textContent()).resolves.toMatch(/revoked|invalid/i);
    expect([...withNew.foreign, ...withOld.foreign]).toEqual([]);
    await Promise.all([page.context().close(), withNew.page.context().close(), withOld.page.context().close()]);
  });

  it('the regulator’s Ledger screen shows each witness and the last audit, which its own check then becomes', async () => {
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    const { page, foreign, problems } = await consoleTab(browser, base);
    await signInToConsole(page, base, regulator.key);
    // The witnesses cosign in the background: the screen is opened once the live one has and the down one has failed.
    for (let tries = 0; tries < 100; tries++) {
      await page.getByRole('link', { name: '账本' }).first().click();
      await page.locator('[data-witnesses]').waitFor();
      const cosigned = await page.locator('[data-witness="witness.test/console"]').textContent();
      const down = await page.locator('[data-witness="witness.test/down"] .warning').count();
      if (cosigned?.includes('已联署至') && down === 1) break;
      await page.goto(`${base}/console#/`);
      await page.waitForTimeout(200);
    }
    expect(await page.locator('[data-witness="witness.test/console"]').textContent()).toMatch(/已联署至 \d+ 条/);
    expect(await page.locator('[data-witness="witness.test/down"] .warning').textContent()).toMatch(/^最近错误: /);
    expect(await page.locator('[data-last-audit]').textContent()).toContain('尚无审计记录。');

    await page.getByRole('button', { name: '校验整个账本' }).click();
    await page.getByText(/^账本完整：已重算 \d+ 条记录的哈希。$/).waitFor({ timeout: 30_000 });
    const audit = page.locator('[data-last-audit] .facts');
    await audit.waitFor();
    const text = await audit.textContent();
    expect(text).toContain('天津市市场监督管理局');
    expect(text).toMatch(/有效（检查 \d+ 条）/);
    expect(text).toMatch(/一致（\d+ 行，0 行未检查）/);
    await shootConsole(page, 'ledger-state', '[data-witnesses]');
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
