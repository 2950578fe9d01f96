import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { InputBatch, OutputProduct, planTransformation } from './transformation-plan.js';

const batch = (id: string, quantity: number, gi: string | null = null, extra: Partial<InputBatch> = {}): InputBatch => ({
  id,
  custodianId: 'plant',
  status: 'ACTIVE',
  quantity,
  unit: 'kg',
  inTransitToId: null,
  inTransitQuantity: null,
  shippedById: null,
  held: false,
  recalled: false,
  geographicIndication: gi,
  ...extra,
});
const product = (id: string, gi: string | null = null, organizationId = 'plant'): OutputProduct => ({
  id,
  organizationId,
  name: `product ${id}`,
  gtin: null,
  geographicIndication: gi,
});
const plan = (
  inputs: { batchId: string; quantity: number }[],
  outputs: { productId: string; lotCode: string; quantity: number; unit: string }[],
  batches: InputBatch[],
  products: OutputProduct[],
) =>
  planTransformation('plant', inputs, outputs, new Map(batches.map((b) => [b.id, b])), new Map(products.map((p) => [p.id, p])), {
    maxYield: 1,
  });
const code = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'accepted';
};

describe('planTransformation', () => {
  it('pools several inputs into one output: each edge carries what its input gave', () => {
    const result = plan(
      [
        { batchId: 'a', quantity: 300 },
        { batchId: 'b', quantity: 500 },
      ],
      [{ productId: 'milk', lotCode: 'P1', quantity: 790, unit: 'kg' }],
      [batch('a', 300), batch('b', 800)],
      [product('milk')],
    );
    expect(result.consumed.map((c) => [c.id, c.quantity, c.status])).toEqual([
      ['a', 0, 'CONSUMED'],
      ['b', 300, 'ACTIVE'],
    ]);
    expect(result.consumed[0]).not.toHaveProperty('geographicIndication');
    expect(result.edges).toEqual([
      { input: 0, output: 0, quantity: 300 },
      { input: 1, output: 0, quantity: 500 },
    ]);
  });

  it('splits one input into several outputs: edges carry the output quantity when units agree, else nothing', () => {
    const result = plan(
      [{ batchId: 'a', quantity: 1000 }],
      [
        { productId: 'rice', lotCode: 'L1', quantity: 600, unit: 'kg' },
        { productId: 'rice', lotCode: 'L2', quantity: 80, unit: 'bag' },
      ],
      [batch('a', 1000)],
      [product('rice')],
    );
    expect(result.edges).toEqual([
      { input: 0, output: 0, quantity: 600 },
      { input: 0, output: 1, quantity: null },
    ]);
  });

  it('makes a GI product only from inputs that all carry the indication', () => {
    const lines = [
      { batchId: 'a', quantity: 10 },
      { batchId: 'b', quantity: 10 },
    ];
    const out = [{ productId: 'gi-rice', lotCode: 'G1', quantity: 18, unit: 'kg' }];
    expect(code(() => plan(lines, out, [batch('a', 10, '小站稻'), batch('b', 10, '小站稻')], [product('gi-rice', '小站稻')]))).toBe('accepted');
    expect(code(() => plan(lines, out, [batch('a', 10, '小站稻'), batch('b', 10)], [product('gi-rice', '小站稻')]))).toBe(
      'GI_NOT_CARRIED: outputs[0].productId: product gi-rice claims the geographic indication 小站稻, ' +
        'but input batch b does not carry it; a GI product comes only from inputs that all do',
    );
    expect(code(() => plan(lines, out, [batch('a', 10, '小站稻'), batch('b', 10)], [product('gi-rice')]))).toBe('accepted');
  });

  it.each([
    [
      'more than is left',
      [{ batchId: 'a', quantity: 11 }],
      [batch('a', 10)],
      'INSUFFICIENT_QUANTITY: inputs[0].batchId: taking 11 kg is more than the 10 kg left in batch a',
    ],
    ['a batch held by another', [{ batchId: 'a', quantity: 1 }], [batch('a', 10, null, { custodianId: 'farm' })], /^BATCH_NOT_IN_CUSTODY/],
    [
      'a batch in transit',
      [{ batchId: 'a', quantity: 1 }],
      [batch('a', 10, null, { status: 'IN_TRANSIT', inTransitToId: 'x', inTransitQuantity: 1, shippedById: 'plant' })],
      /^BATCH_IN_TRANSIT/,
    ],
    ['a batch on hold', [{ batchId: 'a', quantity: 1 }], [batch('a', 10, null, { status: 'ON_HOLD' })], /^BATCH_NOT_RELEASED/],
    ['a consumed batch', [{ batchId: 'a', quantity: 1 }], [batch('a', 0, null, { status: 'CONSUMED' })], /^BATCH_CLOSED/],
    ['an unknown batch', [{ batchId: 'zz', quantity: 1 }], [], 'BATCH_NOT_FOUND: inputs[0].batchId: no batch has id zz'],
    [
      'a batch listed twice',
      [
        { batchId: 'a', quantity: 1 },
        { batchId: 'a', quantity: 1 },
      ],
      [batch('a', 10)],
      'INVALID_INPUT: inputs[1].batchId: batch a is listed twice',
    ],
  ])('refuses %s', (_what, inputs, batches, expected) => {
    expect(code(() => plan(inputs, [{ productId: 'p', lotCode: 'X', quantity: 1, unit: 'kg' }], batches, [product('p')]))).toMatch(expected);
  });

  it('refuses outputs of unknown or foreign products and a lot listed twice', () => {
    const inputs = [{ batchId: 'a', quantity: 1 }];
    expect(code(() => plan(inputs, [{ productId: 'q', lotCode: 'X', quantity: 1, unit: 'kg' }], [batch('a', 10)], []))).toMatch(
      /^PRODUCT_NOT_FOUND: outputs\[0\]/,
    );
    expect(code(() => plan(inputs, [{ productId: 'q', lotCode: 'X', quantity: 1, unit: 'kg' }], [batch('a', 10)], [product('q', null, 'other')]))).toMatch(
      /^NOT_OWNER/,
    );
    const twice = [
      { productId: 'p', lotCode: 'X', quantity: 1, unit: 'kg' },
      { productId: 'p', lotCode: 'X', quantity: 1, unit: 'kg' },
    ];
    expect(code(() => plan(inputs, twice, [batch('a', 10)], [product('p')]))).toBe('INVALID_INPUT: outputs[1].lotCode: lot X of this product is listed twice');
  });

  it('refuses outputs that weigh more than the inputs allow, and lot codes a product may not have', () => {
    const tiny = [{ batchId: 'a', quantity: 1e-9 }];
    expect(code(() => plan(tiny, [{ productId: 'p', lotCode: 'X', quantity: 1e12, unit: 'kg' }], [batch('a', 10)], [product('p')]))).toBe(
      'YIELD_EXCEEDED: outputs weigh 1000000000000 kg (outputs[0] (lot X): 1000000000000 kg) from inputs weighing 1e-9 kg (inputs[0] (batch a): 1e-9 kg): ' +
        'a yield of 1e+21, more than the 1 allowed (MAX_TRANSFORMATION_YIELD); a litre counts as a kilogram',
    );
    const lot = (lotCode: string, gtin: string | null) =>
      code(() => plan([{ batchId: 'a', quantity: 1 }], [{ productId: 'p', lotCode, quantity: 1, unit: 'kg' }], [batch('a', 10)], [{ ...product('p'), gtin }]));
    expect(lot('X\u200bY', null)).toMatch(/^INVALID_LOT_CODE: outputs\[0\]\.lotCode: U\+200B at position 2 is an invisible formatting character/);
    expect(lot('X Y', '06901234567892')).toMatch(/^INVALID_LOT_CODE: outputs\[0\]\.lotCode: the product has a GTIN, so its lot code is GS1's AI \(10\)/);
    expect(lot('X Y', null)).toBe('accepted');
  });
});
