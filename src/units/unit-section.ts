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
}

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
${form && html`<h3>${t.check}</h3>${form}`}
</section>`;
}
