import { describe, expect, it } from '@jest/globals';
import type { Batch } from '../batches/batch-row.js';
import { inputRefs, massBalanceLines, transformationEntries } from './transformation-entries.js';

const facts = { transformationId: 't-1', organizationId: 'org-1', facilityId: 'fac-1', eventTime: new Date('2026-11-20T08:00:00.000Z') };
const output: Batch = {
  id: 'out-1',
  productId: 'prod-1',
  originFacilityId: 'fac-1',
  producerId: 'org-1',
  custodianId: 'org-1',
  lotCode: 'LOT-9',
  traceCode: 'TC9',
  quantity: 40,
  unit: 'kg',
  status: 'ACTIVE',
  producedAt: facts.eventTime,
};
const inputs = inputRefs(
  [
    { batchId: 'in-1', quantity: 30 },
    { batchId: 'in-2', quantity: 20 },
  ],
  (batchId) => (batchId === 'in-1' ? 'kg' : 't'),
);

describe('transformation entries', () => {
  it('takes each input line’s unit from its batch', () => {
    expect(inputs.map((l) => l.unit)).toEqual(['kg', 't']);
  });

  it('drafts a TRANSFORMING entry per input, then a BATCH_REGISTERED entry per output, all naming the transformation', () => {
    const consumed = inputs.map((l) => ({ batchId: l.batchId, quantity: 5 }) as any);
    const drafts = transformationEntries(facts, inputs, consumed, [output]);
    expect(drafts.map((d) => [d.type, d.batchId])).toEqual([
      ['EVENT_RECORDED', 'in-1'],
      ['EVENT_RECORDED', 'in-2'],
      ['BATCH_REGISTERED', 'out-1'],
    ]);
    expect(drafts.map((d) => JSON.parse(d.canonicalPayload).transformationId)).toEqual(['t-1', 't-1', 't-1']);
    expect(JSON.parse(drafts[1].canonicalPayload)).toMatchObject({
      bizStep: 'TRANSFORMING',
      quantity: 20,
      unit: 't',
      quantityLeft: 5,
      outputs: [{ batchId: 'out-1', lotCode: 'LOT-9' }],
    });
    expect(JSON.parse(drafts[2].canonicalPayload)).toMatchObject({ producedAt: '2026-11-20T08:00:00.000Z', inputs });
  });

  it('numbers the mass-balance lines with the seqs of the inputs’ entries, then the outputs’', () => {
    expect(massBalanceLines(inputs, [output], [11, 12, 13])).toEqual([
      { seq: 11, side: 'input', batchId: 'in-1', quantity: 30, unit: 'kg' },
      { seq: 12, side: 'input', batchId: 'in-2', quantity: 20, unit: 't' },
      { seq: 13, side: 'output', batchId: 'out-1', quantity: 40, unit: 'kg' },
    ]);
  });
});
