import { describe, expect, it } from '@jest/globals';
import { batchColumns, custodyColumns, rowToBatch, rowToCustody } from './batch-row.js';

/** A row as PostgreSQL returns it for `columns`: each column's value is its own name, so a misread field shows. */
const rowOf = (columns: string) => Object.fromEntries(columns.split(', ').map((c) => [c.replace(/^b\./, ''), c.replace(/^b\./, '')]));

describe('batch rows', () => {
  it('reads every column it selects into a field, and selects every column it reads', () => {
    const row = rowOf(batchColumns('b'));
    const batch = rowToBatch(row);
    expect(Object.values(batch).sort()).toEqual(Object.keys(row).sort());
    expect(batch).toMatchObject({ custodianId: 'custodian_id', lotCode: 'lot_code', traceCode: 'trace_code', producedAt: 'produced_at' });
  });

  it('reads custody from its own narrower columns, which a whole batch row includes', () => {
    const row = rowOf(custodyColumns('b'));
    expect(Object.values(rowToCustody(row)).sort()).toEqual(Object.keys(row).sort());
    expect(batchColumns('b')).toContain(custodyColumns('b'));
    expect(rowToCustody(rowOf(batchColumns('b')))).toEqual(rowToCustody(row));
  });

  it('gives null, not undefined, for an empty custody or cold-chain column', () => {
    const batch = rowToBatch({
      ...rowOf(batchColumns('b')),
      in_transit_to_id: null,
      in_transit_quantity: null,
      shipped_by_id: null,
      mean_kinetic_temp_c: null,
    });
    expect([batch.inTransitToId, batch.inTransitQuantity, batch.shippedById, batch.meanKineticTempC]).toEqual([null, null, null, null]);
  });
});
