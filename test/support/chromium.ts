import { afterAll, beforeAll } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { existsSync, readFileSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { App } from 'supertest/types.js';
import { createTestDatabase, type TestDatabase } from '../test-database.js';
import { createTestApp, listenOnLoopback } from './test-app.js';

/**
 * Debian's chromium, headless, without the background traffic a first run makes: the real browser pages are tested in.
 * `extraArgs` are added to its command line (a fake camera, say); without them it starts as it always has.
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync('/usr/bin/chromium')) throw new Error('Debian chromium is missing: .ci/run installs it with apt-get install chromium');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}

/**
 * For the describe block that calls it: a database of its own, the whole service on it listening on
 * loopback at `base` (a page's scripts and forms reach it as a phone would), and Debian's chromium.
 * `env` adds settings (as createTestApp's); `chromiumArgs` are added to chromium's command line (a fake camera, say).
 */
export function useBrowserApp({ env = {}, chromiumArgs = [] }: { env?: Record<string, string>; chromiumArgs?: readonly string[] } = {}): {
  readonly app: INestApplication<App>;
  readonly db: TestDatabase;
  readonly base: string;
  readonly browser: Browser;
} {
  const context = {} as { app: INestApplication<App>; db: TestDatabase; base: string; browser: Browser };
  beforeAll(async () => {
    context.db = await createTestDatabase();
    context.app = await createTestApp(context.db.url, env);
    context.base = await listenOnLoopback(context.app);
    context.browser = await launchChromium(chromiumArgs);
  });
  afterAll(async () => {
    await context.browser?.close();
    await context.app?.close();
    await context.db?.drop();
  });
  return context;
}

const BUNDLE = new URL('../../dist/assets/verify.js', import.meta.url);

/**
 * The consumer page's script as built (dist/assets/verify.js), loaded in chromium as the page loads it, from
 * http://localhost (a secure context: WebCrypto needs one), so a test can call it as the global SuyuanVerify.
 */
export async function openBuiltScript(): Promise<{ browser: Browser; page: Page }> {
  if (!existsSync(BUNDLE)) throw new Error('dist/assets/verify.js is missing: the global setup builds it (scripts/build-assets.mjs)');
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.route('http://localhost/**', (route) =>
    new URL(route.request().url()).pathname === '/assets/verify.js'
      ? route.fulfill({ contentType: 'text/javascript; charset=utf-8', body: readFileSync(BUNDLE, 'utf8') })
      : route.fulfill({
          contentType: 'text/html; charset=utf-8',
          body: '<!doctype html><html lang="en"><body><script src="/assets/verify.js"></script></body></html>',
        }),
  );
  await page.goto('http://localhost/');
  return { browser, page };
}
