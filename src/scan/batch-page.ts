import type { Excursion } from '../cold-chain/excursions.js';
import type { PageView } from './scan.service.js';
import { declarationWords } from './declaration-words.js';
import { recallLevelWords } from '../recalls/recall-level-words.js';
import type { PublicEvent, SourceLot } from './scan.repository.js';
import { html, joinMarkup, type Markup, raw } from '../common/html.js';
import { BIZ_STEP_NAMES, type BizStep } from '../events/biz-step.js';
import type { GiStanding, PublicCertificate } from '../certificates/certificate-rules.js';
import { certificatesSection, giBadge } from './claims-section.js';
import { chartSvg } from './temperature-chart.js';

export type Lang = 'zh' | 'en';

export interface PageExtras {
  /** Each with the seq of the entry that attached it, when known: the page marks it for the phone's check. */
  certificates: (PublicCertificate & { seq?: number })[];
  /** How far the product's GI claim is backed (null when it claims none). */
  giStanding: GiStanding | null;
  /** For chilled and frozen goods: the readings (time order), the allowed band and the excursions. */
  chart: { readings: { at: Date; celsius: number }[]; minTempC: number | null; maxTempC: number | null; excursions: Excursion[] } | null;
}

const T = {
  zh: {
    title: '产品溯源',
    producer: '生产者',
    origin: '产地',
    lot: '批号',
    status: '状态',
    coldChain: '冷链',
    journey: '流通记录',
    temperatures: '温度记录',
    verification: '账本校验',
    serverChecked: (n: number) => `服务器已核对本批次 ${n} 条账本记录，哈希与链接完整；正在本机校验…`,
    failed: (seq: number | null, reason: string | null) => `校验失败：第 ${seq ?? '?'} 条 — ${reason ?? ''}`,
    inspections: '抽检',
    inspectionsNone: '无抽检记录',
    inspectionsPassed: (n: number) => `${n} 次，全部合格`,
    inspectionsFailed: (failed: number, n: number, latest: string) => `${n} 次中 ${failed} 次不合格（最近一次：${latest === 'PASS' ? '合格' : '不合格'}）`,
    keySteps: (shown: number, all: number) => `共 ${all} 条记录，此处列出 ${shown} 条关键步骤（每类的第一条与最新的记录）。`,
    allEvents: '查看全部记录',
    newestEvents: '最新记录',
    eventsTitle: '全部流通记录',
    eventsUnchecked: '此为服务器列出的全部记录，未在本机校验；产品页会在本机校验其关键步骤。',
    pageOf: (page: number, pages: number) => `第 ${page} / ${pages} 页`,
    earlier: '← 较早',
    later: '较新 →',
    back: '返回产品页',
    recall: '召回通知',
    recallAdvice: '请停止食用，并按商家或监管部门的指引退货。',
    code: '追溯码',
    madeFrom: '原料批次',
    moreSources: (n: number) => `等，共 ${n} 批`,
    lotOf: (product: string, lot: string) => `${product} · 批号 ${lot}`,
  },
  en: {
    title: 'Product trace',
    producer: 'Producer',
    origin: 'Origin',
    lot: 'Lot',
    status: 'Status',
    coldChain: 'Cold chain',
    journey: 'Journey',
    temperatures: 'Temperatures',
    verification: 'Ledger check',
    // A template, so the apostrophe stays as written rather than escaped.
    serverChecked: (n: number) => html`The service found the hashes and links of this batch's ${n} ledger entries intact; checking on this device…`,
    failed: (seq: number | null, reason: string | null) => `Check failed at entry ${seq ?? '?'}: ${reason ?? ''}`,
    inspections: 'Inspections',
    inspectionsNone: 'none recorded',
    inspectionsPassed: (n: number) => `${n}, all passed`,
    inspectionsFailed: (failed: number, n: number, latest: string) => `${failed} of ${n} failed (latest: ${latest === 'PASS' ? 'passed' : 'failed'})`,
    keySteps: (shown: number, all: number) => `${all} events in all; shown here are ${shown} key steps (the first of each kind and the newest).`,
    allEvents: 'See every event',
    newestEvents: 'newest events',
    eventsTitle: 'Every event',
    eventsUnchecked: 'The service’s list of every event, not checked on this device; the product’s page checks its key steps on your phone.',
    pageOf: (page: number, pages: number) => `page ${page} of ${pages}`,
    earlier: '← earlier',
    later: 'later →',
    back: 'Back to the product',
    recall: 'Recall notice',
    recallAdvice: 'Do not eat it; return it as the shop or the regulator instructs.',
    code: 'Trace code',
    madeFrom: 'Made from',
    moreSources: (n: number) => `and more: ${n} lots in all`,
    lotOf: (product: string, lot: string) => `${product} · lot ${lot}`,
  },
} as const;

const STATUSES: Record<string, [string, string]> = {
  ACTIVE: ['正常', 'Normal'],
  IN_TRANSIT: ['运输中', 'In transit'],
  ON_HOLD: ['暂停销售（待复检）', 'On hold pending re-inspection'],
  RECALLED: ['已召回', 'Recalled'],
  CONSUMED: ['已售完', 'Sold out'],
  DESTROYED: ['已销毁', 'Destroyed'],
};
const COLD: Record<string, [string, string]> = {
  NOT_APPLICABLE: ['常温产品', 'Ambient product'],
  NO_DATA: ['无温度记录', 'No temperature records'],
  OK: ['全程温度合格', 'Kept in range throughout'],
  EXCURSION: ['出现温度异常', 'Temperature excursion recorded'],
};

/** ?lang= wins; else the first of the browser's languages that is Chinese or English; else Chinese. */
export function chooseLanguage(param: unknown, acceptLanguage: string | undefined): Lang {
  if (param === 'en' || param === 'zh') return param;
  for (const tag of (acceptLanguage ?? '').split(',')) {
    const name = tag.trim().toLowerCase();
    if (name.startsWith('zh')) return 'zh';
    if (name.startsWith('en')) return 'en';
  }
  return 'zh';
}

const pick = (pair: [string, string] | undefined, lang: Lang, fallback: string) => (pair ? pair[lang === 'zh' ? 0 : 1] : fallback);

/** Local date and time in China, as a consumer there reads it. */
// Made once: a formatter per call was a tenth of the page's CPU, and its allocations the service's memory.
const DATE_FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  zh: new Intl.DateTimeFormat('zh-CN', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }),
};

function when(date: Date, lang: Lang): string {
  return DATE_FORMATS[lang].format(date);
}

const PAGE_CSS = raw(`
body{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;color:#1d2a1d;background:#f7f8f4}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}
.muted{color:#667}.card{background:#fff;border-radius:.8rem;padding:1rem;box-shadow:0 1px 3px #0002}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem .8rem;margin:.6rem 0}dt{color:#667}dd{margin:0}
ul{padding-left:1.1rem}li{margin:.45rem 0}
.gi{display:inline-block;padding:.2rem .6rem;border-radius:1rem;background:#eee}.gi.ok{background:#e3f4e1;color:#1b6b1b}
.badge{padding:.6rem .8rem;border-radius:.6rem}.badge.pending{background:#eef0f4}.badge.notice{background:#fff4d6;color:#6b4b00}
.badge.ok{background:#e3f4e1;color:#1b6b1b}.badge.bad{background:#fde8e8;color:#9b1c1c}
.recall{background:#b91c1c;color:#fff;border-radius:.8rem;padding:1rem;margin-bottom:1rem}.recall .muted{color:#fdd}
.cold-EXCURSION{color:#b91c1c;font-weight:600}.cold-OK{color:#1b6b1b}
svg{width:100%;height:auto}svg.chart{display:block;max-width:26rem}nav{text-align:right}
.checked::after{content:" \\2713";color:#1b6b1b}.unchecked-mark{color:#8a5a00;font-size:.8em;font-weight:400}
.recall .checked::after{color:#fff}.recall .unchecked-mark{color:#fdd}
.declared-erroneous{color:#9b1c1c;font-weight:600}
`);

/**
 * The public page of a batch (with `unitSection`: a serialized unit's page, its section above the lot's),
 * server-rendered, self-contained (inline CSS and SVG, no external
 * resources), mobile first. Pure: the same view gives the same bytes, which the ETag relies on.
 */
export function renderBatchPage(view: PageView, extras: PageExtras, lang: Lang, baseUrl: string, scanToken: string, unitSection?: Markup): string {
  const t = T[lang];
  const recall =
    view.recall &&
    joinMarkup(
      [
        // The level in words (the recall list's and the reports' wording); the raw level in data-value, which the phone compares with the ledger's.
        html`<section class="recall" role="alert"><h2>${t.recall} · <span data-fact="recall-level" data-value="${view.recall.level}">${recallLevelWords(
          view.recall.level,
          lang,
        )}</span></h2>`,
        html`<p data-fact="recall-reason">${view.recall.reason}</p>`,
        html`<p>${t.recallAdvice}</p><p class="muted" data-fact="recall-time">${when(view.recall.initiatedAt, lang)}</p></section>`,
      ],
      '',
    );
  const gi = giBadge(view.geographicIndication, extras.giStanding, lang);
  const sourcesById = new Map(view.sources.map((source) => [source.batchId, source]));
  const timeline = view.keySteps.map((ev) => eventItem(ev, lang, true, ev.batchId === undefined ? undefined : sourcesById.get(ev.batchId)));
  const direct = view.sources.filter((source) => source.direct);
  const madeFrom =
    direct.length > 0 &&
    html`<dt>${t.madeFrom}</dt><dd data-fact="sources">${joinMarkup(
      direct.map((source) => sourceLink(source, lang)),
      lang === 'zh' ? '、' : ', ',
    )}${view.directSourceCount > direct.length && html` ${t.moreSources(view.directSourceCount)}`}</dd>`;
  const events = `/q/${view.traceCode}/events`;
  const lastPage = Math.max(1, Math.ceil(view.eventCount / EVENTS_PER_PAGE));
  const more =
    view.eventCount > view.keySteps.length &&
    html`<p class="muted" data-fact="counts">${t.keySteps(view.keySteps.length, view.eventCount)} ${stepCounts(view.stepCounts, lang)}
<a href="${events}?lang=${lang}">${t.allEvents}</a> · <a href="${events}?page=${lastPage}&amp;lang=${lang}">${t.newestEvents}</a></p>`;
  const inspections = inspectionsVerdict(view.inspections, lang);
  const certificates = certificatesSection(extras.certificates, lang);
  const chart =
    extras.chart && extras.chart.readings.length > 0 && html`<section data-fact="chart"><h2>${t.temperatures}</h2>${chartSvg(extras.chart, lang)}</section>`;
  const v = view.verification;
  // "Verified" is the phone's word, once its own check of the signed ledger passes: the server only says what it found.
  const verdict = v.valid ? t.serverChecked(v.checkedEntries) : t.failed(v.firstInvalidSeq, v.reason);
  const badge = html`<p id="badge" class="badge ${v.valid ? 'pending' : 'bad'}">${verdict}</p>`;
  const other = lang === 'zh' ? html`<a href="?lang=en" hreflang="en">English</a>` : html`<a href="?lang=zh" hreflang="zh-CN">中文</a>`;
  return html`<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${view.productName} · ${t.title}</title>
<style>${PAGE_CSS}</style></head>
<body><main>
<nav>${other}</nav>
${recall}
${unitSection}
<div class="card">
<h1 data-fact="product">${view.productName}</h1>
${gi}
<dl>
<dt>${t.producer}</dt><dd data-fact="producer">${view.producer}</dd>
${view.origin && html`<dt>${t.origin}</dt><dd data-fact="origin">${view.origin}</dd>`}
<dt>${t.lot}</dt><dd data-fact="lot">${view.lotCode}</dd>
${madeFrom}
<dt>${t.status}</dt><dd data-fact="status">${pick(STATUSES[view.status], lang, view.status)}</dd>
<dt>${t.coldChain}</dt><dd data-fact="cold-chain" class="cold-${view.coldChainStatus}">${pick(COLD[view.coldChainStatus], lang, view.coldChainStatus)}</dd>
<dt>${t.inspections}</dt><dd data-fact="inspections">${inspections}</dd>
<dt>${t.code}</dt><dd data-fact="trace-code">${view.traceCode}</dd>
</dl>
</div>
<section><h2>${t.journey}</h2><ol>${timeline}</ol>${more}</section>
${chart}
${certificates}
<section><h2>${t.verification}</h2>${badge}<p id="scans" class="muted" data-token="${scanToken}"></p></section>
<p class="muted">${baseUrl}/q/${view.traceCode}</p>
</main><script src="/assets/verify.js" defer></script></body></html>`.toString();
}

/** Events on one page of the list of every event. */
export const EVENTS_PER_PAGE = 100;

/**
 * What the batch page and each page of every event stay under, however long the lot's story: the page
 * holds at most 12 + NEWEST_KEY_STEPS key steps, 300 chart points and 20 certificates (about 20 KB
 * when all are there); a page of events, 100 events (about 13 KB). test/e2e/scan.e2e-spec.ts holds both to it.
 */
export const PAGE_MAX_BYTES = 64 * 1024;

/**
 * A lot it was made from, linked to its own public page. Its lot and trace code are shown, though the page
 * proof opens neither for an ancestor's registration: the phone marks them "not checked" (docs/ledger-format.md §7).
 * `via=source` tells that page's script this is no scan of a label, so the lot's scan count is not raised.
 */
function sourceLink(source: SourceLot, lang: Lang): Markup {
  return html`<a href="/q/${source.traceCode}?lang=${lang}&amp;via=source">${T[lang].lotOf(source.productName, source.lotCode)}</a>`;
}

/**
 * A step of the story; on the batch page (`facts`) each part is marked for the phone's check, which writes
 * it again from the ledger entry `data-seq` (the raw value the service read is in data-value). A step of a
 * lot it was made from names that lot (`source`).
 */
function eventItem(ev: PublicEvent, lang: Lang, facts = false, source?: SourceLot): Markup {
  const step = pick(BIZ_STEP_NAMES[ev.bizStep as BizStep], lang, ev.bizStep);
  const declared = typeof ev.declaredErroneous === 'string' ? declarationWords(ev.declaredErroneous, lang) : null;
  if (!facts) {
    const where = joinMarkup([ev.place, ev.organization].filter(Boolean), ' · ');
    const mark = declared !== null && html`<br><span class="declared-erroneous">${declared}</span>`;
    return html`<li><b>${step}</b> <span class="muted">${when(ev.eventTime, lang)}</span><br>${where}${mark}</li>`;
  }
  const where = joinMarkup(
    [ev.place && html`<span data-fact="place">${ev.place}</span>`, ev.organization && html`<span data-fact="organization">${ev.organization}</span>`].filter(
      Boolean,
    ),
    ' · ',
  );
  const time = ev.eventTime.toISOString();
  const at = html`<time class="muted" data-fact="time" datetime="${time}" data-value="${time}">${when(ev.eventTime, lang)}</time>`;
  // The phone writes the mark again from the declaration entry in the page proof (or marks it not checked when the proof left it out).
  const mark =
    declared !== null && html`<br><span class="declared-erroneous" data-fact="declared-erroneous" data-value="${ev.declaredErroneous}">${declared}</span>`;
  const lot = source && html`<br><span class="source" data-fact="source-lot">${sourceLink(source, lang)}</span>`;
  return html`<li data-seq="${ev.seq}"><b data-fact="step" data-value="${ev.bizStep}">${step}</b> ${at}<br>${where}${lot}${mark}</li>`;
}

/** The story's steps with how many events each has, most first ("Stored × 2,988 · Shipped × 3"). */
function stepCounts(counts: PageView['stepCounts'], lang: Lang): string {
  const number = new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-GB');
  return counts.map((c) => `${pick(BIZ_STEP_NAMES[c.bizStep as BizStep], lang, c.bizStep)} × ${number.format(c.count)}`).join(' · ');
}

function inspectionsVerdict(inspections: PageView['inspections'], lang: Lang): string {
  const t = T[lang];
  if (inspections.total === 0) return t.inspectionsNone;
  if (inspections.failed === 0) return t.inspectionsPassed(inspections.total);
  return t.inspectionsFailed(inspections.failed, inspections.total, inspections.latest ?? 'FAIL');
}

/** One page of every event of a lot's story, oldest first, with links to the pages before and after it. */
export function renderEventsPage(
  lot: { traceCode: string; productName: string; lotCode: string },
  page: { number: number; total: number; events: PublicEvent[] },
  lang: Lang,
): string {
  const t = T[lang];
  const pages = Math.max(1, Math.ceil(page.total / EVENTS_PER_PAGE));
  const link = (n: number, label: string) => html`<a href="/q/${lot.traceCode}/events?page=${n}&amp;lang=${lang}">${label}</a>`;
  const nav = joinMarkup(
    [page.number > 1 && link(page.number - 1, t.earlier), t.pageOf(page.number, pages), page.number < pages && link(page.number + 1, t.later)].filter(Boolean),
    ' · ',
  );
  return html`<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${lot.productName} · ${t.eventsTitle}</title>
<style>${PAGE_CSS}</style></head>
<body><main>
<nav><a href="/q/${lot.traceCode}?lang=${lang}">${t.back}</a></nav>
<h1>${lot.productName}</h1>
<p class="muted">${t.lot} ${lot.lotCode} · ${t.code} ${lot.traceCode}</p>
<section><h2>${t.eventsTitle}</h2><p class="muted">${t.eventsUnchecked}</p><p class="muted">${nav}</p>
<ol start="${(page.number - 1) * EVENTS_PER_PAGE + 1}">${page.events.map((ev) => eventItem(ev, lang))}</ol>
<p class="muted">${nav}</p></section>
</main></body></html>`.toString();
}

/** The chart's SVG (temperature-chart.ts): the page's, and any other rendering that wants the same picture. */
export function temperatureChart(chart: NonNullable<PageExtras['chart']>, lang: Lang = 'en'): string {
  return chartSvg(chart, lang).toString();
}
