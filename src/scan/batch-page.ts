import type { Excursion } from '../cold-chain/excursions.js';
import type { ScanView } from './scan.service.js';
import { html, joinMarkup, type Markup, raw } from '../common/html.js';
import { BIZ_STEP_NAMES, type BizStep } from '../events/biz-step.js';
import type { GiStanding, PublicCertificate } from '../certificates/certificate-rules.js';
import { certificatesSection, giBadge } from './claims-section.js';

export type Lang = 'zh' | 'en';

export interface PageExtras {
  certificates: PublicCertificate[];
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
    verified: (n: number) => `已校验：本批次 ${n} 条记录的哈希与链接完整`,
    failed: (seq: number | null, reason: string | null) => `校验失败：第 ${seq ?? '?'} 条 — ${reason ?? ''}`,
    recall: '召回通知',
    recallAdvice: '请停止食用，并按商家或监管部门的指引退货。',
    code: '追溯码',
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
    verified: (n: number) => html`Verified: the hashes and links of this batch's ${n} entries are intact`,
    failed: (seq: number | null, reason: string | null) => `Check failed at entry ${seq ?? '?'}: ${reason ?? ''}`,
    recall: 'Recall notice',
    recallAdvice: 'Do not eat it; return it as the shop or the regulator instructs.',
    code: 'Trace code',
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
.badge{padding:.6rem .8rem;border-radius:.6rem}.badge.ok{background:#e3f4e1;color:#1b6b1b}.badge.bad{background:#fde8e8;color:#9b1c1c}
.recall{background:#b91c1c;color:#fff;border-radius:.8rem;padding:1rem;margin-bottom:1rem}.recall .muted{color:#fdd}
.cold-EXCURSION{color:#b91c1c;font-weight:600}.cold-OK{color:#1b6b1b}
svg{width:100%;height:auto}nav{text-align:right}
`);

/**
 * The public page of a batch, server-rendered, self-contained (inline CSS and SVG, no external
 * resources), mobile first. Pure: the same view gives the same bytes, which the ETag relies on.
 */
export function renderBatchPage(view: ScanView, extras: PageExtras, lang: Lang, baseUrl: string): string {
  const t = T[lang];
  const recall =
    view.recall &&
    joinMarkup(
      [
        html`<section class="recall" role="alert"><h2>${t.recall} · ${view.recall.level}</h2><p>${view.recall.reason}</p>`,
        html`<p>${t.recallAdvice}</p><p class="muted">${when(view.recall.initiatedAt, lang)}</p></section>`,
      ],
      '',
    );
  const gi = giBadge(view.geographicIndication, extras.giStanding, lang);
  const timeline = view.timeline.map((ev) => {
    const step = pick(BIZ_STEP_NAMES[ev.bizStep as BizStep], lang, ev.bizStep);
    const where = joinMarkup([ev.place, ev.organization].filter(Boolean), ' · ');
    return html`<li><b>${step}</b> <span class="muted">${when(ev.eventTime, lang)}</span><br>${where}</li>`;
  });
  const certificates = certificatesSection(extras.certificates, lang);
  const chart = extras.chart && extras.chart.readings.length > 0 && html`<section><h2>${t.temperatures}</h2>${chartSvg(extras.chart)}</section>`;
  const v = view.verification;
  const verdict = v.valid ? t.verified(v.checkedEntries) : t.failed(v.firstInvalidSeq, v.reason);
  const badge = html`<p id="badge" class="badge ${v.valid ? 'ok' : 'bad'}">${verdict}</p>`;
  const other = lang === 'zh' ? html`<a href="?lang=en" hreflang="en">English</a>` : html`<a href="?lang=zh" hreflang="zh-CN">中文</a>`;
  return html`<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${view.productName} · ${t.title}</title>
<style>${PAGE_CSS}</style></head>
<body><main>
<nav>${other}</nav>
${recall}
<div class="card">
<h1>${view.productName}</h1>
${gi}
<dl>
<dt>${t.producer}</dt><dd>${view.producer}</dd>
${view.origin && html`<dt>${t.origin}</dt><dd>${view.origin}</dd>`}
<dt>${t.lot}</dt><dd>${view.lotCode}</dd>
<dt>${t.status}</dt><dd>${pick(STATUSES[view.status], lang, view.status)}</dd>
<dt>${t.coldChain}</dt><dd class="cold-${view.coldChainStatus}">${pick(COLD[view.coldChainStatus], lang, view.coldChainStatus)}</dd>
<dt>${t.code}</dt><dd>${view.traceCode}</dd>
</dl>
</div>
<section><h2>${t.journey}</h2><ol>${timeline}</ol></section>
${chart}
${certificates}
<section><h2>${t.verification}</h2>${badge}<p id="scans" class="muted"></p></section>
<p class="muted">${baseUrl}/q/${view.traceCode}</p>
</main><script src="/assets/verify.js" defer></script></body></html>`.toString();
}

/** An inline SVG line of the readings over time, the allowed band shaded and excursions marked in red. */
export function temperatureChart(chart: NonNullable<PageExtras['chart']>): string {
  return chartSvg(chart).toString();
}

function chartSvg(chart: NonNullable<PageExtras['chart']>): Markup {
  const readings = downsample(chart.readings, 400);
  const width = 600;
  const height = 220;
  const pad = 30;
  const t0 = readings[0].at.getTime();
  const t1 = Math.max(readings[readings.length - 1].at.getTime(), t0 + 1);
  const temps = readings.map((r) => r.celsius).concat([chart.minTempC, chart.maxTempC].filter((x): x is number => x !== null));
  const lo = Math.floor(Math.min(...temps) - 1);
  const hi = Math.ceil(Math.max(...temps) + 1);
  const x = (ms: number) => (pad + ((ms - t0) / (t1 - t0)) * (width - 2 * pad)).toFixed(1);
  const y = (c: number) => (height - pad - ((c - lo) / (hi - lo)) * (height - 2 * pad)).toFixed(1);
  const bandTop = chart.maxTempC ?? hi;
  const bandBottom = chart.minTempC ?? lo;
  const bandHeight = (Number(y(bandBottom)) - Number(y(bandTop))).toFixed(1);
  const band = html`<rect class="band" x="${pad}" y="${y(bandTop)}" width="${width - 2 * pad}" height="${bandHeight}" fill="#d9f0d6"/>`;
  const marks = chart.excursions.map((ex) => {
    const [start, end] = [x(ex.start.getTime()), x(ex.end.getTime())];
    const markWidth = Math.max(2, Number(end) - Number(start)).toFixed(1);
    return html`<rect class="excursion" x="${start}" y="${pad}" width="${markWidth}" height="${height - 2 * pad}" fill="#f8c4c4" opacity=".7"/>`;
  });
  const line = readings.map((r) => `${x(r.at.getTime())},${y(r.celsius)}`).join(' ');
  const scale = html`<text x="4" y="${y(hi - 1)}" font-size="11">${hi - 1}°C</text><text x="4" y="${y(lo + 1)}" font-size="11">${lo + 1}°C</text>`;
  const polyline = html`<polyline points="${line}" fill="none" stroke="#1d4ed8" stroke-width="2"/>`;
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="temperature chart">${band}${marks}${polyline}${scale}</svg>`;
}

/** At most `max` points, keeping each bucket's extreme so a short spike still shows. */
function downsample<T extends { celsius: number }>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const size = Math.ceil(points.length / max);
  const out: T[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    out.push(bucket.reduce((a, b) => (Math.abs(b.celsius) > Math.abs(a.celsius) ? b : a)));
  }
  return out;
}
