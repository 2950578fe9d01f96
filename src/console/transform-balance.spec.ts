import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { type InputBatch, planTransformation } from '../transformations/transformation-plan.js';
import { balancePreview, type MadeLine, type TakenLine } from './browser/transform-balance.js';

const paddy = (quantity: number, left: number, unit = 'kg'): TakenLine => ({ name: 'inputs[0]', quantity, unit, left });
const made = (quantity: number, unit = 'kg', name = 'outputs[0]'): MadeLine => ({ name, quantity, unit });

/** What transformBatches says of the same lines: the error code, or OK (one input lot, the caller's own products). */
function apiVerdict(input: TakenLine, outputs: MadeLine[]): string {
  const batch: InputBatch = {
    id: 'a',
    custodianId: 'plant',
    status: 'ACTIVE',
    quantity: input.left,
    unit: input.unit,
    inTransitToId: null,
    inTransitQuantity: null,
    shippedById: null,
    held: false,
    recalled: false,
    geographicIndication: null,
  };
  const product = { id: 'p', organizationId: 'plant', name: 'rice', gtin: null, geographicIndication: null };
  try {
    planTransformation(
      'plant',
      [{ batchId: 'a', quantity: input.quantity }],
      outputs.map((o, i) => ({ productId: 'p', lotCode: `L${i}`, quantity: o.quantity, unit: o.unit })),
      new Map([['a', batch]]),
      new Map([['p', product]]),
      { maxYield: 1 },
    );
    return 'OK';
  } catch (err) {
    return (err as DomainError).code;
  }
}

describe('the transform screen’s mass balance before submitting', () => {
  it('splits one lot into two: totals per unit and the yield', () => {
    const preview = balancePreview([paddy(800, 1000)], [made(300), made(450, 'kg', 'outputs[1]')], 1);
    expect(preview.taken).toEqual([{ unit: 'kg', total: 800 }]);
    expect(preview.made).toEqual([{ unit: 'kg', total: 750 }]);
    expect(preview.yieldPercent).toBeCloseTo(93.75);
    expect(preview.overTaken).toEqual([]);
    expect(preview.yieldProblem).toBeNull();
  });

  it('weighs units as the API does: tonnes, 斤 and litres in kilograms; counted units left out', () => {
    const preview = balancePreview([paddy(1, 2, 't')], [made(1000, '斤'), made(20, 'case', 'outputs[1]')], 1);
    expect(preview.made).toEqual([
      { unit: '斤', total: 1000 },
      { unit: 'case', total: 20 },
    ]);
    expect(preview.yieldPercent).toBeCloseTo(50);
    expect(preview.unweighed).toBe(true);
  });

  it('flags a line taking more than its lot has left, and outputs weighing more than the inputs', () => {
    expect(balancePreview([paddy(1200, 1000)], [made(500)], 1).overTaken.map((l) => l.quantity)).toEqual([1200]);
    expect(balancePreview([paddy(100, 1000)], [made(60), made(60, 'kg', 'outputs[1]')], 1).yieldProblem).toMatch(/^outputs weigh 120 kg/);
  });

  it('leaves out lines without a quantity and has no yield with nothing weighed', () => {
    const preview = balancePreview([paddy(NaN, 10)], [made(5, 'piece')], 1);
    expect(preview.taken).toEqual([]);
    expect(preview.yieldPercent).toBeNull();
    expect(preview.yieldProblem).toBeNull();
  });

  it('agrees with the check transformBatches runs', () => {
    const cases: [TakenLine, MadeLine[]][] = [
      [paddy(800, 1000), [made(300), made(450)]],
      [paddy(1200, 1000), [made(300), made(450)]],
      [paddy(100, 1000), [made(60), made(60)]],
      [paddy(100, 1000), [made(50, 'l'), made(50, 'l')]],
      [paddy(100, 1000), [made(5000, 'piece'), made(99)]],
    ];
    for (const [input, outputs] of cases) {
      const preview = balancePreview([input], outputs, 1);
      const expected = preview.overTaken.length ? 'INSUFFICIENT_QUANTITY' : preview.yieldProblem ? 'YIELD_EXCEEDED' : 'OK';
      expect(apiVerdict(input, outputs)).toBe(expected);
    }
  });
});
