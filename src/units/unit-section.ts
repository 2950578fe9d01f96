import { html, type Markup } from '../common/html.js';
import { BIZ_STEP_NAMES, type BizStep } from '../events/biz-step.js';
import type { Lang } from '../scan/batch-page.js';

/** What a unit's section shows: public facts only (never its check code, nor whether it was checked). */
export interface UnitSectionFacts {
  gtin: string;
  serial: string;
  /** The UNITS_COMMISSIONED entry's seq and the commissioning's size. */
  entrySeq: number;
  count: number;
  serialsRoot: string;
  /** Where the proof of the serial under the entry's root is (JSON). */
  proofPath: string;
  /** The lot's page (/q/<trace code>): the page's script checks the lot's proof there. */
  lotPath: string;
  /** Where the check-code form posts; null: no form. */
  checkPath: string | null;
  /** SSCCs of the packages it is in, innermost first. */
  packagePath: string[];
  /** Those packages' ledger entries (packed, shipped, received), in ledger order. */
  packageEvents: { sscc: string; seq: number; type: string }[];
}

const EVENT_NAMES: Record<string, { zh: string; en: string }> = {
  UNITS_PACKED: { zh: '装箱', en: 'packed' },
  PACKAGE_SHIPPED: { zh: '发货', en: 'shipped' },
  PACKAGE_RECEIVED: { zh: '收货', en: 'received' },
  UNPACKED: { zh: '拆箱', en: 'unpacked' },
};

const T = {
  zh: {
    unit: '本单品',
    serial: '序列号',
    commissioned: (seq: number, n: number) => `已赋码：账本第 ${seq} 条记录登记的 ${n.toLocaleString('zh-CN')} 个单品之一`,
    proof: '序列号证明',
    proofNote: '（序列号在该记录默克尔根下的包含证明）',
    unchecked: '本机尚未核验此单品。',
    check: '验证防伪码',
    checkHint: '刮开标签涂层，输入 10 位防伪码：',
    submit: '验证',
    packages: '包装',
    notPacked: '未装箱',
    innermost: '（由内到外）',
    entry: (seq: number) => `账本第 ${seq} 条`,
  },
  en: {
    unit: 'This unit',
    serial: 'Serial',
    commissioned: (seq: number, n: number) => `Commissioned: one of ${n.toLocaleString('en')} units of ledger entry ${seq}`,
    proof: 'Proof of the serial',
    proofNote: "(its inclusion proof under that entry's Merkle root)",
    unchecked: 'Not checked on this device yet.',
    check: 'Check the code',
    checkHint: 'Scratch the panel on the label and enter its 10-character code:',
    submit: 'Check',
    packages: 'Packages',
    notPacked: 'Not in a package',
    innermost: '(innermost first)',
    entry: (seq: number) => `ledger entry ${seq}`,
  },
};

/**
 * The unit's own section on its lot's page. Its facts carry `data-fact` names the lot's proof does not
 * prove, so the page's script marks them "not checked", then ✓ once the unit's own proof passes
 * (src/scan/browser/unit-proof-check.ts); `unit-check-state` says which. Pure.
 */
export function unitSection(f: UnitSectionFacts, lang: Lang): Markup {
  const t = T[lang];
  const form =
    f.checkPath &&
    html`<form method="post" action="${f.checkPath}?lang=${lang}"><p><label for="check-code">${t.checkHint}</label></p>
<p><input id="check-code" name="checkCode" autocomplete="off" autocapitalize="characters" maxlength="20" required>
<button type="submit">${t.submit}</button></p></form>`;
  return html`<section class="card" id="unit" data-lot-path="${f.lotPath}" data-unit-proof="${f.proofPath}"
data-gtin="${f.gtin}" data-serial="${f.serial}"><h2>${t.unit}</h2>
<dl><dt>${t.serial}</dt><dd data-fact="unit-serial">${f.serial}</dd>
<dt>GTIN</dt><dd>${f.gtin}</dd></dl>
<p data-fact="unit-commissioned">${t.commissioned(f.entrySeq, f.count)}</p>
<p class="muted"><a href="${f.proofPath}">${t.proof}</a> ${t.proofNote}</p>
<p class="muted" id="unit-check-state">${t.unchecked}</p>
${packagesPart(f, lang)}
${form && html`<h3>${t.check}</h3>${form}`}
</section>`;
}

/** The unit's package path (SSCCs, innermost first) and each package's events with their ledger seqs. */
function packagesPart(f: UnitSectionFacts, lang: Lang): Markup {
  const t = T[lang];
  if (f.packagePath.length === 0) return html`<p class="muted" id="unit-packages">${t.packages}: ${t.notPacked}</p>`;
  const items = f.packagePath.map((sscc) => {
    const events = f.packageEvents.filter((e) => e.sscc === sscc).map((e) => html`<li>${EVENT_NAMES[e.type]?.[lang] ?? e.type}: ${t.entry(e.seq)}</li>`);
    return html`<li>SSCC <span data-sscc="${sscc}">${sscc}</span><ul>${events}</ul></li>`;
  });
  return html`<h3>${t.packages} ${t.innermost}</h3><ol id="unit-packages">${items}</ol>`;
}

/** An event that named the unit, as its section lists it. */
export interface UnitEventFacts {
  seq: number;
  bizStep: BizStep;
  eventTime: Date;
  facilityName: string | null;
}

const EVENT_TEXT = {
  zh: { path: '本单品的记录', sold: '已售出', soldAt: (place: string, at: string) => `已售出：${at}，${place}`, entry: (seq: number) => `账本第 ${seq} 条` },
  en: {
    path: "This unit's own events",
    sold: 'Sold',
    soldAt: (place: string, at: string) => `Sold: ${at}, at ${place}`,
    entry: (seq: number) => `ledger entry ${seq}`,
  },
};
const LOCAL_TIME: Record<Lang, Intl.DateTimeFormat> = {
  zh: new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }),
};

/**
 * The events that named this unit (not only its lot), oldest first, each with its ledger entry, and
 * "已售出 / sold" with where and when once a RETAIL_SELLING named it. Nothing when no event named it. The
 * steps, times and places are the lot's entries' public members, which the lot's proof covers; that an
 * entry names this serial is the service's index (the serials are a private member). Pure.
 */
export function unitEventsSection(events: readonly UnitEventFacts[], sale: UnitEventFacts | null, lang: Lang): Markup | null {
  if (events.length === 0) return null;
  const t = EVENT_TEXT[lang];
  const place = (e: UnitEventFacts) => e.facilityName ?? '—';
  return html`<section class="card" id="unit-events"><h2>${t.path}</h2>
${sale && html`<p class="badge ok" data-unit-sold="${sale.seq}">${t.soldAt(place(sale), LOCAL_TIME[lang].format(sale.eventTime))}</p>`}
<ul>${events.map(
    (e) =>
      html`<li data-unit-event="${e.seq}">${LOCAL_TIME[lang].format(e.eventTime)} · ${pickStep(e.bizStep, lang)} · ${place(e)}
<span class="muted">(${t.entry(e.seq)})</span></li>`,
  )}</ul></section>`;
}

function pickStep(step: BizStep, lang: Lang): string {
  const names = BIZ_STEP_NAMES[step];
  return names ? names[lang === 'zh' ? 0 : 1] : step;
}
