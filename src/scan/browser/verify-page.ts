// The consumer page's own script, served at /assets/verify.js (allowed by the page's CSP as 'self').
// Built by scripts/build-assets.mjs into one file; it checks, in the phone's own browser, that this
// batch's story is in the signed ledger (proof-bundle-check.ts), fetching the proof's pages in turn.
// Nothing is fetched from elsewhere. Before it, the key the label pins (key-pin.ts); after it, the
// ledger's history since the checkpoint this phone verified last (checkpoint-memory.ts).
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
import { checkKeyPin, KeyPinVerdict } from './key-pin.js';
import { BundleVerdict, checkProofPages, ProofBundle, ProofPage } from './proof-bundle-check.js';
import { checkPolicyPin, PolicyPinVerdict } from './witness-check.js';

// What a test may call on the built bundle (as the global SuyuanVerify), the same code the page runs.
export { checkHistory, verifyConsistency } from './checkpoint-memory.js';
export { checkKeyPin, webKeyFingerprint } from './key-pin.js';
export { checkPolicyPin, verifiedCosigners, webPolicyFingerprint } from './witness-check.js';
export { bytesOfHex, hexOf } from './bytes.js';
export { checkProofBundle, checkProofPages, rootFromInclusion, webLedgerHashes, webSha256Hex } from './proof-bundle-check.js';

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
  const sayBundle = (verdict: BundleVerdict): void => {
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
  };
  const here = location.pathname.replace(/\/$/, '');
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

  getJson<ProofBundle>(here + '/proof.json')
    .then(async (first) => {
      const pin = await checkKeyPin(crypto.subtle, location.hash, first.verifierKey);
      if (!pin.ok) return say('failed', '校验失败：' + pin.zh, 'Verification failed: ' + pin.en);
      const policyPin = await checkPolicyPin(crypto.subtle, location.hash, first.witnesses);
      if (!policyPin.ok) return say('failed', '校验失败：' + policyPin.zh, 'Verification failed: ' + policyPin.en);
      const verdict = await checkProofPages(
        first,
        {
          fetchPage: (path) => getJson<ProofPage>(path),
          progress: (checked, total) => {
            if (first.next)
              say('checking', '正在本机校验… 已核对 ' + checked + ' / ' + total + ' 条', 'Checking on this device… ' + checked + ' of ' + total + ' entries');
          },
        },
        crypto.subtle,
      );
      if (!verdict.verified || verdict.note) return sayBundle(verdict);
      // Only a checkpoint whose signature was checked is compared with, and becomes, the phone's memory.
      const key = memoryKey(first.origin, first.verifierKey);
      const served = treeHeadOfNote(first.signedNote);
      const history = snapshot ? await checkHistory(crypto.subtle, recall(snapshot, key), served, fetchConsistency) : null;
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
      sayBundle(verdict);
      showDetails(badge, zh, pin, policyPin, first.witnesses, history && (kept || history.history !== 'first') ? history : null);
    })
    .catch((err: Error) => say('failed', '无法校验：' + err.message, 'Could not verify: ' + err.message));
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
  policy: ProofBundle['witnesses'],
  history: HistoryVerdict | null,
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
  details.textContent = keyLine + ' ' + (policyLine ? policyLine + ' ' : '') + historyLine;
  badge.parentNode?.insertBefore(details, badge.nextSibling);
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
