import { describe, expect, it } from '@jest/globals';
import { AuditTally } from './projection-replay.js';
import { auditUnitIndex, type UnitIndexPair, unitIndexDisagreement } from './unit-index-audit.js';

const pair = (over: Partial<UnitIndexPair>): UnitIndexPair => ({
  gtin: '06950000000019',
  serial: 'S1',
  seq: 9,
  ledger: { sold: true },
  table: { indexed: true, sold: true },
  erased: false,
  ...over,
});

describe('the units’ event index against the ledger', () => {
  it('agrees when the entry names the unit and the tables index it, a sale as a sale', () => {
    expect(unitIndexDisagreement(pair({}))).toBeNull();
    expect(unitIndexDisagreement(pair({ ledger: { sold: false }, table: { indexed: true, sold: false } }))).toBeNull();
  });

  it('names a missing row, a row the entry does not back, an orphan sale and a sale that differs', () => {
    expect(unitIndexDisagreement(pair({ table: null }))).toMatchObject({ table: 'unit_event', id: '06950000000019/S1@9', column: null });
    expect(unitIndexDisagreement(pair({ ledger: null }))).toMatchObject({ table: 'unit_event', column: null, ledgerValue: false, tableValue: true });
    expect(unitIndexDisagreement(pair({ ledger: null, table: { indexed: false, sold: true } }))).toMatchObject({ table: 'unit_sale', column: null });
    expect(unitIndexDisagreement(pair({ table: { indexed: true, sold: false } }))).toMatchObject({
      table: 'unit_sale',
      column: 'entry_seq',
      reason: 'unit_sale of unit S1 of GTIN 06950000000019, entry 9: the entry sells the unit, the table has no sale',
    });
  });

  it('counts pairs of erased entries as unchecked', async () => {
    const tally = new AuditTally();
    async function* pairs() {
      yield pair({});
      yield pair({ ledger: null, erased: true });
    }
    await auditUnitIndex(pairs(), tally);
    expect(tally.summary()).toMatchObject({ clean: true, rowsChecked: 1, uncheckedRows: 1 });
  });
});
