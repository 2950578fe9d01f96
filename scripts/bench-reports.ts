/**
 * What the reports cost, in figures (no assertions): the mock recall PDF's bytes, pages and time for a
 * small and a large trace, and the FSMA 204 XLSX's bytes (deflated, against the XML it holds) and time.
 * Pure rendering: no database. `npm run bench:reports`.
 */
import { inflateRawSync } from 'node:zlib';
import type { TraceabilityRow } from '../src/exports/exports.repository.js';
import { fsmaXlsx } from '../src/exports/fsma-sheet.js';
import type { BatchFacts, MockRecallData } from '../src/reports/mock-recall-model.js';
import { mockRecallPdf } from '../src/reports/mock-recall-pdf.js';
import { mockRecallReport } from '../src/reports/mock-recall-report.js';

function batch(id: string, over: Partial<BatchFacts> = {}): BatchFacts {
  return {
    id,
    productName: '巴氏杀菌乳',
    gtin: '6920000000029',
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
    origin: '灌装线, 天津市武清区',
    quantity: 10,
    unit: 'kg',
    status: 'ACTIVE',
    held: false,
    recalled: false,
    readingCount: 0,
    meanKineticTempC: null,
    excursions: [],
    ...over,
  };
}

/** A pool of `farms` farms' milk split into `lots` retail lots at as many shops, each with a day of readings every 5 minutes. */
function trace(farms: number, lots: number): MockRecallData {
  const pool = batch('POOL', { productName: '混合生乳', quantity: 0, status: 'CONSUMED', readingCount: 288 });
  const farmBatches = Array.from({ length: farms }, (_, i) => batch(`F${i}`, { productName: '生牛乳', producer: `第 ${i} 号牧场`, status: 'CONSUMED' }));
  const retail = Array.from({ length: lots }, (_, i) => batch(`R${i}`, { holderId: `shop${i}`, holder: `第 ${i} 号门店` }));
  const start = Date.parse('2026-11-20T16:00:00Z');
  const readings = Array.from({ length: 240 }, (_, i) => ({ at: new Date(start + i * 6 * 60_000), celsius: 4 + Math.sin(i / 12) }));
  return {
    rootId: 'POOL',
    upstream: {
      nodes: [{ batch: { id: 'POOL' }, depth: 0 }, ...farmBatches.map((b) => ({ batch: { id: b.id }, depth: 1 }))],
      edges: farmBatches.map((b) => ({ fromBatchId: b.id, toBatchId: 'POOL', quantity: null })),
    },
    downstream: {
      nodes: [{ batch: { id: 'POOL' }, depth: 0 }, ...retail.map((b) => ({ batch: { id: b.id }, depth: 1 }))],
      edges: retail.map((b) => ({ fromBatchId: 'POOL', toBatchId: b.id, quantity: 10 })),
    },
    batches: new Map([pool, ...farmBatches, ...retail].map((b) => [b.id, b])),
    transformations: [],
    balances: [],
    inspections: [],
    recalls: [],
    withheldBatchIds: new Set(),
    temperatures: [{ batchId: 'POOL', minTempC: 0, maxTempC: 6, readings }],
    generatedAt: new Date(),
    generatedBy: '天津市市场监督管理局',
    elapsedMs: 12,
  };
}

function row(i: number): TraceabilityRow {
  const party = { name: '海河乳业', uscc: '91120116MA07X5678R' };
  return {
    traceabilityLotCode: `LOT-${i}`,
    productDescription: '巴氏杀菌乳 Pasteurised milk',
    quantity: 100 + i,
    unit: 'kg',
    eventType: i % 2 ? 'SHIPPING' : 'RECEIVING',
    eventDate: new Date(Date.parse('2026-11-20T00:00:00Z') + i * 60_000),
    location: '冷库, 天津市武清区',
    traceabilityLotCodeSource: '灌装线, 天津市武清区',
    referenceDocumentType: 'BOL',
    referenceDocumentNumber: `BOL-${i}`,
    immediatePreviousSource: i % 2 ? null : party,
    immediateSubsequentRecipient: i % 2 ? party : null,
    recordedBy: party,
    ledgerSeq: i + 1,
    entryHash: (i * 2654435761).toString(16).padStart(64, '0').slice(0, 64),
    declaredErroneous: null,
  };
}

/** The bytes of a zip's entries once inflated: what the same workbook would weigh stored. */
function inflatedSize(zip: Buffer): number {
  let total = 0;
  for (let at = zip.indexOf('PK\x03\x04'); at >= 0;) {
    const packed = zip.readUInt32LE(at + 18);
    const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
    total += inflateRawSync(zip.subarray(start, start + packed)).length;
    at = zip.indexOf('PK\x03\x04', start + packed);
  }
  return total;
}

async function main(): Promise<void> {
  // The first PDF reads the font files (about 10 MB each) from disk; it is timed apart.
  for (const [label, farms, lots] of [
    ['first (font files read)', 2, 2],
    ['small trace (2 farms, 2 lots)', 2, 2],
    ['medium trace (20 farms, 120 lots)', 20, 120],
    ['large trace (50 farms, 1,000 lots)', 50, 1000],
  ] as const) {
    const report = mockRecallReport(trace(farms, lots));
    const started = performance.now();
    const pdf = await mockRecallPdf(report);
    const ms = performance.now() - started;
    const pages = /\/Type \/Pages[^>]*\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1] ?? '?';
    console.log(`PDF  ${label.padEnd(36)} ${String(pdf.length).padStart(9)} bytes  ${pages.padStart(3)} pages  ${ms.toFixed(0).padStart(6)} ms`);
  }
  for (const count of [1_000, 10_000, 50_000]) {
    const rows = Array.from({ length: count }, (_, i) => row(i));
    const started = performance.now();
    const book = fsmaXlsx(rows, 'Asia/Shanghai');
    const ms = performance.now() - started;
    const xml = inflatedSize(book);
    const label = `${count.toLocaleString('en-US')} rows`.padEnd(36);
    const share = ((book.length / xml) * 100).toFixed(1);
    console.log(`XLSX ${label} ${String(book.length).padStart(9)} bytes  (XML ${xml} bytes, ${share}%)  ${ms.toFixed(0).padStart(6)} ms`);
  }
}

await main();
