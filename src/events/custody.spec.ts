import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { applyCustody, CustodyState } from './custody.js';
import { keyDataElementProblem } from './key-data-elements.js';

const farm = { organizationId: 'farm', kind: 'PRODUCER' as const };
const plant = { organizationId: 'plant', kind: 'PROCESSOR' as const };
const lab = { organizationId: 'lab', kind: 'LAB' as const };
const batch: CustodyState = {
  id: 'b1',
  custodianId: 'farm',
  status: 'ACTIVE',
  quantity: 1000,
  unit: 'kg',
  inTransitToId: null,
  inTransitQuantity: null,
  shippedById: null,
  held: false,
  recalled: false,
};

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('custody', () => {
  it('ships to a named organization, which alone receives it and becomes custodian', () => {
    const shipped = applyCustody(batch, { bizStep: 'SHIPPING', quantity: 800, destinationOrganizationId: 'plant' }, farm).next;
    expect(shipped).toMatchObject({ status: 'IN_TRANSIT', inTransitToId: 'plant', inTransitQuantity: 800, shippedById: 'farm', custodianId: 'farm' });
    // The shipper is told where it went; anyone else only that the batch is neither theirs nor coming to them.
    expect(refusal(() => applyCustody(shipped, { bizStep: 'RECEIVING', quantity: 800 }, farm))).toEqual({
      code: 'NOT_SHIPPED_TO_YOU',
      message: 'batch b1 was shipped to organization plant; only that organization records its RECEIVING',
    });
    expect(refusal(() => applyCustody(shipped, { bizStep: 'RECEIVING', quantity: 800 }, { organizationId: 'shop', kind: 'RETAILER' }))).toEqual({
      code: 'BATCH_NOT_IN_CUSTODY',
      message:
        'batch b1 is not in your custody and was not shipped to you; ' +
        'only its custodian records its events, and only the organization it is shipped to its RECEIVING',
    });
    expect(refusal(() => applyCustody(shipped, { bizStep: 'STORING' }, farm)).code).toBe('BATCH_IN_TRANSIT');
    expect(refusal(() => applyCustody(shipped, { bizStep: 'RECEIVING', quantity: 801 }, plant)).message).toBe(
      'RECEIVING 801 kg is more than the 800 kg shipped',
    );
    const received = applyCustody(shipped, { bizStep: 'RECEIVING', quantity: 795 }, plant);
    expect(received.next).toMatchObject({
      custodianId: 'plant',
      status: 'ACTIVE',
      quantity: 795,
      inTransitToId: null,
      inTransitQuantity: null,
      shippedById: null,
    });
    expect(received.recorded).toEqual({ unit: 'kg', immediatePreviousSource: 'farm' });
    expect(refusal(() => applyCustody(received.next, { bizStep: 'STORING' }, farm)).code).toBe('BATCH_NOT_IN_CUSTODY');
  });

  it("tells an organization that neither holds a batch nor receives it nothing of the batch's state", () => {
    const shop = { organizationId: 'shop', kind: 'RETAILER' as const };
    const sold = { ...batch, status: 'CONSUMED' as const, quantity: 0 };
    const shipped = applyCustody(batch, { bizStep: 'SHIPPING', quantity: 800, destinationOrganizationId: 'plant' }, farm).next;
    const answers = [
      refusal(() => applyCustody(batch, { bizStep: 'RECEIVING', quantity: 1 }, shop)),
      refusal(() => applyCustody(shipped, { bizStep: 'RECEIVING', quantity: 1 }, shop)),
      refusal(() => applyCustody(sold, { bizStep: 'STORING' }, shop)),
      refusal(() => applyCustody(batch, { bizStep: 'SHIPPING', quantity: 5000, destinationOrganizationId: 'plant' }, shop)),
    ];
    // One answer whatever the state: it says neither ACTIVE, IN_TRANSIT nor CONSUMED, nor the destination, nor what is left.
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].code).toBe('BATCH_NOT_IN_CUSTODY');
    expect(answers[0].message).not.toMatch(/ACTIVE|IN_TRANSIT|CONSUMED|plant|1000|800/);
    // The organization a batch is shipped to is told what it needs to receive it.
    expect(refusal(() => applyCustody(shipped, { bizStep: 'RECEIVING', quantity: 801 }, plant)).code).toBe('INSUFFICIENT_QUANTITY');
  });

  it('never lets a quantity go below zero, and names what is left', () => {
    expect(refusal(() => applyCustody(batch, { bizStep: 'SHIPPING', quantity: 1000.5, destinationOrganizationId: 'plant' }, farm))).toEqual({
      code: 'INSUFFICIENT_QUANTITY',
      message: 'SHIPPING 1000.5 kg is more than the 1000 kg left in batch b1',
    });
    const sold = applyCustody(batch, { bizStep: 'RETAIL_SELLING', quantity: 400 }, farm);
    expect(sold.next).toMatchObject({ quantity: 600, status: 'ACTIVE' });
    expect(sold.recorded).toEqual({ unit: 'kg', quantityLeft: 600 });
    expect(refusal(() => applyCustody(sold.next, { bizStep: 'DESTROYING', quantity: 601 }, farm)).message).toBe(
      'DESTROYING 601 kg is more than the 600 kg left in batch b1',
    );
    const gone = applyCustody(sold.next, { bizStep: 'RETAIL_SELLING', quantity: 600 }, farm).next;
    expect(gone.status).toBe('CONSUMED');
    expect(refusal(() => applyCustody(gone, { bizStep: 'STORING' }, farm)).code).toBe('BATCH_CLOSED');
    expect(applyCustody(batch, { bizStep: 'DESTROYING', quantity: 1000 }, farm).next.status).toBe('DESTROYED');
  });

  it('keeps a held or recalled batch from being shipped or sold', () => {
    for (const status of ['ON_HOLD', 'RECALLED'] as const) {
      const held = { ...batch, status };
      expect(refusal(() => applyCustody(held, { bizStep: 'SHIPPING', quantity: 1, destinationOrganizationId: 'plant' }, farm)).code).toBe('BATCH_NOT_RELEASED');
      expect(refusal(() => applyCustody(held, { bizStep: 'RETAIL_SELLING', quantity: 1 }, farm)).code).toBe('BATCH_NOT_RELEASED');
      expect(applyCustody(held, { bizStep: 'STORING' }, farm).next).toBe(held);
    }
  });

  it('lets labs and regulators inspect any batch, and nobody else who is not the custodian', () => {
    expect(applyCustody(batch, { bizStep: 'INSPECTING' }, lab).next).toBe(batch);
    expect(refusal(() => applyCustody(batch, { bizStep: 'INSPECTING' }, plant)).code).toBe('BATCH_NOT_IN_CUSTODY');
  });

  it('refuses steps that have their own operation, and shipping to oneself', () => {
    expect(refusal(() => applyCustody(batch, { bizStep: 'TRANSFORMING' }, farm)).message).toMatch(/transformBatches/);
    expect(refusal(() => applyCustody(batch, { bizStep: 'RECALLING' }, farm)).message).toMatch(/initiateRecall/);
    expect(refusal(() => applyCustody(batch, { bizStep: 'SHIPPING', quantity: 1, destinationOrganizationId: 'farm' }, farm)).code).toBe('INVALID_INPUT');
    expect(refusal(() => applyCustody(batch, { bizStep: 'RECEIVING', quantity: 1 }, farm)).code).toBe('NOT_IN_TRANSIT');
  });
});

describe('key data elements', () => {
  const now = new Date('2026-10-10T00:00:00.000Z');
  const at = new Date('2026-10-09T10:00:00.000Z');
  const base = { eventTime: at, facilityId: 'f1' };

  it.each([
    [{ bizStep: 'STORING', eventTime: new Date('2026-10-10T00:06:00.000Z'), facilityId: 'f1' }, /eventTime 2026-10-10T00:06:00.000Z is in the future/],
    [{ bizStep: 'STORING', eventTime: at }, /^facilityId is required: where the STORING happened/],
    [{ ...base, bizStep: 'HARVESTING', details: { harvestDate: '2026-10-09' } }, /^details.fieldName is required for HARVESTING/],
    [
      { ...base, bizStep: 'HARVESTING', details: { fieldName: 'Plot 7', harvestDate: '2026-13-01' } },
      /^details.harvestDate must be a date as YYYY-MM-DD, got "2026-13-01"/,
    ],
    [
      { ...base, bizStep: 'HARVESTING', details: { fieldName: 'Plot 7', harvestDate: '2026-10-12' } },
      /^details.harvestDate 2026-10-12 is after the event time/,
    ],
    [{ ...base, bizStep: 'COOLING', details: {} }, /^details.coolingDate is required for COOLING/],
    [{ ...base, bizStep: 'PACKING', details: { lotCode: '' } }, /^details.lotCode is required for PACKING/],
    [{ ...base, bizStep: 'SHIPPING', quantity: 5, details: {} }, /^destinationOrganizationId is required for SHIPPING/],
    [{ ...base, bizStep: 'SHIPPING', destinationOrganizationId: 'o', details: {} }, /^quantity is required for SHIPPING/],
    [
      { ...base, bizStep: 'SHIPPING', quantity: 5, destinationOrganizationId: 'o', details: { shipToLocation: 'DC 1', referenceDocumentType: 'BOL' } },
      /^details.referenceDocumentNumber is required for SHIPPING/,
    ],
    [{ ...base, bizStep: 'RECEIVING' }, /^quantity is required for RECEIVING/],
    [{ ...base, bizStep: 'RETAIL_SELLING', quantity: 0 }, /^quantity is required for RETAIL_SELLING and must be more than 0/],
  ])('refuses %j, naming the field', (event, message) => {
    expect(keyDataElementProblem(event as never, now)).toMatch(message);
  });

  it('accepts complete events of each step', () => {
    for (const event of [
      { ...base, bizStep: 'HARVESTING', details: { fieldName: 'Plot 7', harvestDate: '2026-10-09' } },
      { ...base, bizStep: 'COOLING', details: { coolingDate: '2026-10-09' } },
      { ...base, bizStep: 'PACKING', details: { lotCode: 'XZD-1' } },
      {
        ...base,
        bizStep: 'SHIPPING',
        quantity: 5,
        destinationOrganizationId: 'o',
        details: { shipToLocation: 'DC 1', referenceDocumentType: 'BOL', referenceDocumentNumber: '7' },
      },
      { ...base, bizStep: 'RECEIVING', quantity: 5 },
      { ...base, bizStep: 'STORING' },
      { ...base, bizStep: 'DESTROYING', quantity: 1 },
    ]) {
      expect(keyDataElementProblem(event as never, now)).toBeNull();
    }
  });
});
