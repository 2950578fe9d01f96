// The consumer page's own script, served at /assets/verify.js (allowed by the page's CSP as 'self').
// Built by scripts/build-assets.mjs into one file; it checks, in the phone's own browser, that this
// batch's story is in the signed ledger (proof-bundle-check.ts). Nothing is fetched from elsewhere.
import { checkProofBundle, ProofBundle } from './proof-bundle-check.js';

// What a test may call on the built bundle (as the global SuyuanVerify), the same code the page runs.
export { bytesOfHex, checkProofBundle, hexOf, rootFromInclusion, webLedgerHashes, webSha256Hex } from './proof-bundle-check.js';

function main(): void {
  const badge = document.getElementById('badge');
  if (!badge || !window.crypto || !crypto.subtle || !window.fetch) return;
  const zh = document.documentElement.lang !== 'en';
  const say = (ok: boolean, zhText: string, enText: string): void => {
    badge.textContent = zh ? zhText : enText;
    badge.className = 'badge ' + (ok ? 'ok' : 'bad');
    badge.setAttribute('data-state', ok ? 'verified' : 'failed');
  };
  const here = location.pathname.replace(/\/$/, '');

  // The scan count: one per page opened, counted by the server without anything about the scanner.
  const counter = document.getElementById('scans');
  if (counter) {
    fetch(here + '/scans', { method: 'POST' })
      .then((res) => (res.ok ? (res.json() as Promise<{ scans: number; since: string; plausible: boolean }>) : null))
      .then((c) => {
        if (!c) return;
        counter.textContent = zh ? '已被扫描 ' + c.scans + ' 次，首次于 ' + c.since : 'Scanned ' + c.scans + ' times, first on ' + c.since;
        if (!c.plausible) {
          const warn = document.createElement('p');
          warn.className = 'badge bad';
          warn.id = 'counterfeit';
          warn.textContent = zh
            ? '此码被扫描的次数远超该批次的数量，可能是仿冒标签，请向商家或监管部门核实。'
            : 'This code has been scanned far more often than this batch makes plausible: the label may be copied. Check with the shop or the regulator.';
          counter.parentNode?.insertBefore(warn, counter.nextSibling);
        }
      })
      .catch(() => {});
  }

  fetch(here + '/proof.json', { headers: { accept: 'application/json' } })
    .then((res) => {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json() as Promise<ProofBundle>;
    })
    .then((bundle) => checkProofBundle(bundle, crypto.subtle))
    .then((verdict) => {
      if (!verdict.verified) return say(false, '校验失败：' + verdict.zh, 'Verification failed: ' + verdict.en);
      if (verdict.note) return say(true, verdict.note.zh, verdict.note.en);
      say(true, '已在本机校验：本批次记录完整，且在已签名的账本中', 'Verified on this device: the batch\u2019s records are intact and in the signed ledger');
    })
    .catch((err: Error) => say(false, '无法校验：' + err.message, 'Could not verify: ' + err.message));
}

main();
