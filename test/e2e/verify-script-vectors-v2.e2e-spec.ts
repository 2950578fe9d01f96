import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openBuiltScript } from '../support/chromium.js';
import { readFixtureJson } from '../support/fixtures.js';

/**
 * The consumer page's script as built (dist/assets/verify.js) in a real chromium against ledger-v2.json
 * (docs/ledger-format.md, vectors written by an independent Python script): every entry hash of a chain
 * that mixes v1 and v2, every v2 payload root, and the disclosures: each vector's own is proven, each
 * changed one is refused.
 */
const vectors = readFixtureJson('vectors/ledger-v2.json');
const envelopeOf = (e: any) => ({
  v: e.v,
  seq: e.seq,
  prevHash: e.prevHash,
  type: e.type,
  batchId: e.batchId,
  batchPrevHash: e.batchPrevHash,
  actor: e.actor,
  recordedAt: e.recordedAt,
  payloadHash: e.payloadHash,
});

describe('the built page script in a browser, against ledger-v2.json', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openBuiltScript());
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('computes every entry hash, v1 and v2, and every payload hash by its version, byte for byte', async () => {
    const computed = await page.evaluate(
      async (entries: any[]) => {
        const hashes = (globalThis as any).SuyuanVerify.webLedgerHashes(crypto.subtle);
        const out = [];
        for (const e of entries) {
          const payloadHash = e.envelope.v === 1 ? await hashes.payloadHash(e.salt, e.canonicalPayload) : await hashes.payloadRoot(e.salt, e.canonicalPayload);
          out.push({ hash: await hashes.entryHash(e.envelope), payloadHash });
        }
        return out;
      },
      vectors.entries.map((e: any) => ({ envelope: envelopeOf(e), salt: e.salt, canonicalPayload: e.canonicalPayload })),
    );
    expect(computed).toEqual(vectors.entries.map((e: any) => ({ hash: e.hash, payloadHash: e.payloadHash })));
  });

  it("proves each v2 entry's disclosed members against its payloadHash, and refuses every changed disclosure", async () => {
    const cases = [
      ...vectors.entries.filter((e: any) => e.v === 2).map((e: any) => ({ payloadHash: e.payloadHash, disclosure: e.disclosure })),
      ...vectors.invalidDisclosures.map((d: any) => ({ payloadHash: vectors.entries.find((e: any) => e.seq === d.seq).payloadHash, disclosure: d.disclosure })),
    ];
    const problems = await page.evaluate(async (list: any[]) => {
      const hashes = (globalThis as any).SuyuanVerify.webLedgerHashes(crypto.subtle);
      const out = [];
      for (const c of list) out.push(await hashes.disclosureProblem(c.payloadHash, c.disclosure));
      return out;
    }, cases);
    const valid = vectors.entries.filter((e: any) => e.v === 2).length;
    expect(problems.slice(0, valid)).toEqual(Array(valid).fill(null));
    expect(problems.slice(valid)).toEqual(vectors.invalidDisclosures.map(() => expect.any(String)));
    expect(problems[valid]).toBe('member quantity does not match its hash (its value or salt was changed)');
  });
});
