import { describe, expect, it } from '@jest/globals';
import { chooseLanguage, renderBatchPage, temperatureChart } from './batch-page.js';
import type { ScanView } from './scan.service.js';

const view: ScanView = {
  traceCode: 'ABCDEFGHJKMN',
  productName: '巴氏杀菌乳 <950mL>',
  category: 'DAIRY',
  lotCode: 'HH-1',
  producer: '海河乳品',
  origin: '天津市宁河区',
  geographicIndication: null,
  status: 'RECALLED',
  coldChainStatus: 'EXCURSION',
  timeline: [{ bizStep: 'SHIPPING', eventTime: new Date('2026-11-21T06:00:00Z'), place: '天津市宁河区', organization: '海河乳品' }],
  recall: { level: 'LEVEL_1', reason: '检出致病菌', initiatedAt: new Date('2026-11-22T00:00:00Z') },
  verification: { valid: false, checkedEntries: 2, firstInvalidSeq: 7, reason: 'entry 7: the stored hash does not match its envelope' },
};
const at = (m: number) => new Date(Date.UTC(2026, 10, 21, 6, m));

describe('the batch page', () => {
  it('puts a recall banner above everything, escapes text, and says exactly what failed to verify', () => {
    const html = renderBatchPage(view, { certificates: [], giStanding: null, chart: null }, 'zh', 'https://trace.example.org');
    expect(html.indexOf('class="recall"')).toBeLessThan(html.indexOf('<h1>'));
    expect(html).toContain('召回通知 · LEVEL_1');
    expect(html).toContain('检出致病菌');
    expect(html).toContain('巴氏杀菌乳 &lt;950mL&gt;');
    expect(html).toContain('校验失败：第 7 条');
    expect(html).toContain('class="badge bad"');
  });

  it('draws the allowed band, the readings and each excursion', () => {
    const svg = temperatureChart({
      readings: [3, 4, 11, 12, 5].map((celsius, i) => ({ at: at(i * 10), celsius })),
      minTempC: 0,
      maxTempC: 8,
      excursions: [{ kind: 'OUT_OF_RANGE', start: at(20), end: at(40), minutes: 20, minC: 11, maxC: 12 }],
    });
    expect(svg).toMatch(/^<svg viewBox="0 0 600 220"/);
    expect(svg.match(/class="band"/g)).toHaveLength(1);
    expect(svg.match(/class="excursion"/g)).toHaveLength(1);
    expect(svg.match(/<polyline points="([^"]+)"/)![1].split(' ')).toHaveLength(5);
  });

  it('is in the language ?lang= names, else the first Chinese or English one the browser prefers, else Chinese', () => {
    expect(chooseLanguage('en', 'zh-CN')).toBe('en');
    expect(chooseLanguage(['en', 'zh'], 'fr, en-GB;q=0.8, zh;q=0.5')).toBe('en');
    expect(chooseLanguage(undefined, 'de, zh-TW')).toBe('zh');
    expect(chooseLanguage('fr', undefined)).toBe('zh');
  });
});
