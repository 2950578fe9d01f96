import { describe, expect, it } from '@jest/globals';
import { readPdf } from '../../test/support/pdf-reader.js';
import { mockRecallHtml } from './mock-recall-html.js';
import { mockRecallPdf } from './mock-recall-pdf.js';
import type { BatchFacts, MockRecallData } from './mock-recall-model.js';
import { mockRecallReport } from './mock-recall-report.js';
import { sumByUnit } from './mock-recall-sections.js';

const at = (iso: string) => new Date(iso);

function batch(id: string, over: Partial<BatchFacts>): BatchFacts {
  return {
    id,
    productName: '生牛乳',
    gtin: null,
    storage: 'CHILLED',
    lotCode: id,
    traceCode: `TC${id}`.padEnd(12, 'X'),
    producer: '海河乳业',
    producerId: 'plant',
    holderId: 'plant',
    holder: '海河乳业',
    inTransitTo: null,
    inTransitToId: null,
    inTransitQuantity: null,
    origin: '一号车间, 天津市武清区',
    quantity: 0,
    unit: 'kg',
    status: 'CONSUMED',
    held: false,
    recalled: false,
    readingCount: 0,
    meanKineticTempC: null,
    excursions: [],
    ...over,
  };
}

/** Two farms' raw milk pooled at a plant (with a little cream as a co-product), the pool split into two retail lots, one at a shop. */
function story(): MockRecallData {
  const batches = [
    batch('F1', {
      producer: '宁河牧场',
      origin: '牛舍, 天津市宁河区',
      readingCount: 7,
      meanKineticTempC: 6.1,
      excursions: [{ kind: 'OUT_OF_RANGE', start: at('2026-11-20T21:10:00Z'), end: at('2026-11-20T21:50:00Z'), minutes: 40, minC: 9.5, maxC: 12.4 }],
    }),
    batch('F2', { producer: '武清奶牛场', origin: '挤奶厅, 天津市武清区', readingCount: 3 }),
    batch('P', { productName: '混合生乳', readingCount: 4 }),
    batch('K', { productName: '稀奶油', quantity: 40, status: 'ACTIVE' }),
    batch('RA', { productName: '巴氏杀菌乳', holderId: 'shop', holder: '家乐超市', quantity: 3900, status: 'ON_HOLD', held: true, storage: 'CHILLED' }),
    batch('RB', { productName: '巴氏杀菌乳', quantity: 3762, status: 'RECALLED', held: true, recalled: true }),
  ];
  return {
    rootId: 'P',
    upstream: {
      nodes: [
        { batch: { id: 'P' }, depth: 0 },
        { batch: { id: 'F2' }, depth: 1 },
        { batch: { id: 'F1' }, depth: 1 },
      ],
      edges: [
        { fromBatchId: 'F2', toBatchId: 'P', quantity: null },
        { fromBatchId: 'F1', toBatchId: 'P', quantity: null },
      ],
    },
    downstream: {
      nodes: [
        { batch: { id: 'P' }, depth: 0 },
        { batch: { id: 'RB' }, depth: 1 },
        { batch: { id: 'RA' }, depth: 1 },
      ],
      edges: [
        { fromBatchId: 'P', toBatchId: 'RB', quantity: 3762 },
        { fromBatchId: 'P', toBatchId: 'RA', quantity: 3960 },
      ],
    },
    batches: new Map(batches.map((b) => [b.id, b])),
    transformations: [
      { id: 'T1', eventTime: at('2026-11-21T01:00:00Z'), organization: '海河乳业', place: '收奶间, 天津市武清区', batchIds: ['F1', 'F2', 'P', 'K'] },
      { id: 'T2', eventTime: at('2026-11-21T03:00:00Z'), organization: '海河乳业', place: '灌装线, 天津市武清区', batchIds: ['P', 'RA', 'RB'] },
    ],
    balances: [
      {
        transformationId: 'T1',
        inputs: [
          { batchId: 'F1', quantity: 5000, unit: 'kg' },
          { batchId: 'F2', quantity: 3000, unit: 'kg' },
        ],
        outputs: [
          { batchId: 'P', quantity: 7920, unit: 'kg' },
          { batchId: 'K', quantity: 40, unit: 'kg' },
        ],
      },
      {
        transformationId: 'T2',
        inputs: [{ batchId: 'P', quantity: 7920, unit: 'kg' }],
        outputs: [
          { batchId: 'RA', quantity: 3960, unit: 'kg' },
          { batchId: 'RB', quantity: 3762, unit: 'kg' },
        ],
      },
    ],
    inspections: [
      {
        batchId: 'P',
        verdict: 'FAIL',
        agency: null,
        standard: 'GB 19301-2010',
        inspector: '天津市食品检验所',
        recordedAt: at('2026-11-22T02:00:00Z'),
        items: [
          { name: '菌落总数', value: 2500000, limit: 2000000, unit: 'CFU/g', passed: false },
          { name: '蛋白质', value: 3.1, limit: 2.8, unit: 'g/100g', passed: true },
        ],
      },
    ],
    recalls: [
      { id: 'R1', level: 'LEVEL_2', reason: '菌落总数超标', initiatedAt: at('2026-11-22T04:00:00Z'), initiatedBy: '天津市市场监督管理局', batchIds: ['RB'] },
    ],
    withheldBatchIds: new Set(),
    generatedAt: at('2026-11-23T00:00:00Z'),
    generatedBy: '天津市市场监督管理局',
    elapsedMs: 41.6,
  };
}

describe('the mock recall report', () => {
  it('summarises how far the trace reaches, who holds what is left, and every finding', () => {
    const report = mockRecallReport(story());
    expect(report.elapsedMs).toBe(42);
    expect(report.lot).toMatchObject({ id: 'P', depth: 0, productName: '混合生乳' });
    expect(report.summary).toMatchObject({
      upstreamBatches: 2,
      originBatches: 2,
      downstreamBatches: 2,
      holders: 2,
      leftInScope: [{ unit: 'kg', quantity: 7662 }],
      excursions: [{ id: 'F1', productName: '生牛乳', lotCode: 'F1' }],
      failedInspections: [{ id: 'P', productName: '混合生乳', lotCode: 'P' }],
      held: [{ id: 'RA' }, { id: 'RB' }].map((b) => expect.objectContaining(b)),
      recalled: [expect.objectContaining({ id: 'RB' })],
    });
    expect(report.summary.openRecalls).toEqual([
      expect.objectContaining({ id: 'R1', level: 'LEVEL_2', lots: [{ id: 'RB', productName: '巴氏杀菌乳', lotCode: 'RB' }] }),
    ]);
  });

  it('lists the batches upstream and downstream nearest first, without the lot itself, with their checks', () => {
    const report = mockRecallReport(story());
    expect(report.upstream.map((b) => `${b.lotCode}@${b.depth}`)).toEqual(['F1@1', 'F2@1']);
    expect(report.downstream.map((b) => `${b.lotCode}@${b.depth}`)).toEqual(['RA@1', 'RB@1']);
    expect(report.upstream[0].coldChain).toMatchObject({ status: 'EXCURSION', readingCount: 7 });
    expect(report.upstream[1].coldChain.status).toBe('OK');
    expect(report.lot.inspections).toEqual([
      {
        verdict: 'FAIL',
        standard: 'GB 19301-2010',
        by: '天津市食品检验所',
        recordedAt: at('2026-11-22T02:00:00Z'),
        failedItems: ['菌落总数 2500000 > 2000000 CFU/g'],
      },
    ]);
    expect(report.downstream[1].recalls).toEqual([{ id: 'R1', level: 'LEVEL_2', reason: '菌落总数超标' }]);
  });

  it('says which batches’ inspections are withheld from the reader, and shows none of them', async () => {
    const data = story();
    data.withheldBatchIds = new Set(['P', 'F2']);
    const report = mockRecallReport(data);
    expect(report.lot).toMatchObject({ withheld: true, inspections: [] });
    expect(report.summary.failedInspections).toEqual([]);
    expect(report.summary.withheld.map((b) => b.lotCode)).toEqual(['P', 'F2']); // by product name, then lot
    const html = mockRecallHtml(report);
    expect(html).not.toContain('菌落总数 2500000');
    expect(html).toContain('不向您公开 withheld from you');
    expect(readPdf(await mockRecallPdf(report)).rawText).toContain('检验详情不向您公开的批次');
  });

  it('balances each transformation whole, co-products included, with totals and yield', () => {
    const [pooling, split] = mockRecallReport(story()).transformations;
    expect(pooling).toMatchObject({ id: 'T1', direction: 'UPSTREAM', totals: [{ unit: 'kg', input: 8000, output: 7960 }], yieldPercent: 99.5 });
    expect(pooling.outputs.map((o) => [o.lotCode, o.inTrace])).toEqual([
      ['P', true],
      ['K', false],
    ]);
    expect(split).toMatchObject({ id: 'T2', direction: 'DOWNSTREAM', totals: [{ unit: 'kg', input: 7920, output: 7722 }], yieldPercent: 97.5 });
  });

  it('gives no yield when a transformation mixes units', () => {
    const data = story();
    data.balances[1].outputs[0].unit = '箱';
    const split = mockRecallReport(data).transformations[1];
    expect(split.yieldPercent).toBeNull();
    expect(split.totals).toEqual([
      { unit: '箱', input: 0, output: 3960 },
      { unit: 'kg', input: 7920, output: 3762 },
    ]);
  });

  it('counts as holders only those with something left, the recall scope first', () => {
    const data = story();
    data.batches.set('F2', { ...data.batches.get('F2')!, holderId: 'farm2', holder: '武清奶牛场', quantity: 500, status: 'ACTIVE' });
    const report = mockRecallReport(data);
    expect(report.holders.map((h) => [h.name, h.inScope, h.left])).toEqual([
      ['海河乳业', true, [{ unit: 'kg', quantity: 3762 }]],
      ['家乐超市', true, [{ unit: 'kg', quantity: 3900 }]],
      ['武清奶牛场', false, [{ unit: 'kg', quantity: 500 }]],
    ]);
    expect(report.summary.leftInScope).toEqual([{ unit: 'kg', quantity: 7662 }]);
  });

  it('orders edges from origin to shelf, each quantity in its input’s unit', () => {
    const edges = mockRecallReport(story()).edges.map((e) => `${e.from.lotCode}>${e.to.lotCode}:${e.quantity ?? '-'}${e.unit}`);
    expect(edges).toEqual(['F1>P:-kg', 'F2>P:-kg', 'P>RA:3960kg', 'P>RB:3762kg']);
  });

  it('sums quantities per unit', () => {
    expect(
      sumByUnit([
        { unit: 'kg', quantity: 0.1 },
        { unit: 'L', quantity: 2 },
        { unit: 'kg', quantity: 0.2 },
      ]),
    ).toEqual([
      { unit: 'kg', quantity: 0.3 },
      { unit: 'L', quantity: 2 },
    ]);
  });
});

describe('the mock recall report as HTML', () => {
  it('is one self-contained page with every section, its text escaped', () => {
    const data = story();
    data.batches.set('RA', { ...data.batches.get('RA')!, holder: '<script>alert(1)</script>超市' });
    const html = mockRecallHtml(mockRecallReport(data));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(|@import/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;超市');
    for (const heading of ['摘要', '上游追溯', '下游追溯', '持有方', '物料平衡', '流向', '冷链、检验、暂停与召回']) expect(html).toContain(`<h2>${heading}`);
    expect(html).toContain('<dd id="elapsed">42 ms');
    expect(html).toContain('99.5%');
    expect(html).toContain('8,000 → 7,960 kg');
    expect(html).toContain('菌落总数 2500000 &gt; 2000000 CFU/g');
    expect(html).toContain('@media print');
  });
});

describe('the mock recall report as PDF', () => {
  /** Temperatures for F1 (an excursion 05:10–05:50 China time) and the pool, with the product's limits. */
  function withTemperatures(data: MockRecallData): MockRecallData {
    const series = (start: string, values: number[]) => values.map((celsius, i) => ({ at: new Date(at(start).getTime() + i * 10 * 60_000), celsius }));
    return {
      ...data,
      temperatures: [
        { batchId: 'F1', minTempC: 0, maxTempC: 6, readings: series('2026-11-20T20:30:00Z', [3.1, 3.4, 4, 4.5, 9.5, 11, 12.4, 10.2, 5.5, 4.2]) },
        { batchId: 'P', minTempC: 0, maxTempC: 6, readings: series('2026-11-21T01:00:00Z', [4, 4.1, 3.9, 4.2]) },
        { batchId: 'NOT-IN-TRACE', minTempC: 0, maxTempC: 6, readings: series('2026-11-21T01:00:00Z', [4]) },
      ],
    };
  }

  it('embeds a subset of its font, so every reader draws the same Chinese and Latin text, the pages not blank', async () => {
    const pdf = await mockRecallPdf(mockRecallReport(withTemperatures(story())));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const read = readPdf(pdf);
    expect(read.info).toMatch(/Page size:\s+842 x 595 pts \(A4\)/);
    expect(read.info).toContain('模拟召回报告 Mock recall report');
    // Every font is in the file (subset, with a ToUnicode map): a reader needs no CJK font data of its own.
    expect(read.fonts.length).toBeGreaterThan(0);
    for (const font of read.fonts) expect(font).toMatchObject({ embedded: true, subset: true, unicode: true });
    expect(read.fonts.map((f) => f.name).join(' ')).toMatch(/NotoSansSC/);
    for (const inked of read.inked) expect(inked).toBeGreaterThan(0.005);
    // Latin words keep their spacing (no "Mo ck"), Chinese reads back as written.
    expect(read.text).toContain('模拟召回报告 Mock recall report');
    for (const words of ['家乐超市', '宁河牧场', '武清奶牛场', '混合生乳 P', '42 ms', 'Batches upstream', '菌落总数 2500000 > 2000000 CFU/g']) {
      expect(read.text).toContain(words);
    }
    // A subset: the two faces together are far smaller than the 10 MB font files.
    expect(pdf.length).toBeLessThan(400_000);
  });

  it('draws the trace picture and the temperature charts, the lot first, with a legend and a time axis', async () => {
    const read = readPdf(await mockRecallPdf(mockRecallReport(withTemperatures(story()))));
    const text = read.rawText;
    expect(text).toContain('追溯图（上游 → 本批次 → 下游） Trace picture (upstream → this lot → downstream)');
    // The picture's boxes name each lot and who holds it.
    expect(text).toMatch(/RA · 家乐超市/);
    expect(text).toContain('温度记录 Temperature record');
    const charts = [...text.slice(text.indexOf('Temperature record')).matchAll(/^(生牛乳 F1|混合生乳 P)$/gm)].map((m) => m[1]);
    expect(charts).toEqual(['混合生乳 P', '生牛乳 F1']); // the lot, then the batch with an excursion
    expect(text).toContain('限值 Limits 0 ~ 6 °C');
    expect(text).toContain('异常时段 Excursion (1)');
    expect(text).toContain('2026-11-21 04:30'); // the time axis starts at the first reading, China time
    expect(text).toContain('10 °C'); // the axis reaches the excursion's 12.4 °C
  });

  it('runs to as many pages as it takes, numbered, the table header repeated on each', async () => {
    const big = story();
    for (let i = 0; i < 120; i++) {
      const id = `R${i}`;
      big.batches.set(id, batch(id, { productName: '巴氏杀菌乳', quantity: 10, status: 'ACTIVE', holderId: `shop${i}`, holder: `第 ${i} 号门店` }));
      big.downstream.nodes.push({ batch: { id }, depth: 2 });
      big.downstream.edges.push({ fromBatchId: 'RA', toBatchId: id, quantity: 10 });
    }
    const read = readPdf(await mockRecallPdf(mockRecallReport(big)));
    expect(read.pages).toBeGreaterThan(3);
    expect(read.rawText).toContain(`第 ${read.pages} / ${read.pages} 页 Page ${read.pages} of ${read.pages}`);
    expect(read.rawText.split('追溯码').length - 1).toBeGreaterThan(3);
    // The picture's crowded column says how many it leaves out.
    expect(read.rawText).toMatch(/另有 \d+ 批 · \d+ more/);
  });
});
