import { describe, expect, it } from '@jest/globals';
import type { MockRecallReport, ReportBatch } from './mock-recall-model.js';
import { niceTicks, temperatureRange, tracePicture } from './report-figures.js';

const batch = (id: string, depth: number): ReportBatch => ({ id, productName: 'p', lotCode: id, depth }) as ReportBatch;
const edge = (from: string, to: string) => ({
  from: { id: from, productName: 'p', lotCode: from },
  to: { id: to, productName: 'p', lotCode: to },
  quantity: null,
  unit: 'kg',
});

function report(upstream: ReportBatch[], downstream: ReportBatch[], edges: MockRecallReport['edges']): MockRecallReport {
  return { lot: batch('LOT', 0), upstream, downstream, edges } as MockRecallReport;
}

describe('tracePicture', () => {
  it('puts origins left of the lot and what was made from it right, one column per step', () => {
    const picture = tracePicture(report([batch('U1', 1), batch('U2', 2)], [batch('D1', 1)], [edge('U2', 'U1'), edge('U1', 'LOT'), edge('LOT', 'D1')]), 10);
    expect(picture.columns).toBe(4);
    expect(picture.lotColumn).toBe(2);
    expect(Object.fromEntries(picture.boxes.map((b) => [b.batch.id, b.column]))).toEqual({ U2: 0, U1: 1, LOT: 2, D1: 3 });
    expect(picture.links.map((l) => `${l.from.batch.id}>${l.to.batch.id}`)).toEqual(['U2>U1', 'U1>LOT', 'LOT>D1']);
    expect(picture.hidden).toEqual([0, 0, 0, 0]);
  });

  it('shows what fits of a crowded column, counts the rest, and draws no line to a box it left out', () => {
    const shops = Array.from({ length: 30 }, (_, i) => batch(`S${i}`, 1));
    const picture = tracePicture(
      report(
        [],
        shops,
        shops.map((s) => edge('LOT', s.id)),
      ),
      8,
    );
    // Seven boxes and a line saying 23 more take the column's eight places.
    expect(picture.boxes.filter((b) => b.column === 1)).toHaveLength(7);
    expect(picture.hidden).toEqual([0, 23]);
    expect(picture.links).toHaveLength(7);
  });
});

describe('chart scales', () => {
  it('ticks at 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(-1, 13, 5)).toEqual([0, 5, 10]);
    expect(niceTicks(2, 8, 5)).toEqual([2, 4, 6, 8]);
    expect(niceTicks(-20, -16, 4)).toEqual([-20, -19, -18, -17, -16]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });

  it('keeps every reading and both limits in view', () => {
    expect(temperatureRange([3.1, 12.4], [0, 6])).toEqual({ min: -1, max: 14 });
    const flat = temperatureRange([4, 4], [null, null]);
    expect(flat.min).toBeLessThan(4);
    expect(flat.max).toBeGreaterThan(4);
  });
});
