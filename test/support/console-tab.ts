import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** The console's two sizes: a field clerk's phone and an office desktop. */
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 800 };

/** A console tab and what it did wrong: requests to another host, errors the page logged (CSP refusals among them). */
export interface ConsoleTab {
  page: Page;
  foreign: string[];
  problems: string[];
}

/** A tab of its own (its own sessionStorage) in Chinese, recording any request to another host than `base` and any error the page logs. */
export async function consoleTab(browser: Browser, base: string, viewport = PHONE): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  const foreign: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!['blob:', 'data:'].includes(url.protocol) && url.origin !== base) foreign.push(r.url());
  });
  // An HTTP error status (a bad key's 401) is the API's answer, shown in words; anything else logged as an error is a fault.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return { page, foreign, problems };
}

/** Signs in with an API key as a user would (the sign-in form is in Chinese by default). */
export async function signInToConsole(page: Page, base: string, key: string): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByLabel('API 密钥').fill(key);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForSelector('[data-org-kind]');
}

/**
 * With CONSOLE_SCREENSHOTS=<folder>, saves the screen at both sizes for docs/console.md; the desktop shot
 * shows `scrollTo` when given (the phone's is the whole page). Without it, does nothing.
 */
export async function shootConsole(page: Page, name: string, scrollTo?: string): Promise<void> {
  const folder = process.env.CONSOLE_SCREENSHOTS;
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  for (const [size, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(viewport);
    if (scrollTo) await page.locator(scrollTo).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${folder}/${name}-${size}.png`, fullPage: size === 'phone' });
  }
  await page.setViewportSize(PHONE);
}
