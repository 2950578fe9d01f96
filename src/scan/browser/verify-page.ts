// The consumer page's own script, served at /assets/verify.js (allowed by the page's CSP as 'self').
// Built by scripts/build-assets.mjs into one file; it checks, in the phone's own browser, the entries
// behind what the page shows (page-proof-check.ts: each in the signed ledger, its shown members
// recomputed), then writes the page's facts again from them, marked ✓, and marks the rest not checked
// (page-facts.ts, page-marks.ts). Nothing is fetched from elsewhere. Before it, the key the label pins
// (key-pin.ts); after it, the ledger's history since the checkpoint this phone verified last
// (checkpoint-memory.ts). The lot's whole chain is checked on request (proof-bundle-check.ts).
import {
  checkHistory,
  CheckpointStore,
  ConsistencyAnswer,
  HistoryVerdict,
  MEMORY_PREFIX,
  memoryKey,
  recall,
  remember,
  treeHeadOfNote,
} from './checkpoint-memory.js';
import { type PageSubtle, withEd25519Fallback } from './ed25519-fallback.js';
import { checkKeyPin, KeyPinVerdict } from './key-pin.js';
import type { PageProof } from '../page-proof.js';
import { ledgerFacts, noFacts } from './page-facts.js';
import { factName, markFacts } from './page-marks.js';
import { checkPageProof } from './page-proof-check.js';
import { BundleVerdict, checkProofPages, ProofBundle, ProofPage } from './proof-bundle-check.js';
import { checkPolicyPin, PolicyPinVerdict } from './witness-check.js';
import { checkUnitProof, UnitProof } from './unit-proof-check.js';

// What a test may call on the built bundle (as the global SuyuanVerify), the same code the page runs.
export { checkHistory, verifyConsistency } from './checkpoint-memory.js';
export { checkKeyPin, webKeyFingerprint } from './key-pin.js';
export { checkPolicyPin, verifiedCosigners, webPolicyFingerprint } from './witness-check.js';
export { bytesOfHex, hexOf } from './bytes.js';
export { checkProofBundle, checkProofPages, rootFromInclusion, webLedgerHashes, webSha256Hex } from './proof-bundle-check.js';
export { checkPageProof } from './page-proof-check.js';
export { withEd25519Fallback } from './ed25519-fallback.js';
export { ledgerFacts } from './page-facts.js';

type State = 'verified' | 'failed' | 'partial' | 'checking';

interface ScanCount {
  scans: number;
  days: number;
  since: string | null;
  plausible: boolean;
}

/** Performance marks of the check: the proof parsed, and the verdict shown. */
const PROOF_MARK = 'suyuan:proof-parsed';
const VERDICT_MARK = 'suyuan:verdict';

/** WebCrypto, with the bundled Ed25519 where the browser has none; `data-ed25519="bundled"` on the badge says it was needed. */
function pageSubtle(badge: HTMLElement | null): PageSubtle {
  return withEd25519Fallback(crypto.subtle as unknown as PageSubtle, () => badge?.setAttribute('data-ed25519', 'bundled'));
}

function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
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
  const subtle = pageSubtle(badge);
  const zh = document.documentElement.lang !== 'en';
  const say = (state: State, zhText: string, enText: string): void => {
    badge.textContent = zh ? zhText : enText;
    badge.className = 'badge ' + (state === 'verified' ? 'ok' : state === 'failed' ? 'bad' : state === 'partial' ? 'notice' : 'pending');
    if (state === 'checking') return;
    // How long the check took on this phone, from the proof in hand to the verdict (npm run bench:page reads it).
    mark(VERDICT_MARK);
    badge.setAttribute('data-state', state);
  };
  // A serialized unit's page (/u/<gtin>/<serial>) is its lot's page: its lot's proof, chain and scans are at the lot's path.
  const here = (document.getElementById('unit')?.getAttribute('data-lot-path') ?? location.pathname).replace(/\/$/, '');
  countScan(here, zh);

  // What this phone remembers, read before the proof is asked for: another tab's newer memory, written
  // while this one checks, is no reason to call this tab's (older, honest) checkpoint a cut history.
  const store = checkpointStore();
  let snapshot: CheckpointStore | null = null;
  try {
    snapshot = store ? snapshotOf(store) : null;
  } catch {
    // A storage that refuses to be read is no memory.
  }

  let marked = false;
  void getJson<PageProof>(here + '/proof.json')
    .then(async (proof) => {
      mark(PROOF_MARK);
      const [pin, policyPin, verdict] = await Promise.all([
        checkKeyPin(subtle, location.hash, proof.verifierKey),
        checkPolicyPin(subtle, location.hash, proof.witnesses),
        checkPageProof(proof, subtle),
      ]);
      if (!pin.ok) return say('failed', '校验失败：' + pin.zh, 'Verification failed: ' + pin.en);
      if (!policyPin.ok) return say('failed', '校验失败：' + policyPin.zh, 'Verification failed: ' + policyPin.en);
      if (!verdict.verified) return say('failed', '校验失败：' + verdict.zh, 'Verification failed: ' + verdict.en);
      if (verdict.note) return say('partial', '未校验：' + verdict.note.zh, 'Not verified: ' + verdict.note.en);
      // Only a checkpoint whose signature was checked is compared with, and becomes, the phone's memory.
      const key = memoryKey(proof.origin, proof.verifierKey);
      const served = treeHeadOfNote(proof.signedNote);
      const history = snapshot ? await checkHistory(subtle, recall(snapshot, key), served, fetchConsistency) : null;
      if (history && !history.ok) {
        if (history.unchecked) return say('partial', '未校验：' + history.zh, 'Not verified: ' + history.en);
        return say('failed', '校验失败：' + history.zh, 'Verification failed: ' + history.en);
      }
      let kept = false;
      if (store) {
        try {
          // Never back: another tab may have remembered a newer checkpoint meanwhile.
          const now = recall(store, key);
          if (!now || now.size <= served.size) remember(store, key, served);
          kept = true;
        } catch {
          // A full or refused storage leaves the memory where it was; the check itself passed.
        }
      }
      const code = decodeURIComponent(here.slice(here.lastIndexOf('/') + 1)).toUpperCase();
      const facts = ledgerFacts(verdict.entries, code);
      if (!facts.lot) {
        return say('failed', '校验失败：证明中没有本追溯码的账本登记记录', 'Verification failed: the proof holds no ledger registration of this trace code');
      }
      const marks = markFacts(document, facts, zh);
      marked = true;
      if (facts.lot) void checkUnitOnPage(subtle, facts.lot.batchId, zh);
      if (marks.differing.length > 0) {
        say(
          'failed',
          '校验失败：服务器发来的页面与其已签名账本有 ' +
            marks.differing.length +
            ' 处不符（' +
            marks.differing.map((fact) => factName(fact, true)).join('、') +
            '）；现在显示的是账本所记，标有 ✓',
          'Verification failed: the page the service sent differs from its signed ledger in ' +
            marks.differing.length +
            (marks.differing.length === 1 ? ' place (' : ' places (') +
            marks.differing.map((fact) => factName(fact, false)).join(', ') +
            '); shown now is what the ledger says, marked \u2713',
        );
      } else {
        say(
          'verified',
          '已在本机校验：标有 ✓ 的 ' + marks.checked + ' 项信息来自已签名账本中的 ' + verdict.entries.length + ' 条记录；标有“未核对”的信息仅为服务器所述',
          'Verified on this device: the ' +
            marks.checked +
            ' facts marked \u2713 come from ' +
            verdict.entries.length +
            ' entries of the signed ledger; facts marked \u201cnot checked\u201d are the service\u2019s word alone',
        );
      }
      badge.setAttribute('data-checked', String(marks.checked));
      badge.setAttribute('data-unchecked', String(marks.unchecked));
      showDetails(badge, zh, pin, policyPin, proof.witnesses, history && (kept || history.history !== 'first') ? history : null, facts.undisclosed);
      offerChainCheck(here, zh, proof.batchEntries);
    })
    .catch((err: Error) => say('failed', '无法校验：' + err.message, 'Could not verify: ' + err.message))
    // Whatever stopped the check, nothing on the page stays unmarked as if it had passed.
    .then(() => marked || markFacts(document, noFacts(), zh));
}

/**
 * A serialized unit's page (/u/<gtin>/<serial>): once its lot is proven, the unit's own proof (unit-proof-check.ts);
 * its facts turn from "not checked" to ✓ only when that passes, and the section says what failed otherwise.
 */
async function checkUnitOnPage(subtle: PageSubtle, lotBatchId: string, zh: boolean): Promise<void> {
  const section = document.getElementById('unit');
  const state = document.getElementById('unit-check-state');
  const proofPath = section?.getAttribute('data-unit-proof');
  if (!section || !state || !proofPath) return;
  const page = { gtin: section.getAttribute('data-gtin') ?? '', serial: section.getAttribute('data-serial') ?? '', lotBatchId };
  const verdict = await getJson<UnitProof>(proofPath)
    .then((proof) => checkUnitProof(proof, subtle, page))
    .catch(() => ({ ok: false as const, zh: '无法取得单品证明', en: 'the unit proof could not be fetched' }));
  if (verdict.ok) {
    section.querySelectorAll('[data-fact]').forEach((el) => {
      el.classList.remove('unchecked');
      el.querySelector('.unchecked-mark')?.remove();
      el.classList.add('checked');
    });
    state.textContent = zh
      ? '已在本机核验：此序列号属于已签名账本中本批次的赋码记录'
      : "Checked on this device: this serial is one the lot's commissioning in the signed ledger commits to";
  } else {
    state.textContent = zh ? '单品核验失败：' + verdict.zh : 'Unit check failed: ' + verdict.en;
  }
  section.setAttribute('data-unit-state', verdict.ok ? 'verified' : 'failed');
}

/**
 * "Check every entry": the lot's whole chain (every entry's envelope, linked, the newest in a signed
 * checkpoint), fetched a page at a time from chain.json; offered rather than run, since a long story is many pages.
 */
function offerChainCheck(here: string, zh: boolean, entries: number): void {
  const details = document.getElementById('check-details');
  if (!details || !(entries > 0)) return;
  const box = document.createElement('p');
  box.id = 'chain-check';
  box.className = 'muted';
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = zh ? '逐条核对本批次全部 ' + entries + ' 条账本记录' : 'Check all ' + entries + ' ledger entries of this batch, one by one';
  box.appendChild(button);
  details.parentNode?.insertBefore(box, details.nextSibling);
  const show = (state: 'verified' | 'failed' | 'partial' | 'checking', text: string): void => {
    box.textContent = text;
    if (state !== 'checking') box.setAttribute('data-state', state);
  };
  button.addEventListener('click', () => {
    show('checking', zh ? '正在核对…' : 'Checking…');
    getJson<ProofBundle>(here + '/chain.json')
      .then((first) =>
        checkProofPages(
          first,
          {
            fetchPage: (path) => getJson<ProofPage>(path),
            progress: (checked, total) => show('checking', zh ? '正在核对… ' + checked + ' / ' + total : 'Checking… ' + checked + ' of ' + total),
          },
          pageSubtle(document.getElementById('badge')),
        ),
      )
      .then((verdict) => show(chainState(verdict), chainText(verdict, zh)))
      .catch((err: Error) => show('failed', (zh ? '无法核对：' : 'Could not check: ') + err.message));
  });
}

function chainState(verdict: BundleVerdict): 'verified' | 'failed' | 'partial' {
  if (verdict.verified) return verdict.note ? 'partial' : 'verified';
  return 'incomplete' in verdict ? 'partial' : 'failed';
}

function chainText(verdict: BundleVerdict, zh: boolean): string {
  if (verdict.verified) {
    if (verdict.note) return zh ? verdict.note.zh : verdict.note.en;
    return zh
      ? '本批次全部 ' + verdict.entries + ' 条账本记录完整、逐条相连，最新一条在已签名的账本中'
      : 'All ' + verdict.entries + ' ledger entries of this batch are intact and linked, and the newest is in the signed ledger';
  }
  if ('incomplete' in verdict) {
    return zh
      ? '未完成核对：仅核对了前 ' + verdict.checked + (verdict.total === null ? '' : ' / ' + verdict.total) + ' 条记录（均完整），' + verdict.zh
      : 'Not verified: only the first ' +
          verdict.checked +
          (verdict.total === null ? '' : ' of ' + verdict.total) +
          ' entries were checked (intact so far); ' +
          verdict.en;
  }
  return zh ? '核对失败：' + verdict.zh : 'Check failed: ' + verdict.en;
}

/** localStorage, or null where the browser keeps none (disabled, or refused in a private window). */
function checkpointStore(): Storage | null {
  try {
    return window.localStorage ?? null;
  } catch {
    return null;
  }
}

/** This phone's remembered checkpoints as they are now, read once (the few keys this script writes). */
function snapshotOf(storage: Storage): CheckpointStore {
  const copy = new Map<string, string>();
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    const value = key !== null && key.indexOf(MEMORY_PREFIX) === 0 ? storage.getItem(key) : null;
    if (key !== null && value !== null) copy.set(key, value);
  }
  return { getItem: (key) => copy.get(key) ?? null, setItem: () => undefined };
}

/** The consistency proof from the size this phone remembers to the one served, from this service (the CSP allows nothing else). */
function fetchConsistency(from: number, to: number): Promise<ConsistencyAnswer> {
  return getJson<ConsistencyAnswer>('/ledger/consistency?from=' + from + '&to=' + to);
}

/** Under the badge of a verified batch: which key the check trusted, and what it knows of the ledger's history. */
function showDetails(
  badge: HTMLElement,
  zh: boolean,
  pin: KeyPinVerdict & { ok: true },
  policyPin: PolicyPinVerdict & { ok: true },
  policy: PageProof['witnesses'],
  history: HistoryVerdict | null,
  undisclosed: number,
): void {
  const keyLine =
    pin.key === 'pinned'
      ? zh
        ? '账本密钥与标签上的指纹一致。'
        : 'The ledger\u2019s key matches the fingerprint on the label.'
      : zh
        ? '此链接没有账本密钥指纹：本次校验信任了服务器提供的密钥。'
        : 'This link carries no key fingerprint: the check trusted the key the service presented.';
  const of = policy ? policy.needed + ' / ' + policy.keys.length : '';
  const policyLine =
    policyPin.policy === 'none'
      ? ''
      : policyPin.policy === 'pinned'
        ? zh
          ? '检查点已有见证人的共同签名（' + of + '），见证策略与标签上的指纹一致。'
          : 'The checkpoint carries the witnesses\u2019 cosignatures (' + of + '), and the witness policy matches the fingerprint on the label.'
        : zh
          ? '检查点已有见证人的共同签名（' + of + '）；此链接没有见证策略指纹：本次校验信任了服务器提供的见证策略。'
          : 'The checkpoint carries the witnesses\u2019 cosignatures (' +
            of +
            '); this link carries no witness policy fingerprint: the check trusted the policy the service presented.';
  let historyLine: string;
  if (!history || !history.ok) {
    historyLine = zh
      ? '本浏览器不保存检查点，无法核对账本自上次扫描以来的历史。'
      : 'This browser keeps no checkpoints, so the ledger\u2019s history since an earlier scan was not checked.';
  } else if (history.history === 'first') {
    historyLine = zh
      ? '本机已记下账本的检查点（' + history.to + ' 条记录），下次扫描时将核对其历史未被改写。'
      : 'This phone now remembers the ledger\u2019s checkpoint (' + history.to + ' entries) to check on the next scan that its history was not rewritten.';
  } else if (history.history === 'same') {
    historyLine = zh
      ? '账本与本机上次校验时相同（' + history.to + ' 条记录）。'
      : 'The ledger is the same as when this phone last checked it (' + history.to + ' entries).';
  } else {
    historyLine = zh
      ? '自本机上次校验以来账本只增未改（从 ' + history.from + ' 条到 ' + history.to + ' 条记录，一致性证明已核对）。'
      : 'The ledger has only grown since this phone last checked it (from ' + history.from + ' to ' + history.to + ' entries; consistency proof verified).';
  }
  const details = document.createElement('p');
  details.id = 'check-details';
  details.className = 'muted';
  details.setAttribute('data-key', pin.key);
  details.setAttribute('data-witness-policy', policyPin.policy);
  details.setAttribute('data-history', history && history.ok ? history.history : 'unremembered');
  // Format v1 entries commit their payload whole: their place in the ledger is proven, what they say is not.
  const v1Line =
    undisclosed === 0
      ? ''
      : zh
        ? ' 本页依据的记录中有 ' + undisclosed + ' 条为旧格式（v1），不公开其内容：本机核对了它们在已签名账本中，未能核对其所述，相关信息标为“未核对”。'
        : ' ' +
          undisclosed +
          ' of the entries behind this page are in the ledger\u2019s format v1, which discloses nothing of its contents: ' +
          'this phone checked that they are in the signed ledger, not what they say, so their facts are marked not checked.';
  details.setAttribute('data-undisclosed', String(undisclosed));
  details.textContent = keyLine + ' ' + (policyLine ? policyLine + ' ' : '') + historyLine + v1Line;
  badge.parentNode?.insertBefore(details, badge.nextSibling);
}

/** The scan count: posted with the page's token, counted once per client a day; a notice when it is past what the lot makes plausible. */
function countScan(here: string, zh: boolean): void {
  const counter = document.getElementById('scans');
  const token = counter?.getAttribute('data-token');
  if (!counter || !token) return;
  // Opened from the page of a lot made from this one (batch-page.ts sourceLink), not from a label: no scan to count.
  if (new URLSearchParams(location.search).get('via') === 'source') return;
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
