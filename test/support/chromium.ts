import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, headless, without the background traffic a first run makes: the real browser pages are tested in. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync('/usr/bin/chromium')) throw new Error('Debian chromium is missing: .ci/run installs it with apt-get install chromium');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
