import { describe, expect, it } from '@jest/globals';
import type { BatchFacts, ReportBatch } from './mock-recall-model.js';
import { countOrigins, describeItem, findingsByBatch, massTotals, refOf, reportEdges, reportHolders, yieldPercent } from './mock-recall-sections.js';

function facts(id: string, over: Partial<BatchFacts> = {}): BatchFacts {
  return {
    id,
    productName: '生牛乳',
    gtin: null,
    storage: 'CHILLED',
    lotCode: id,
    traceCode: `TC${id}`,
    producer: '牧场',
    producerId: 'farm',
    holderId: 'farm',
    holder: '牧场',
    inTransitTo: null,
    inTransitToId: null,
    inTransitQuantity: null,
    origin: null,
    quantity: 0,
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
const batches = new Map(['A-10', 'A-2', 'B', 'C'].map((id) => [id, facts(id)]));
const node = (id: string, depth: number, over: Partial<ReportBatch> = {}) =>
  ({ ...refOf(batches, id), depth, quantity: 0, unit: 'kg', ...over }) as ReportBatch;

describe('the mock recall report’s sections', () => {
  it('names an inspection item by its value and limit when it has them', () => {
    expect(describeItem({ name: '菌落总数', value: 2500000, limit: 2000000, unit: 'CFU/g', passed: false })).toBe('菌落总数 2500000 > 2000000 CFU/g');
    expect(describeItem({ name: 'pH', value: 7.1, passed: false })).toBe('pH 7.1');
    expect(describeItem({ name: '感官', passed: false })).toBe('感官');
  });

  it('files every inspection under its batch and every recall under each batch it reaches', () => {
    const recall = { id: 'R', level: 'LEVEL_1' as const, reason: 'x', initiatedAt: new Date(0), initiatedBy: 'r', batchIds: ['A-2', 'B'] };
    const findings = findingsByBatch([], [recall]);
    expect([...findings.recalls.keys()]).toEqual(['A-2', 'B']);
    expect(findings.inspections.size).toBe(0);
  });

  it('counts as origins the upstream batches nothing was made into', () => {
    expect(countOrigins([node('A-2', 1), node('B', 2)], [{ fromBatchId: 'B', toBatchId: 'A-2', quantity: 1 }])).toBe(1);
  });

  it('totals a transformation per unit and gives a yield only when one unit is used', () => {
    const totals = massTotals(
      [
        { unit: 'kg', quantity: 100 },
        { unit: 'kg', quantity: 50.5 },
      ],
      [{ unit: 'kg', quantity: 120 }],
    );
    expect(totals).toEqual([{ unit: 'kg', input: 150.5, output: 120 }]);
    expect(yieldPercent(totals)).toBe(79.7);
    const mixed = massTotals([{ unit: 'kg', quantity: 10 }], [{ unit: 'piece', quantity: 40 }]);
    expect(mixed).toEqual([
      { unit: 'kg', input: 10, output: 0 },
      { unit: 'piece', input: 0, output: 40 },
    ]);
    expect(yieldPercent(mixed)).toBeNull();
    expect(yieldPercent([{ unit: 'kg', input: 0, output: 5 }])).toBeNull();
  });

  it('lists each edge once, from origin to shelf, lots in numeric order within a step', () => {
    const edge = (from: string, to: string) => ({ fromBatchId: from, toBatchId: to, quantity: 5 });
    const edges = reportEdges(batches, [edge('B', 'C'), edge('A-10', 'B'), edge('A-2', 'B'), edge('B', 'C')], {
      lot: node('B', 0),
      upstream: [node('A-2', 1), node('A-10', 1)],
      downstream: [node('C', 1)],
    });
    expect(edges.map((e) => `${e.from.id}>${e.to.id}`)).toEqual(['A-2>B', 'A-10>B', 'B>C']);
    expect(edges[0]).toMatchObject({ quantity: 5, unit: 'kg' });
  });

  it('groups what is left by holder, the recall scope first, leaving out batches with nothing left', () => {
    const shop = new Map([...batches, ['C', facts('C', { holderId: 'shop', holder: '超市' })]]);
    const holders = reportHolders(
      shop,
      [node('A-2', 1, { quantity: 3 }), node('A-10', 1, { quantity: 2 }), node('B', 0), node('C', 1, { quantity: 1 })],
      new Set(['B', 'C']),
    );
    expect(holders).toEqual([
      { name: '超市', inScope: true, lots: [{ id: 'C', productName: '生牛乳', lotCode: 'C', unit: 'kg', quantity: 1 }], left: [{ unit: 'kg', quantity: 1 }] },
      {
        name: '牧场',
        inScope: false,
        lots: [
          { id: 'A-2', productName: '生牛乳', lotCode: 'A-2', unit: 'kg', quantity: 3 },
          { id: 'A-10', productName: '生牛乳', lotCode: 'A-10', unit: 'kg', quantity: 2 },
        ],
        left: [{ unit: 'kg', quantity: 5 }],
      },
    ]);
  });
});
