import { html, type Markup } from '../common/html.js';
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
