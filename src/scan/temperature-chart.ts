import type { Excursion } from '../cold-chain/excursions.js';
import { html, type Markup } from '../common/html.js';

/**
 * The temperature chart of a chilled or frozen lot, drawn to be read on a phone: a time axis in China's
 * time, the allowed band between its limits, each excursion as a red band, a legend, and type that stays
 * 12 px or more at a 360 px wide screen (the viewBox is about as wide as a phone shows it, so the browser
 * does not shrink it). Inline SVG, no script: the page's policy allows nothing else. Pure.
 */
export interface ChartData {
  readings: { at: Date; celsius: number }[];
  minTempC: number | null;
  maxTempC: number | null;
  excursions: Excursion[];
}

type Lang = 'zh' | 'en';

/** The drawing's width in its own units; at 328 px on the screen (360 less the page's margins) a unit is 0.96 px. */
export const CHART_WIDTH = 340;
const HEIGHT = 220;
/** 13 units: 12.5 px on a 360 px phone, and no more than 16 px where the chart reaches its widest (26rem). */
const TYPE = 13;
/** The legend's rows (a row is 18 units), above the plot. */
const LEGEND_ROW = 18;
const PLOT_SIDES = { left: 34, right: CHART_WIDTH - 10, bottom: HEIGHT - 38 };
const CHINA_OFFSET_MS = 8 * 3600_000; // UTC+8 all year: no daylight saving time

const WORDS = {
  zh: {
    reading: '温度',
    allowed: (range: string) => `允许 ${range}`,
    excursion: '超出范围',
    summary: (from: string, to: string, lo: number, hi: number, range: string, n: number) =>
      `温度记录：${from} 至 ${to}，最低 ${lo} °C，最高 ${hi} °C${range ? `，允许范围 ${range}` : ''}${n ? `，${n} 次超出范围` : ''}`,
    day: (month: number, day: number) => `${month}月${day}日`,
  },
  en: {
    reading: 'Temperature',
    allowed: (range: string) => `Allowed ${range}`,
    excursion: 'Excursion',
    summary: (from: string, to: string, lo: number, hi: number, range: string, n: number) =>
      `Temperatures from ${from} to ${to}: lowest ${lo} °C, highest ${hi} °C${range ? `, allowed ${range}` : ''}${n ? `, ${n} excursion(s)` : ''}`,
    day: (month: number, day: number) => `${day} ${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][month - 1]}`,
  },
} as const;

/** "2–8 °C", "≤ 8 °C", "≥ -18 °C", or '' without limits. */
export function allowedRange(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `${min}–${max} °C`;
  if (max !== null) return `≤ ${max} °C`;
  if (min !== null) return `≥ ${min} °C`;
  return '';
}

/** China's wall clock of an instant, as UTC fields of a shifted date. */
const china = (ms: number) => new Date(ms + CHINA_OFFSET_MS);
const two = (n: number) => String(n).padStart(2, '0');

const TIME_STEPS_MS = [10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160, 43200].map((m) => m * 60_000);

/** Ticks at round times of China's clock (every 10 min … 30 days), at most `max` of them between t0 and t1. */
export function timeTicks(t0: number, t1: number, max = 5): { at: number; step: number }[] {
  const step = TIME_STEPS_MS.find((s) => (t1 - t0) / s <= max - 1) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1];
  const first = Math.ceil((t0 + CHINA_OFFSET_MS) / step) * step - CHINA_OFFSET_MS;
  const ticks: { at: number; step: number }[] = [];
  for (let at = first; at <= t1; at += step) ticks.push({ at, step });
  return ticks;
}

/** Round steps (0.5, 1, 2, 5, 10, 20 °C) giving at most `max` ticks from lo to hi. */
export function temperatureTicks(lo: number, hi: number, max = 6): number[] {
  const step = [0.5, 1, 2, 5, 10, 20, 50].find((s) => (hi - lo) / s <= max - 1) ?? 50;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(Number(v.toFixed(1)));
  return ticks;
}

export function chartSvg(chart: ChartData, lang: Lang): Markup {
  const w = WORDS[lang];
  const range = allowedRange(chart.minTempC, chart.maxTempC);
  // The legend above the plot: swatch, words, each item after the one before by its width, on a new row when it would not fit.
  const items: { swatch: Markup; text: string }[] = [
    { swatch: html`<line x1="0" x2="16" y1="-4" y2="-4" stroke="#1d4ed8" stroke-width="2"/>`, text: w.reading },
  ];
  if (range)
    items.push({ swatch: html`<rect x="0" y="-10" width="16" height="11" fill="#d9f0d6" stroke="#2f7d32" stroke-dasharray="4 2"/>`, text: w.allowed(range) });
  if (chart.excursions.length > 0) items.push({ swatch: html`<rect x="0" y="-10" width="16" height="11" fill="#f8c4c4"/>`, text: w.excursion });
  let cursor = 4;
  let row = 0;
  const legend = items.map((item) => {
    const width = 21 + textWidth(item.text);
    if (cursor > 4 && cursor + width > CHART_WIDTH - 4) [cursor, row] = [4, row + 1];
    const at = cursor;
    cursor += width + 12;
    return html`<g transform="translate(${at} ${16 + row * LEGEND_ROW})">${item.swatch}<text x="21" y="0">${item.text}</text></g>`;
  });
  const PLOT = { ...PLOT_SIDES, top: 34 + row * LEGEND_ROW };

  const readings = downsample(chart.readings, 300);
  const t0 = readings[0].at.getTime();
  const t1 = Math.max(readings[readings.length - 1].at.getTime(), t0 + 60_000);
  const limits = [chart.minTempC, chart.maxTempC].filter((x): x is number => x !== null);
  const observed = readings.map((r) => r.celsius);
  const lowest = Math.min(...observed);
  const highest = Math.max(...observed);
  const lo = Math.floor(Math.min(lowest, ...limits) - 1);
  const hi = Math.ceil(Math.max(highest, ...limits) + 1);
  const x = (ms: number) => PLOT.left + ((ms - t0) / (t1 - t0)) * (PLOT.right - PLOT.left);
  const y = (c: number) => PLOT.bottom - ((c - lo) / (hi - lo)) * (PLOT.bottom - PLOT.top);
  const f = (n: number) => n.toFixed(1);

  const bandTop = y(chart.maxTempC ?? hi);
  const bandBottom = y(chart.minTempC ?? lo);
  const band =
    limits.length > 0 &&
    html`<rect class="band" x="${PLOT.left}" y="${f(bandTop)}" width="${PLOT.right - PLOT.left}" height="${f(bandBottom - bandTop)}" fill="#d9f0d6"/>`;
  const limitLines = limits.map(
    (c) =>
      html`<line class="limit" x1="${PLOT.left}" x2="${PLOT.right}" y1="${f(y(c))}" y2="${f(y(c))}"
 stroke="#2f7d32" stroke-width="1.5" stroke-dasharray="5 3"/>`,
  );
  const marks = chart.excursions.map((ex) => {
    const start = Math.max(PLOT.left, x(ex.start.getTime()));
    const end = Math.min(PLOT.right, x(ex.end.getTime()));
    return html`<rect class="excursion" x="${f(start)}" y="${PLOT.top}" width="${f(Math.max(3, end - start))}" height="${PLOT.bottom - PLOT.top}"
 fill="#f8c4c4" opacity=".8"/>`;
  });
  const yTicks = temperatureTicks(lo, hi).map(
    (c) =>
      html`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${f(y(c))}" y2="${f(y(c))}" stroke="#0001"/>
<text x="${PLOT.left - 4}" y="${f(y(c) + 4)}" text-anchor="end">${c}°</text>`,
  );
  let lastDay = '';
  const xTicks = timeTicks(t0, t1).map(({ at, step }) => {
    const d = china(at);
    const day = w.day(d.getUTCMonth() + 1, d.getUTCDate());
    const clock = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
    // Steps of a day or more show the date alone; shorter ones the time, with the date under the first tick of each day.
    const lines = step >= 86_400_000 ? [day, ''] : [clock, day === lastDay ? '' : day];
    lastDay = day;
    const at_ = f(x(at));
    return html`<line x1="${at_}" x2="${at_}" y1="${PLOT.bottom}" y2="${PLOT.bottom + 4}" stroke="#667"/>
<text x="${at_}" y="${PLOT.bottom + 17}" text-anchor="middle">${lines[0]}</text>${
      lines[1] && html`<text x="${at_}" y="${PLOT.bottom + 32}" text-anchor="middle" fill="#667">${lines[1]}</text>`
    }`;
  });
  const line = readings.map((r) => `${f(x(r.at.getTime()))},${f(y(r.celsius))}`).join(' ');
  const polyline = html`<polyline points="${line}" fill="none" stroke="#1d4ed8" stroke-width="2" stroke-linejoin="round"/>`;
  const axes = html`<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${PLOT.bottom}" y2="${PLOT.bottom}" stroke="#667"/>`;

  const stamp = (ms: number) => {
    const d = china(ms);
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  };
  const summary = w.summary(stamp(t0), stamp(t1), lowest, highest, range, chart.excursions.length);
  return html`<svg class="chart" viewBox="0 0 ${CHART_WIDTH} ${HEIGHT}" role="img" aria-label="${summary}" font-size="${TYPE}" fill="#1d2a1d">
<title>${summary}</title>${band}${marks}${yTicks}${limitLines}${axes}${xTicks}${polyline}<g class="legend">${legend}</g></svg>`;
}

/** About how wide a text is at TYPE, erring wide: CJK characters a full em, others about 0.64 em (DejaVu Sans, the widest common phone font). */
function textWidth(text: string): number {
  let em = 0;
  for (const ch of text) em += ch.charCodeAt(0) > 0x2e80 ? 1 : 0.64;
  return em * TYPE;
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
