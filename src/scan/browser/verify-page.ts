// The consumer page's own script, served at /assets/verify.js (allowed by the page's CSP as 'self').
// Built by scripts/build-assets.mjs into one file; it checks, in the phone's own browser, that this
// batch's story is in the signed ledger (proof-bundle-check.ts), fetching the proof's pages in turn.
// Nothing is fetched from elsewhere.
import { BundleVerdict, checkProofPages, ProofBundle, ProofPage } from './proof-bundle-check.js';

// What a test may call on the built bundle (as the global SuyuanVerify), the same code the page runs.
export { bytesOfHex, checkProofBundle, checkProofPages, hexOf, rootFromInclusion, webLedgerHashes, webSha256Hex } from './proof-bundle-check.js';

type State = 'verified' | 'failed' | 'partial' | 'checking';

interface ScanCount {
  scans: number;
  days: number;
  since: string | null;
  plausible: boolean;
}

function getJson<T>(path: string): Promise<T> {
  return fetch(path, { headers: { accept: 'application/json' } }).then((res) => {
    if (!res.ok) throw new Error('HTTP ' + res.status);
    return res.json() as Promise<T>;
  });
}

function main(): void {
  const badge = document.getElementById('badge');
  if (!badge || !window.crypto || !crypto.subtle || !window.fetch) return;
  const zh = document.documentElement.lang !== 'en';
  const say = (state: State, zhText: string, enText: string): void => {
    badge.textContent = zh ? zhText : enText;
    badge.className = 'badge ' + (state === 'verified' ? 'ok' : state === 'failed' ? 'bad' : state === 'partial' ? 'notice' : 'pending');
    if (state !== 'checking') badge.setAttribute('data-state', state);
  };
  const here = location.pathname.replace(/\/$/, '');
  countScan(here, zh);

  getJson<ProofBundle>(here + '/proof.json')
    .then((first) =>
      checkProofPages(
        first,
        {
          fetchPage: (path) => getJson<ProofPage>(path),
          progress: (checked, total) => {
            if (first.next)
              say('checking', '正在本机校验… 已核对 ' + checked + ' / ' + total + ' 条', 'Checking on this device… ' + checked + ' of ' + total + ' entries');
          },
        },
        crypto.subtle,
      ),
    )
    .then((verdict: BundleVerdict) => {
      if (verdict.verified) {
        const n = verdict.entries;
        if (verdict.note) return say('partial', verdict.note.zh, verdict.note.en);
        return say(
          'verified',
          '已在本机校验：本批次全部 ' + n + ' 条账本记录完整、逐条相连，最新一条在已签名的账本中',
          'Verified on this device: all ' + n + ' ledger entries of this batch are intact and linked, and the newest is in the signed ledger',
        );
      }
      if ('incomplete' in verdict) {
        const of = verdict.total === null ? '' : ' / ' + verdict.total;
        return say(
          'partial',
          '未完成校验：仅核对了前 ' + verdict.checked + of + ' 条记录（均完整），' + verdict.zh,
          'Not verified: only the first ' +
            verdict.checked +
            (verdict.total === null ? '' : ' of ' + verdict.total) +
            ' entries were checked (intact so far); ' +
            verdict.en,
        );
      }
      say('failed', '校验失败：' + verdict.zh, 'Verification failed: ' + verdict.en);
    })
    .catch((err: Error) => say('failed', '无法校验：' + err.message, 'Could not verify: ' + err.message));
}

/** The scan count: posted with the page's token, counted once per client a day; a notice when it is past what the lot makes plausible. */
function countScan(here: string, zh: boolean): void {
  const counter = document.getElementById('scans');
  const token = counter?.getAttribute('data-token');
  if (!counter || !token) return;
  fetch(here + '/scans', { method: 'POST', headers: { 'x-scan-token': token } })
    .then((res) => (res.ok ? (res.json() as Promise<ScanCount>) : null))
    .then((c) => {
      if (!c || c.scans === 0) return;
      counter.textContent = zh ? '已被扫描 ' + c.scans + ' 次，首次于 ' + c.since : 'Scanned ' + c.scans + ' times, first on ' + c.since;
      if (c.plausible) return;
      // Worded so as not to accuse: many genuine scans look the same as a copied label.
      const notice = document.createElement('p');
      notice.className = 'badge notice';
      notice.id = 'scan-notice';
      notice.textContent = zh
        ? '此标签在 ' + c.days + ' 天里被扫描的次数多于同类批次的通常情况。如果包装与您以往购买的不同，请告知商家或市场监管部门。'
        : 'This label has been scanned more often than usual for a lot of this size, over ' +
          c.days +
          ' days. If the pack looks different from the ones you have bought before, tell the seller or the market regulator.';
      counter.parentNode?.insertBefore(notice, counter.nextSibling);
    })
    .catch(() => {});
}

main();
