import { html, joinMarkup, type Markup, raw } from '../common/html.js';
import type { MockRecallReport } from './mock-recall-model.js';
import {
  allBatches,
  BALANCE_COLUMNS,
  balanceTable,
  BATCH_COLUMNS,
  batchCells,
  type Cell,
  CHECK_COLUMNS,
  checkCells,
  EDGE_COLUMNS,
  edgeCells,
  hasLinesOutsideTrace,
  headerFields,
  HOLDER_COLUMNS,
  holderCells,
  LABELS,
  lotName,
  type Pair,
  summaryRows,
} from './report-text.js';

/** A bilingual label: Chinese, then English in a quieter span. */
const l = (pair: Pair) => html`${pair[0]} <span lang="en">${pair[1]}</span>`;

function td(c: Cell): Markup {
  const classes = [c.bad ? 'bad' : '', c.numeric ? 'num' : ''].filter(Boolean).join(' ');
  return html`<td${classes && html` class="${classes}"`}>${joinMarkup(c.lines, '<br>')}</td>`;
}

function table(columns: Pair[], rows: Cell[][], className?: string): Markup {
  if (rows.length === 0) return html`<p class="muted">${l(LABELS.none)}</p>`;
  return html`<table${className && html` class="${className}"`}><thead><tr>${columns.map((c) => html`<th>${l(c)}</th>`)}</tr></thead>
<tbody>${joinMarkup(
    rows.map((r) => html`<tr>${r.map(td)}</tr>`),
    '\n',
  )}</tbody></table>`;
}

const CSS = raw(
  `
@page{size:A4 landscape;margin:12mm}
*{box-sizing:border-box}
` +
    'body{font:13px/1.45 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;' +
    'color:#1a1a1a;margin:0 auto;max-width:80rem;padding:1rem}\n' +
    'h1{font-size:1.45rem;margin:.2rem 0 .6rem}h2{font-size:1.1rem;margin:1.4rem 0 .4rem;border-bottom:2px solid #1f4d2b;padding-bottom:.15rem}' +
    'h3{font-size:.95rem;margin:.8rem 0 .2rem}\n' +
    `span[lang=en]{color:#555;font-weight:normal}
dl{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:.2rem .9rem;margin:.4rem 0}dt{color:#555}dd{margin:0}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}
th,td{border:1px solid #c9cec6;padding:.2rem .4rem;text-align:left;vertical-align:top}
th{background:#eef2ec;font-weight:600}
td.num{text-align:right;white-space:nowrap}
.summary th{width:35%}
.checks td:first-child{min-width:11rem}
.bad{color:#b91c1c;font-weight:600}
#elapsed{font-weight:700}
.muted{color:#666}
footer{margin-top:1.5rem;color:#666;font-size:.85rem}
@media print{
  body{font-size:9pt;max-width:none;padding:0}
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  thead{display:table-header-group}
  tr,.balance{break-inside:avoid}
  h2,h3{break-after:avoid}
  section.major{break-before:page}
}`,
);

/** The report as one self-contained, printable HTML page (inline CSS, no scripts, no external resources). */
export function mockRecallHtml(report: MockRecallReport): string {
  const elapsedNote = html` <span class="muted">(${l(LABELS.elapsedNote)})</span>`;
  const lot = report.lot;
  const header = headerFields(report).map(
    ([label, value]) => html`<dt>${l(label)}</dt><dd${label === LABELS.elapsed && html` id="elapsed"`}>${value}${label === LABELS.elapsed && elapsedNote}</dd>`,
  );
  const summary = summaryRows(report).map(([label, c]) => html`<tr><th>${l(label)}</th>${td(c)}</tr>`);
  const balanceTables = report.transformations
    .map(balanceTable)
    .map((b) => html`<div class="balance"><h3>${b.title}</h3>${table(BALANCE_COLUMNS, b.rows)}</div>`);
  const balances = report.transformations.length
    ? html`${joinMarkup(balanceTables, '\n')}${hasLinesOutsideTrace(report) && html`<p class="muted">${l(LABELS.notInTrace)}</p>`}`
    : html`<p class="muted">${l(LABELS.none)}</p>`;

  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${`${LABELS.title[0]} ${LABELS.title[1]} · ${lotName(lot)}`}</title><style>${CSS}</style></head>
<body><main>
<h1>${l(LABELS.title)}<br>${lotName(lot)}</h1>
<dl>
${joinMarkup(header, '\n')}
</dl>
<section><h2>${l(LABELS.summary)}</h2><table class="summary"><tbody>${joinMarkup(summary, '\n')}</tbody></table></section>
<section><h2>${l(LABELS.upstream)}</h2>${table(BATCH_COLUMNS, report.upstream.map(batchCells))}</section>
<section><h2>${l(LABELS.downstream)}</h2>${table(BATCH_COLUMNS, report.downstream.map(batchCells))}</section>
<section><h2>${l(LABELS.holdersSection)}</h2>${table(HOLDER_COLUMNS, report.holders.map(holderCells))}</section>
<section class="major"><h2>${l(LABELS.massBalance)}</h2>${balances}</section>
<section><h2>${l(LABELS.edges)}</h2>${table(EDGE_COLUMNS, report.edges.map(edgeCells))}</section>
<section class="major"><h2>${l(LABELS.checks)}</h2>${table(CHECK_COLUMNS, allBatches(report).map(checkCells), 'checks')}</section>
<footer>${l(LABELS.source)} ${lot.id}</footer>
</main></body></html>`.toString();
}
