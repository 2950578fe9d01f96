import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { openBuiltScript } from '../support/chromium.js';
import { readFixtureJson } from '../support/fixtures.js';

/**
 * The consumer page's script as built (dist/assets/verify.js, made by scripts/build-assets.mjs) in a real
 * chromium, against the same vectors as the Node code: the ledger's hashes of ledger-v1.json, a batch's
 * proof bundle made of its entries, inclusion proof and signed checkpoint, and RFC 6962's inclusion proofs.
 */
const ledgerVectors = readFixtureJson('vectors/ledger-v1.json');
const merkleVectors = readFixtureJson('vectors/rfc6962.json');

/** The batch's entries (2 and 3) with the inclusion proof of the newest in the checkpoint's tree of 3. */
function vectorProofBundle() {
  const { origin, verifierKey, signedNote } = ledgerVectors.checkpoint;
  const entries = ledgerVectors.entries
    .filter((e: any) => e.batchId !== null)
    .map((e: any) => ({
      v: 1,
      seq: e.seq,
      prevHash: e.prevHash,
      type: e.type,
      batchId: e.batchId,
      batchPrevHash: e.batchPrevHash,
      actor: e.actor,
      recordedAt: e.recordedAt,
      payloadHash: e.payloadHash,
      hash: e.hash,
    }));
  const proof = ledgerVectors.merkle.inclusionProofs.find((p: any) => p.leafIndex === entries[entries.length - 1].seq - 1);
  return { origin, verifierKey, signedNote, entries, inclusion: { leafIndex: proof.leafIndex, treeSize: proof.treeSize, hashes: [...proof.proof] } };
}

/** A base64 string with one byte changed. */
function flipByte(base64: string, at: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[at] ^= 1;
  return bytes.toString('base64');
}

describe('the built page script in a browser, against the test vectors', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ browser, page } = await openBuiltScript());
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('computes every entry hash and payload hash of ledger-v1.json byte for byte', async () => {
    const computed = await page.evaluate(async (entries: any[]) => {
      const hashes = (globalThis as any).SuyuanVerify.webLedgerHashes(crypto.subtle);
      const out = [];
      for (const e of entries) {
        const envelope = {
          v: 1,
          seq: e.seq,
          prevHash: e.prevHash,
          type: e.type,
          batchId: e.batchId,
          batchPrevHash: e.batchPrevHash,
          actor: e.actor,
          recordedAt: e.recordedAt,
          payloadHash: e.payloadHash,
        };
        out.push({ hash: await hashes.entryHash(envelope), payloadHash: await hashes.payloadHash(e.salt, e.canonicalPayload) });
      }
      return out;
    }, ledgerVectors.entries);
    expect(computed).toEqual(ledgerVectors.entries.map((e: any) => ({ hash: e.hash, payloadHash: e.payloadHash })));
  });

  it("accepts the vectors' batch proof bundle: its chain, its inclusion in the signed checkpoint's tree and the signature", async () => {
    const verdict = await page.evaluate((bundle) => (globalThis as any).SuyuanVerify.checkProofBundle(bundle, crypto.subtle), vectorProofBundle());
    expect(verdict).toEqual({ verified: true, entries: 2 });
  });

  it('rejects the bundle when an entry, the batch link, the inclusion proof or the signature is tampered with', async () => {
    const cases = {
      actor: (b: any) => (b.entries[1].actor = 'someone-else'),
      batchLink: (b: any) => b.entries.shift(),
      proof: (b: any) => (b.inclusion.hashes[0] = '00'.repeat(32)),
      checkpoint: (b: any) => (b.signedNote = b.signedNote.replace('\n3\n', '\n2\n')),
      inclusionSize: (b: any) => (b.inclusion.treeSize = 2),
      signature: (b: any) => (b.signedNote = b.signedNote.replace(/ (\S+)\n$/, (_: string, sig: string) => ` ${flipByte(sig, 40)}\n`)),
    };
    const verdicts: Record<string, any> = {};
    for (const [name, tamper] of Object.entries(cases)) {
      const bundle = vectorProofBundle();
      tamper(bundle);
      verdicts[name] = await page.evaluate((b) => (globalThis as any).SuyuanVerify.checkProofBundle(b, crypto.subtle), bundle);
    }
    expect(verdicts.actor).toMatchObject({ verified: false, en: 'entry 3: its hash does not match its contents' });
    expect(verdicts.batchLink).toMatchObject({ verified: false, en: 'entry 3: the link to the batch\u2019s previous entry is broken' });
    expect(verdicts.proof).toMatchObject({ verified: false, en: 'the batch\u2019s newest entry is not in the signed ledger tree' });
    // A note whose tree size was changed is no longer the one signed: its signature is checked before anything is folded against it.
    expect(verdicts.checkpoint).toMatchObject({ verified: false, en: 'the checkpoint\u2019s signature does not verify' });
    expect(verdicts.inclusionSize).toMatchObject({ verified: false, en: 'the inclusion proof does not match the checkpoint' });
    expect(verdicts.signature).toMatchObject({ verified: false, en: 'the checkpoint\u2019s signature does not verify' });
  });

  it('recomputes the root of every RFC 6962 inclusion proof, and another root from a changed proof', async () => {
    const results = await page.evaluate(async (v: any) => {
      const verify = (globalThis as any).SuyuanVerify;
      const out = [];
      for (const p of v.inclusionProofs) {
        const leaf = verify.bytesOfHex(v.leafHashes[p.leafIndex]);
        const root = await verify.rootFromInclusion(crypto.subtle, leaf, p.leafIndex, p.treeSize, p.proof.map(verify.bytesOfHex));
        const changed =
          p.proof.length === 0
            ? null
            : await verify.rootFromInclusion(crypto.subtle, leaf, p.leafIndex, p.treeSize, [
                verify.bytesOfHex('11'.repeat(32)),
                ...p.proof.slice(1).map(verify.bytesOfHex),
              ]);
        const tooLong = await verify.rootFromInclusion(crypto.subtle, leaf, p.leafIndex, p.treeSize, [...p.proof, ...p.proof].map(verify.bytesOfHex));
        out.push({ root: verify.hexOf(root), changed: changed && verify.hexOf(changed), tooLong });
      }
      return out;
    }, merkleVectors);
    expect(results.map((r) => r.root)).toEqual(merkleVectors.inclusionProofs.map((p: any) => merkleVectors.rootsBySize[String(p.treeSize)]));
    for (const r of results) {
      if (r.changed !== null) expect(r.changed).not.toBe(r.root);
      expect(r.tooLong).toBeNull();
    }
  });
});
