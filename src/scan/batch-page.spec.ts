import { describe, expect, it } from '@jest/globals';
import { chooseLanguage, renderBatchPage, renderEventsPage, temperatureChart } from './batch-page.js';
import type { PageView } from './scan.service.js';
import { temperatureTicks, timeTicks } from './temperature-chart.js';

const view: PageView = {
  traceCode: 'ABCDEFGHJKMN',
  productName: '巴氏杀菌乳 <950mL>',
  category: 'DAIRY',
  lotCode: 'HH-1',
  producer: '海河乳品',
  origin: '天津市宁河区',
  geographicIndication: null,
  status: 'RECALLED',
  coldChainStatus: 'EXCURSION',
  keySteps: [{ seq: 2, bizStep: 'SHIPPING', eventTime: new Date('2026-11-21T06:00:00Z'), place: '天津市宁河区', organization: '海河乳品' }],
  eventCount: 1,
  stepCounts: [{ bizStep: 'SHIPPING', count: 1 }],
  inspections: { total: 3, failed: 1, latest: 'PASS' },
  sources: [],
  directSourceCount: 0,
  recall: { level: 'LEVEL_1', reason: '检出致病菌', initiatedAt: new Date('2026-11-22T00:00:00Z') },
  verification: { valid: false, checkedEntries: 2, firstInvalidSeq: 7, reason: 'entry 7: the stored hash does not match its envelope' },
};
const at = (m: number) => new Date(Date.UTC(2026, 10, 21, 6, m));

describe('the batch page', () => {
  it('puts a recall banner above everything, escapes text, and says exactly what failed to verify', () => {
    const html = renderBatchPage(view, { certificates: [], giStanding: null, chart: null }, 'zh', 'https://trace.example.org', 'tok');
    expect(html.indexOf('class="recall"')).toBeLessThan(html.indexOf('<h1 '));
    // The level in the recall list's words, the raw level kept for the phone's comparison with the ledger.
    expect(html).toContain('召回通知 · <span data-fact="recall-level" data-value="LEVEL_1">一级召回（可能或已经造成严重健康损害）</span>');
    expect(html).not.toContain('>LEVEL_1<');
    const en = renderBatchPage(view, { certificates: [], giStanding: null, chart: null }, 'en', 'https://trace.example.org', 'tok');
    expect(en).toContain('Recall notice · <span data-fact="recall-level" data-value="LEVEL_1">Level 1: serious harm to health</span>');
    expect(html).toContain('检出致病菌');
    expect(html).toContain('巴氏杀菌乳 &lt;950mL&gt;');
    expect(html).toContain('校验失败：第 7 条');
    expect(html).toContain('class="badge bad"');
  });

  it("marks every fact it shows for the phone's check: each of the card's values, each part of each step with its ledger entry", () => {
    const keySteps = [{ seq: 7, bizStep: 'SHIPPING', eventTime: at(1), place: '天津市', organization: '海河乳业' }];
    const html = renderBatchPage({ ...view, keySteps }, { certificates: [], giStanding: null, chart: null }, 'en', 'https://trace.example.org', 'tok');
    expect(html.match(/<dd/g)!.length).toBe(html.match(/<dd data-fact="/g)!.length);
    expect(html).toContain('<h1 data-fact="product">');
    expect(html).toContain(
      '<li data-seq="7"><b data-fact="step" data-value="SHIPPING">Shipped</b> ' +
        '<time class="muted" data-fact="time" datetime="2026-11-21T06:01:00.000Z" data-value="2026-11-21T06:01:00.000Z">',
    );
    expect(html).toContain('<span data-fact="place">天津市</span> · <span data-fact="organization">海河乳业</span></li>');
    expect(html).toContain('<p data-fact="recall-reason">');
  });

  it('says the service checked, never that it verified, leaving "verified" to the check on the phone', () => {
    const valid = { ...view, verification: { valid: true, checkedEntries: 5, firstInvalidSeq: null, reason: null } };
    const en = renderBatchPage(valid, { certificates: [], giStanding: null, chart: null }, 'en', 'https://trace.example.org', 'tok');
    expect(en).toContain("The service found the hashes and links of this batch's 5 ledger entries intact; checking on this device");
    expect(en).not.toMatch(/verified/i);
    expect(en).toContain('<dt>Inspections</dt><dd data-fact="inspections">1 of 3 failed (latest: passed)</dd>');
    expect(en).toContain('data-token="tok"');
  });

  it('lists the key steps and links to every event when the story is longer than them', () => {
    const stepCounts = [
      { bizStep: 'STORING', count: 2488 },
      { bizStep: 'SHIPPING', count: 12 },
    ];
    const long = { ...view, eventCount: 2500, stepCounts };
    const en = renderBatchPage(long, { certificates: [], giStanding: null, chart: null }, 'en', 'https://trace.example.org', 'tok');
    expect(en).toContain('2500 events in all; shown here are 1 key steps (the first of each kind and the newest). Stored × 2,488 · Shipped × 12\n<a');
    expect(en).toContain('href="/q/ABCDEFGHJKMN/events?lang=en"');
    expect(en).toContain('href="/q/ABCDEFGHJKMN/events?page=25&amp;lang=en"');
    expect(renderBatchPage(view, { certificates: [], giStanding: null, chart: null }, 'en', 'x', 'tok')).not.toContain('/events');
  });

  it('pages every event with links to the pages before and after', () => {
    const events = Array.from({ length: 100 }, (_, i) => ({
      seq: 100 + i,
      bizStep: 'STORING',
      eventTime: new Date(Date.UTC(2026, 10, 1, 0, i)),
      place: null,
      organization: 'X',
    }));
    const page = renderEventsPage({ traceCode: 'ABCDEFGHJKMN', productName: 'Milk', lotCode: 'L1' }, { number: 2, total: 250, events }, 'en');
    expect(page.match(/<li>/g)).toHaveLength(100);
    expect(page).toContain('<ol start="101">');
    expect(page).toContain('page 2 of 3');
    expect(page).toContain('events?page=1&amp;lang=en');
    expect(page).toContain('events?page=3&amp;lang=en');
  });

  it('draws the allowed band, the readings and each excursion', () => {
    const svg = temperatureChart({
      readings: [3, 4, 11, 12, 5].map((celsius, i) => ({ at: at(i * 10), celsius })),
      minTempC: 0,
      maxTempC: 8,
      excursions: [{ kind: 'OUT_OF_RANGE', start: at(20), end: at(40), minutes: 20, minC: 11, maxC: 12 }],
    });
    // About as wide as a phone shows it, so its 13-unit type is not shrunk below 12 px.
    expect(svg).toMatch(/^<svg class="chart" viewBox="0 0 340 220"[^>]* font-size="13"/);
    expect(svg.match(/class="band"/g)).toHaveLength(1);
    expect(svg.match(/class="limit"/g)).toHaveLength(2);
    expect(svg.match(/class="excursion"/g)).toHaveLength(1);
    expect(svg.match(/<polyline points="([^"]+)"/)![1].split(' ')).toHaveLength(5);
    // The legend names the line, the band with its limits and the excursions; the time axis is China's clock (06:00Z is 14:00).
    expect(svg).toContain('>Temperature</text>');
    expect(svg).toContain('>Allowed 0–8 °C</text>');
    expect(svg).toContain('>Excursion</text>');
    expect(svg).toContain('>14:00</text>');
    expect(svg).toContain('>21 Nov</text>');
    expect(svg).toContain('<title>Temperatures from 2026-11-21 14:00 to 2026-11-21 14:40: lowest 3 °C, highest 12 °C, allowed 0–8 °C, 1 excursion(s)</title>');
    const zh = temperatureChart(
      {
        readings: [
          { at: at(0), celsius: -18 },
          { at: at(0), celsius: -17 },
        ],
        minTempC: null,
        maxTempC: -15,
        excursions: [],
      },
      'zh',
    );
    expect(zh).toContain('>允许 ≤ -15 °C</text>');
    expect(zh).toContain('>11月21日</text>');
    expect(zh).not.toContain('超出范围');
  });

  it('puts the time axis at round times of China’s clock, a handful of them, whatever the span', () => {
    const t0 = Date.parse('2026-11-20T21:07:00Z'); // 05:07 in China
    const ticks = timeTicks(t0, t0 + 50 * 60_000);
    expect(ticks.map((t) => new Date(t.at).toISOString())).toEqual(['2026-11-20T21:15:00.000Z', '2026-11-20T21:30:00.000Z', '2026-11-20T21:45:00.000Z']);
    // Three weeks: at midnight in China (16:00Z), no more than five.
    const weeks = timeTicks(t0, t0 + 21 * 86_400_000);
    expect(weeks.length).toBeLessThanOrEqual(5);
    expect(weeks.every((t) => new Date(t.at).toISOString().endsWith('T16:00:00.000Z'))).toBe(true);
    expect(temperatureTicks(-20, -14)).toEqual([-20, -18, -16, -14]);
  });

  it('is in the language ?lang= names, else the first Chinese or English one the browser prefers, else Chinese', () => {
    expect(chooseLanguage('en', 'zh-CN')).toBe('en');
    expect(chooseLanguage(['en', 'zh'], 'fr, en-GB;q=0.8, zh;q=0.5')).toBe('en');
    expect(chooseLanguage(undefined, 'de, zh-TW')).toBe('zh');
    expect(chooseLanguage('fr', undefined)).toBe('zh');
  });
});
