import { gql } from './api.js';
import { h, show } from './dom.js';
import { formatTime, t } from './i18n.js';
import { parseReadingsCsv, type Reading, summarize } from './readings-csv.js';
import { alertBox, field, input, notice, withProgress } from './ui.js';

/** The API takes up to 10,000 readings a call; a longer file goes in parts, with progress. */
const PER_CALL = 10_000;

export interface ColdChainFacts {
  coldChainStatus: string;
  meanKineticTemperatureC: number | null;
  excursions: { kind: string; start: string; end: string; minutes: number; minC: number; maxC: number }[];
  product: { minTempC: number | null; maxTempC: number | null };
}

export const COLD_CHAIN_FIELDS = 'coldChainStatus meanKineticTemperatureC excursions { kind start end minutes minC maxC }';

/** The batch's excursions as the API computed them. */
export function excursionList(batch: ColdChainFacts): HTMLElement | null {
  if (batch.excursions.length === 0) return null;
  return h(
    'ul',
    { class: 'details excursions' },
    ...batch.excursions.map((x) =>
      h(
        'li',
        { 'data-excursion': x.kind },
        `${x.kind === 'GAP' ? t('gap') : t('outOfRange')}: ${formatTime(x.start)} – ${formatTime(x.end)}, ${Math.round(x.minutes)} min, ${x.minC}–${x.maxC} °C`,
      ),
    ),
  );
}

/** Readings as a line over time, the product's range as a band: the preview of a file before it is sent. */
function chart(readings: Reading[], range: { minC: number | null; maxC: number | null }): SVGElement {
  const NS = 'http://www.w3.org/2000/svg';
  const el = (tag: string, attrs: Record<string, string | number>) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    return e;
  };
  const sorted = [...readings].sort((a, b) => a.at.localeCompare(b.at));
  const times = sorted.map((r) => Date.parse(r.at));
  const values = sorted.map((r) => r.celsius);
  const lo = Math.min(...values, range.minC ?? Infinity) - 1;
  const hi = Math.max(...values, range.maxC ?? -Infinity) + 1;
  const [w, hgt] = [600, 160];
  const x = (ms: number) => (times.length > 1 ? ((ms - times[0]) / (times[times.length - 1] - times[0])) * (w - 20) + 10 : w / 2);
  const y = (c: number) => hgt - 10 - ((c - lo) / (hi - lo)) * (hgt - 20);
  const svg = el('svg', { viewBox: `0 0 ${w} ${hgt}`, class: 'temp-chart', role: 'img', 'aria-label': t('tempChart') });
  if (range.minC != null || range.maxC != null) {
    const top = y(range.maxC ?? hi);
    svg.append(el('rect', { x: 0, y: top, width: w, height: y(range.minC ?? lo) - top, class: 'band' }));
  }
  svg.append(el('polyline', { points: sorted.map((r, i) => `${x(times[i]).toFixed(1)},${y(r.celsius).toFixed(1)}`).join(' '), class: 'line' }));
  return svg;
}

/** Uploads a logger's CSV of readings for a batch: read and previewed here, sent with recordTemperatures, then the batch is read again. */
export function temperatureUpload(batchId: string, batch: ColdChainFacts, done: () => void): HTMLElement {
  const file = field('file', t('csvFile'), input('file', { accept: '.csv,text/csv,text/plain' }), { required: true, help: t('csvHelp') });
  const sensor = field('sensorId', t('sensorId'), input('text', { autocomplete: 'off', maxlength: '64' }));
  const preview = h('div', { class: 'preview', 'aria-live': 'polite' });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit', disabled: true }, t('uploadReadings'));
  let readings: Reading[] = [];
  const range = { minC: batch.product.minTempC, maxC: batch.product.maxTempC };
  file.control.addEventListener('change', () => {
    const chosen = (file.control as HTMLInputElement).files?.[0];
    readings = [];
    button.disabled = true;
    show(preview);
    if (!chosen) return;
    void chosen.text().then((text) => {
      const parsed = parseReadingsCsv(text);
      readings = parsed.readings;
      button.disabled = readings.length === 0;
      const s = summarize(readings, range);
      show(
        preview,
        readings.length ? notice(t('previewReadings', s.count, formatTime(s.from!), formatTime(s.to!), s.minC, s.maxC, s.outside)) : alertBox(t('noReadings')),
        parsed.problems.length
          ? alertBox(
              `${t('skippedLines', parsed.problems.length)} ${parsed.problems
                .slice(0, 5)
                .map((p) => t(`csv${p.kind}`, p.line, p.text))
                .join('; ')}`,
            )
          : null,
        readings.length ? chart(readings, range) : null,
      );
    });
  });
  const form = h('form', { novalidate: true, class: 'panel' }, h('h2', {}, t('uploadReadings')), file.wrapper, sensor.wrapper, preview, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void withProgress(button, status, 'saving', async () => {
      for (let from = 0; from < readings.length; from += PER_CALL) {
        button.textContent = t('uploadingPart', Math.floor(from / PER_CALL) + 1, Math.ceil(readings.length / PER_CALL));
        await gql('mutation($input: RecordTemperaturesInput!) { recordTemperatures(input: $input) { seq } }', {
          input: { batchId, sensorId: sensor.control.value.trim() || null, readings: readings.slice(from, from + PER_CALL) },
        });
      }
      done();
    });
  });
  return form;
}
