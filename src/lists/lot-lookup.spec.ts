import { describe, expect, it } from '@jest/globals';
import { namesOneLot } from './lot-lookup.js';

describe('namesOneLot', () => {
  it('is a trace code alone, or a GTIN with a lot code', () => {
    expect(namesOneLot({ traceCode: 'BEE47H368BSY' })).toBe(true);
    expect(namesOneLot({ gtin: '06920000000029', lotCode: 'XZD-2026-0042' })).toBe(true);
    // Absent fields as GraphQL passes them (undefined, or null when sent as null) do not count.
    expect(namesOneLot({ traceCode: 'BEE47H368BSY', lotCode: undefined, status: null as never })).toBe(true);
  });

  it('is not a browse: no filter, a lot code without its GTIN, a GTIN alone, or one lot narrowed by more', () => {
    expect(namesOneLot({})).toBe(false);
    expect(namesOneLot({ lotCode: 'XZD-2026-0042' })).toBe(false);
    expect(namesOneLot({ gtin: '06920000000029' })).toBe(false);
    expect(namesOneLot({ status: 'ON_HOLD' })).toBe(false);
    expect(namesOneLot({ traceCode: 'BEE47H368BSY', status: 'ACTIVE' })).toBe(false);
    expect(namesOneLot({ gtin: '06920000000029', lotCode: 'L1', region: '天津' })).toBe(false);
  });
});
