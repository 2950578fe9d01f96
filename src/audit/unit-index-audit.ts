import type { AuditTally, Disagreement } from './projection-replay.js';

/**
 * The units' event index (unit_event, unit_sale: migrations/1767000000101) against the ledger: every
 * EVENT_RECORDED entry naming units (its `serials` member) makes one unit_event row per unit, and a
 * RETAIL_SELLING one unit_sale row too; no row may name an entry that does not name its unit. Each
 * (unit, entry) pair is read with both sides (either possibly missing), ordered, as the other tables'
 * pairs are (projection-replay.ts). Pure.
 */

/** A unit named by an entry, as the ledger says (`ledger`) and as the tables keep it (`table`). */
export interface UnitIndexPair {
  gtin: string;
  serial: string;
  seq: number;
  /** What the entry says: whether it sells the unit; null when the entry does not name it. */
  ledger: { sold: boolean } | null;
  /** What the tables keep: a unit_event row, a unit_sale row; null when neither has the pair. */
  table: { indexed: boolean; sold: boolean } | null;
  /** The entry's payload was erased: the pair cannot be checked. */
  erased: boolean;
}

export async function auditUnitIndex(pairs: AsyncIterable<UnitIndexPair>, tally: AuditTally): Promise<void> {
  for await (const pair of pairs) {
    if (pair.erased) tally.skipped();
    else tally.compared(unitIndexDisagreement(pair));
  }
}

/** What the tables say of the pair that the ledger does not; null when they agree. */
export function unitIndexDisagreement({ gtin, serial, seq, ledger, table }: UnitIndexPair): Disagreement | null {
  const id = `${gtin}/${serial}@${seq}`;
  const differs = (name: 'unit_event' | 'unit_sale', column: string | null, ledgerValue: boolean, tableValue: boolean, why: string): Disagreement => ({
    table: name,
    id,
    column,
    ledgerValue,
    tableValue,
    seq,
    reason: `${name} of unit ${serial} of GTIN ${gtin}, entry ${seq}: ${why}`,
  });
  if (!ledger) return differs(table?.indexed ? 'unit_event' : 'unit_sale', null, false, true, 'the entry does not name this unit, the table says it does');
  if (!table?.indexed) return differs('unit_event', null, true, false, 'the entry names this unit, the table has no row for it');
  if (ledger.sold !== table.sold)
    return differs(
      'unit_sale',
      'entry_seq',
      ledger.sold,
      table.sold,
      ledger.sold ? 'the entry sells the unit, the table has no sale' : 'the table has a sale, the entry sells nothing',
    );
  return null;
}
