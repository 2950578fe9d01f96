import { describe, expect, it } from '@jest/globals';
import { epcisSelection, productRange, traceSelection } from './export-query.js';

const ID = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
const refusal = (parse: () => unknown) => {
  try {
    parse();
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('accepted');
};

describe('export query parameters', () => {
  it('reads a trace selection: the id lower case (and as given, for the file name), the direction in any case, DOWNSTREAM by default', () => {
    expect(traceSelection({ batchId: ID })).toEqual({ batchId: ID.toLowerCase(), batchIdAsGiven: ID, direction: 'DOWNSTREAM' });
    expect(traceSelection({ batchId: ID, direction: 'upstream' }).direction).toBe('UPSTREAM');
  });

  it('names the first parameter that is wrong, batchId before direction', () => {
    expect(refusal(() => traceSelection({}))).toEqual({ code: 'INVALID_INPUT', message: 'batchId is required: the batch to trace (a UUID)' });
    expect(refusal(() => traceSelection({ batchId: 'x', direction: 'x' })).message).toBe('batchId is required: the batch to trace (a UUID)');
    expect(refusal(() => traceSelection({ batchId: [ID, ID] })).message).toBe('batchId must be given once, as text');
    expect(refusal(() => traceSelection({ batchId: ID, direction: 'sideways' })).message).toBe('direction is UPSTREAM or DOWNSTREAM');
    expect(refusal(() => traceSelection({ batchId: ID, direction: ['a', 'b'] })).message).toBe('direction must be given once, as text');
  });

  it('reads a product range with from before to, in any format Date reads', () => {
    expect(productRange({ productId: ID, from: '2026', to: 'Jan 1 2027' })).toEqual({
      productId: ID.toLowerCase(),
      start: new Date('2026'),
      end: new Date('Jan 1 2027'),
    });
    expect(refusal(() => productRange({ productId: 'x', from: 'zz' })).message).toBe('give batchId, or productId (a UUID) with from and to');
    expect(refusal(() => productRange({ productId: [ID, ID] })).message).toBe('productId must be given once, as text');
    for (const dates of [
      {},
      { from: '2026-01-01' },
      { from: '2027-01-01', to: '2026-01-01' },
      { from: '2026-01-01', to: '2026-01-01' },
      { from: ['a', 'b'], to: '2027' },
    ]) {
      expect(refusal(() => productRange({ productId: ID, ...dates })).message).toBe('from and to are required dates (ISO 8601), from before to');
    }
  });

  it('selects EPCIS events by batch when batchId is given (and not empty), else by product range', () => {
    expect(epcisSelection({ batchId: ID, productId: 'ignored' })).toEqual({ batchId: ID.toLowerCase() });
    expect(refusal(() => epcisSelection({ batchId: 'x' })).message).toBe('batchId must be a UUID');
    expect(refusal(() => epcisSelection({ batchId: '' })).message).toBe('give batchId, or productId (a UUID) with from and to');
    expect(epcisSelection({ productId: ID, from: '2026-01-01', to: '2027-01-01' })).toMatchObject({ productId: ID.toLowerCase() });
  });
});
