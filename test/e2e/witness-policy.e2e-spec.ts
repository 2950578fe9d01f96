import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jsqr from 'jsqr';
import { Browser, chromium, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { fingerprintOfDigest } from '../../src/ledger/key-fingerprint.js';
import { parseSigningKey, verifierKey, verifierKeyFingerprint } from '../../src/ledger/signing-key.js';
import { cosignersOf, parseWitnessKey } from '../../src/witnesses/cosignature.js';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { exited } from '../support/service-process.js';
import { createTestApp, gqlOk, rawBody, TEST_SIGNING_SEED, listenOnLoopback } from '../support/test-app.js';
import { startWitness, type WitnessProcess } from '../support/witness-process.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

// jsqr is CommonJS: its function arrives as the default export, however the ESM loader wraps it.
const jsQR = ((jsqr as unknown as { default: { default?: unknown } }).default.default ?? (jsqr as unknown as { default: unknown }).default) as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

const ORIGIN = 'suyuan.test/ledger';
const LOG_KEY = verifierKey(ORIGIN, parseSigningKey(TEST_SIGNING_SEED).publicKeyRaw);

/** LEDGER-SPEC §4.1's policy fingerprint, computed here from the spec's text rather than by the service's code. */
function policyFingerprint(needed: number, keys: string[]): string {
  const text = `witness-policy/v1\nneeded ${needed}\n${[...keys].sort().join('\n')}\n`;
  return fingerprintOfDigest(createHash('sha256').update(text, 'utf8').digest());
}

interface Served {
  app: INestApplication<App>;
  db: TestDatabase;
  base: string;
  traceCode: string;
  producerKey: string;
}

async function startService(env: Record<string, string>): Promise<Served> {
  const db = await createTestDatabase();
  const app = await createTestApp(db.url, { CHECKPOINT_INTERVAL_MS: '100', ...env });
  const base = await listenOnLoopback(app);
  await createOrg(app, 'REGULATOR');
  const { batch, org } = await producerWithBatch(app);
  return { app, db, base, traceCode: batch.traceCode, producerKey: org.key };
}

/**
 * The phone's witness policy (issue 14 point 6, LEDGER-SPEC §4.1), in a real chromium: the service
 * serves the witnesses' keys and how many must have cosigned (WITNESS_URLS' keys and
 * WITNESS_COSIGNATURES_NEEDED) in the page's proof bundle; the page verifies the cosignature lines with
 * WebCrypto and fails when too few verify; a label pins the policy (`w=`) as it pins the log key.
 */
describe('the page checks the witness policy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'suyuan-policy-'));
  let witness: WitnessProcess;
  let withPolicy: Served;
  let withoutPolicy: Served;
  let browser: Browser;
  let keyPin: string;
  let policyPin: string;

  beforeAll(async () => {
    witness = await startWitness(dir, LOG_KEY, 'witness.test/p1');
    withPolicy = await startService({ WITNESS_URLS: `${witness.url} ${witness.key}`, WITNESS_COSIGNATURES_NEEDED: '1' });
    withoutPolicy = await startService({});
    keyPin = verifierKeyFingerprint(LOG_KEY);
    policyPin = policyFingerprint(1, [witness.key]);
    await cosignedToEnd(withPolicy);
    if (!existsSync('/usr/bin/chromium')) throw new Error('Debian chromium is missing: .ci/run installs it with apt-get install chromium');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    for (const s of [withPolicy, withoutPolicy]) {
      await s?.app.close();
      await s?.db.drop();
    }
    if (witness && witness.child.exitCode === null) {
      witness.child.kill('SIGTERM');
      await exited(witness.child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Waits until the witness has cosigned a checkpoint of the service's whole ledger (it answers on its own time). */
  async function cosignedToEnd(s: Served): Promise<string> {
    const key = parseWitnessKey(witness.key);
    for (let tries = 0; tries < 300; tries++) {
      const { ledgerInfo } = await gqlOk(s.app, '{ ledgerInfo { size } }');
      const note = await (await fetch(`${s.base}/ledger/checkpoint`)).text();
      if (Number(note.split('\n')[1]) === ledgerInfo.size && cosignersOf(note, [key]).cosigned.length === 1) return note;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the witness did not cosign the whole ledger');
  }

  /**
   * Opens the batch's page with `fragment` in a fresh context and waits for the badge; `rewrite`, when
   * given, changes the first proof page as it arrives (a service that serves something else).
   */
  async function scan(s: Served, fragment: string, rewrite?: (bundle: Record<string, unknown>) => void) {
    const context = await browser.newContext({ locale: 'en-US' });
    const page: Page = await context.newPage();
    let served: { signedNote: string; witnesses?: unknown } | null = null;
    await page.route(/\/proof\.json$/, async (route) => {
      const response = await route.fetch();
      const bundle = (await response.json()) as Record<string, unknown>;
      rewrite?.(bundle);
      served = bundle as never;
      await route.fulfill({ response, json: bundle });
    });
    await page.goto(`${s.base}/q/${s.traceCode}${fragment}`);
    await page.waitForSelector('#badge[data-state]', { timeout: 30_000 });
    const details = page.locator('#check-details');
    const result = {
      state: await page.getAttribute('#badge', 'data-state'),
      badge: (await page.textContent('#badge')) ?? '',
      policy: (await details.count()) === 1 ? await details.getAttribute('data-witness-policy') : null,
      details: (await details.count()) === 1 ? ((await details.textContent()) ?? '') : '',
      served: served as { signedNote: string; witnesses?: unknown } | null,
    };
    await context.close();
    return result;
  }

  it('prints labels that pin the policy next to the key (w= after k=), and only the key without a policy', async () => {
    const qrOf = async (s: Served): Promise<string | undefined> => {
      const png = await request(s.app.getHttpServer())
        .get(`/labels/${s.traceCode}.png`)
        .set('authorization', `Bearer ${s.producerKey}`)
        .buffer(true)
        .parse(rawBody);
      expect(png.status).toBe(200);
      const image = PNG.sync.read(png.body as Buffer);
      return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
    };
    expect(await qrOf(withPolicy)).toBe(`http://localhost:3000/q/${withPolicy.traceCode}#k=${keyPin}&w=${policyPin}`);
    expect(await qrOf(withoutPolicy)).toBe(`http://localhost:3000/q/${withoutPolicy.traceCode}#k=${keyPin}`);
  });

  it('verifies a checkpoint the witness cosigned, with the policy the label pins', async () => {
    const result = await scan(withPolicy, `#k=${keyPin}&w=${policyPin}`);
    expect(result.served!.witnesses).toEqual({ needed: 1, keys: [witness.key] });
    expect(result.state).toBe('verified');
    expect(result.policy).toBe('pinned');
    expect(result.details).toContain('the witness policy matches the fingerprint on the label');
  });

  it('without a policy pin, verifies and says it trusted the policy the service presented', async () => {
    const result = await scan(withPolicy, `#k=${keyPin}`);
    expect(result.state).toBe('verified');
    expect(result.policy).toBe('served');
    expect(result.details).toContain('the check trusted the policy the service presented');
  });

  it('fails, naming how many cosigned, when the served note lacks the cosignature the policy needs', async () => {
    const result = await scan(withPolicy, `#k=${keyPin}&w=${policyPin}`, (bundle) => {
      bundle.signedNote = (bundle.signedNote as string)
        .split('\n')
        .filter((line) => !line.startsWith('\u2014 witness.test/p1 '))
        .join('\n');
    });
    expect(result.state).toBe('failed');
    expect(result.badge).toContain('0 of the 1 needed witnesses cosigned the checkpoint');
  });

  it('fails when the cosignature line is forged (a byte of its signature changed)', async () => {
    const result = await scan(withPolicy, `#k=${keyPin}&w=${policyPin}`, (bundle) => {
      bundle.signedNote = (bundle.signedNote as string)
        .split('\n')
        .map((line) => {
          if (!line.startsWith('\u2014 witness.test/p1 ')) return line;
          const bytes = Buffer.from(line.split(' ')[2], 'base64');
          bytes[40] ^= 1;
          return `\u2014 witness.test/p1 ${bytes.toString('base64')}`;
        })
        .join('\n');
    });
    expect(result.state).toBe('failed');
    expect(result.badge).toContain('0 of the 1 needed witnesses cosigned the checkpoint');
  });

  it('fails a label that pins a policy when the service serves none (its witnesses dropped)', async () => {
    const result = await scan(withoutPolicy, `#k=${keyPin}&w=${policyPin}`);
    expect(result.served!.witnesses).toBeUndefined();
    expect(result.state).toBe('failed');
    expect(result.badge).toContain('the label requires witness cosignatures, and the service presented no witness policy');
  });

  it('fails a label that pins a policy when the service serves a weaker one (another key that needs no cosignature from this witness)', async () => {
    const result = await scan(withPolicy, `#k=${keyPin}&w=${policyPin}`, (bundle) => {
      bundle.witnesses = { needed: 1, keys: [witness.key, 'witness.test/other+00000000+BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'].sort() };
    });
    expect(result.state).toBe('failed');
    expect(result.badge).toContain('the witness policy the service presented is not the one the label names');
  });

  it('serves the newest checkpoint that has the cosignatures needed, not a newer one still waiting for them', async () => {
    const cosigned = await cosignedToEnd(withPolicy);
    witness.child.kill('SIGTERM');
    await exited(witness.child);
    // The ledger grows (another batch) and a checkpoint no witness can cosign now is signed.
    await producerWithBatch(withPolicy.app);
    const { ledgerInfo } = await gqlOk(withPolicy.app, '{ ledgerInfo { size } }');
    for (let tries = 0; tries < 300; tries++) {
      const note = await (await fetch(`${withPolicy.base}/ledger/checkpoint`)).text();
      if (Number(note.split('\n')[1]) === ledgerInfo.size) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const result = await scan(withPolicy, `#k=${keyPin}&w=${policyPin}`);
    expect(Number(result.served!.signedNote.split('\n')[1])).toBe(Number(cosigned.split('\n')[1]));
    expect(result.state).toBe('verified');
  });
});
