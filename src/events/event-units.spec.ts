import { describe, expect, it } from '@jest/globals';
import { checkNamedUnits, checkSellerHoldsUnits, isHolderSale, type NamedUnit, unitEventRows, unitKey } from './event-units.js';

const LOT = 'lot-a';
const OTHER = 'lot-b';
const GTIN = '06950000000019';

const FARM = 'org-farm';
const SHOP = 'org-shop';

function units(...list: [string, string | null, number | null, string?][]): Map<string, NamedUnit> {
  return new Map(
    list.map(([serial, lotId, soldSeq, holderId]) => [
      unitKey(LOT, serial),
      { batchId: LOT, serial, gtin: lotId ? GTIN : null, lotId, soldSeq, holderId: lotId ? (holderId ?? FARM) : null },
    ]),
  );
}

describe('who sells units', () => {
  const found = units(['AT-SHOP', LOT, null, SHOP], ['ALSO-AT-SHOP', LOT, null, SHOP], ['AT-FARM', LOT, null, FARM]);
  const sale = (serials: string[]) => ({ batchId: LOT, bizStep: 'RETAIL_SELLING' as const, serials });

  it('is the holder’s sale only when the seller holds every unit named and is not the lot’s custodian', () => {
    expect(isHolderSale(sale(['AT-SHOP', 'ALSO-AT-SHOP']), found, SHOP, FARM)).toBe(true);
    expect(isHolderSale(sale(['AT-SHOP', 'AT-FARM']), found, SHOP, FARM)).toBe(false);
    expect(isHolderSale(sale(['AT-FARM']), found, FARM, FARM)).toBe(false);
    expect(isHolderSale({ ...sale(['AT-SHOP']), bizStep: 'STORING' }, found, SHOP, FARM)).toBe(false);
    expect(isHolderSale(sale(['NO-SUCH']), found, SHOP, FARM)).toBe(false);
  });

  it('refuses a sale of a unit another organization holds, naming it', () => {
    expect(() => checkSellerHoldsUnits(sale(['AT-FARM', 'AT-SHOP']), found, FARM, '')).toThrow(
      'serials[1]: the unit with serial "AT-SHOP" is held by another organization',
    );
    expect(() => checkSellerHoldsUnits(sale(['AT-SHOP']), found, SHOP, '')).not.toThrow();
    expect(() => checkSellerHoldsUnits({ ...sale(['AT-SHOP']), bizStep: 'STORING' }, found, FARM, '')).not.toThrow();
  });
});

describe('the units an event names', () => {
  it('takes units of the event’s lot, and remembers a sale for the events after it', () => {
    const sold = new Set<string>();
    const found = units(['A', LOT, null], ['B', LOT, null]);
    checkNamedUnits({ batchId: LOT, bizStep: 'STORING', serials: ['A', 'B'] }, found, sold, '');
    expect(sold.size).toBe(0);
    checkNamedUnits({ batchId: LOT, bizStep: 'RETAIL_SELLING', serials: ['A'] }, found, sold, '');
    expect([...sold]).toEqual([unitKey(LOT, 'A')]);
    expect(() => checkNamedUnits({ batchId: LOT, bizStep: 'RETAIL_SELLING', serials: ['B', 'A'] }, found, sold, 'events[1].')).toThrow(
      'events[1].serials[1]: the unit with serial "A" was sold already (by an earlier event of this call)',
    );
  });

  it('refuses a serial that is no unit, a unit of another lot, and a unit sold before, naming it', () => {
    const found = units(['SOLD', LOT, 41], ['ELSEWHERE', OTHER, null]);
    const check = (bizStep: 'STORING' | 'RETAIL_SELLING', serial: string) => () =>
      checkNamedUnits({ batchId: LOT, bizStep, serials: [serial] }, found, new Set(), '');
    expect(check('STORING', 'NONE')).toThrow('serials[0]: serial "NONE" is no commissioned unit of batch lot-a');
    expect(check('STORING', 'ELSEWHERE')).toThrow('(it is a unit of another lot)');
    expect(check('RETAIL_SELLING', 'SOLD')).toThrow('the unit with serial "SOLD" was sold already (ledger entry 41)');
    // A unit sold before may still be named by other steps (a return's inspection, say).
    expect(check('STORING', 'SOLD')).not.toThrow();
  });

  it('indexes an appended entry under each unit it names, and a sale as a sale', () => {
    const found = units(['A', LOT, null], ['B', LOT, null]);
    expect(unitEventRows({ batchId: LOT, bizStep: 'RETAIL_SELLING', serials: ['A', 'B'] }, 7, found)).toEqual([
      { gtin: GTIN, serial: 'A', entrySeq: 7, sold: true },
      { gtin: GTIN, serial: 'B', entrySeq: 7, sold: true },
    ]);
    expect(unitEventRows({ batchId: LOT, bizStep: 'STORING', serials: ['A'] }, 8, found)[0].sold).toBe(false);
  });
});
