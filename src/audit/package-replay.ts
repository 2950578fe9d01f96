import { typedEntry } from '../ledger/entry-types.js';
import type { AuditTally, ColumnValue, Disagreement, ExpectedRow, ProjectionRow, ReplayEntry } from './projection-replay.js';

/**
 * The package tables (package, package_unit, package_child, package_event, unit_holder: migration
 * 1766900000101) rebuilt from the UNITS_PACKED, UNPACKED, PACKAGE_SHIPPED and PACKAGE_RECEIVED entries,
 * folded in seq order with what the writer (packages.repository.ts) does for each. A receipt moves custody
 * of everything packed inside at that moment, at any depth, so the fold keeps each package's live children:
 * it holds every package and every packed unit of the ledger (tens of bytes each), not one at a time as
 * the batch replay does. Pure.
 *
 * Not replayed: sscc_counter, the next number of an organization's minted SSCCs: a packing given its own
 * SSCC takes no number, and nothing in the entry says whether its SSCC was minted or given.
 */

export type PackageTable = 'package' | 'package_unit' | 'package_child' | 'package_event' | 'unit_holder';

/** The entry types the fold reads, in the order the writer's rows follow them. */
export const PACKAGE_ENTRY_TYPES = ['UNITS_PACKED', 'UNPACKED', 'PACKAGE_SHIPPED', 'PACKAGE_RECEIVED'] as const;

/** The audited columns of each table, as stored (the id is made of the key columns: see the ids below). */
export const PACKAGE_COLUMNS: Record<PackageTable, string[]> = {
  package: ['organization_id', 'facility_id', 'packed_seq', 'child_count', 'custodian_id', 'status', 'in_transit_to_id', 'shipped_by_id', 'unpacked_seq'],
  package_unit: ['packed_seq', 'unpacked_seq'],
  package_child: ['packed_seq', 'unpacked_seq'],
  package_event: ['type'],
  unit_holder: ['custodian_id', 'since_seq'],
};

/** Row ids: a package by SSCC, a unit by GTIN-14 and serial, an event by SSCC and seq. */
export const unitKey = (gtin: string, serial: string): string => `${gtin.padStart(14, '0')}/${serial}`;
export const packageUnitId = (sscc: string, gtin: string, serial: string): string => `${sscc}/${unitKey(gtin, serial)}`;
export const packageChildId = (parent: string, child: string): string => `${parent}>${child}`;
export const packageEventId = (sscc: string, seq: number): string => `${sscc}@${seq}`;

interface PackageFold {
  columns: Record<string, ColumnValue>;
  seq: number;
  /** Its children packed now: units by unitKey, packages by SSCC. */
  units: Set<string>;
  children: Set<string>;
}

/** A stored row of one of the package tables. */
export interface PackageTableRow {
  table: PackageTable;
  row: ProjectionRow;
}

export class PackageReplay {
  private readonly packages = new Map<string, PackageFold>();
  private readonly rows: Record<Exclude<PackageTable, 'package'>, Map<string, ExpectedRow>> = {
    package_unit: new Map(),
    package_child: new Map(),
    package_event: new Map(),
    unit_holder: new Map(),
  };
  /** Entries the writer would have refused (or that cannot be read): the ledger itself needs a look. */
  readonly problems: Disagreement[] = [];
  /** An entry's payload was erased: which package it names is unknown, so no package row can be checked. */
  erased = false;

  apply(entry: ReplayEntry): void {
    if (this.erased) return;
    if (entry.payload === null) {
      this.erased = true;
      return;
    }
    try {
      this.next(entry);
    } catch (err) {
      const sscc = (JSON.parse(entry.payload) as { sscc?: string }).sscc ?? '';
      const reason = `package ${sscc}: entry ${entry.seq} (${entry.type}): ${(err as Error).message}`;
      this.problems.push({ table: 'package', id: sscc, column: null, ledgerValue: null, tableValue: null, seq: entry.seq, reason });
    }
  }

  /** The rows the entries make, of one table, by id. */
  expected(table: PackageTable): Map<string, ExpectedRow> {
    if (table !== 'package') return this.rows[table];
    return new Map([...this.packages].map(([sscc, p]) => [sscc, { id: sscc, seq: p.seq, columns: p.columns }]));
  }

  private next(entry: ReplayEntry): void {
    const typed = typedEntry(PACKAGE_ENTRY_TYPES, { type: entry.type, payload: entry.payload! });
    const { seq } = entry;
    const sscc = typed.payload.sscc;
    const pkg = this.packages.get(sscc);
    if (typed.type === 'UNITS_PACKED') {
      if (pkg) throw new Error(`the SSCC was packed before (entry ${pkg.columns.packed_seq})`);
      const p = typed.payload;
      const units = new Set<string>();
      for (const { gtin, serials } of p.units)
        for (const serial of serials) {
          units.add(unitKey(gtin, serial));
          this.rows.package_unit.set(packageUnitId(sscc, gtin, serial), {
            id: packageUnitId(sscc, gtin, serial),
            seq,
            columns: { packed_seq: seq, unpacked_seq: null },
          });
        }
      for (const child of p.childSsccs)
        this.rows.package_child.set(packageChildId(sscc, child), { id: packageChildId(sscc, child), seq, columns: { packed_seq: seq, unpacked_seq: null } });
      const columns = {
        organization_id: entry.actor,
        facility_id: p.facilityId,
        packed_seq: seq,
        child_count: units.size + p.childSsccs.length,
        custodian_id: entry.actor,
        status: 'PACKED',
        in_transit_to_id: null,
        shipped_by_id: null,
        unpacked_seq: null,
      };
      this.packages.set(sscc, { columns, seq, units, children: new Set(p.childSsccs) });
    } else {
      if (!pkg) throw new Error('no UNITS_PACKED entry packed it before');
      const at = (columns: Record<string, ColumnValue>) => Object.assign(pkg, { columns: { ...pkg.columns, ...columns }, seq });
      switch (typed.type) {
        case 'UNPACKED':
          // The writer frees the children it holds (its entry names them all: unpackChecked).
          for (const key of pkg.units) this.unpacked('package_unit', `${sscc}/${key}`, seq);
          for (const child of pkg.children) this.unpacked('package_child', packageChildId(sscc, child), seq);
          pkg.units.clear();
          pkg.children.clear();
          at({ status: 'UNPACKED', unpacked_seq: seq });
          break;
        case 'PACKAGE_SHIPPED':
          at({ status: 'IN_TRANSIT', in_transit_to_id: typed.payload.destinationOrganizationId, shipped_by_id: entry.actor });
          break;
        case 'PACKAGE_RECEIVED':
          at({ status: 'PACKED', in_transit_to_id: null, shipped_by_id: null });
          this.receivedBy(sscc, entry.actor, seq);
          break;
      }
    }
    this.rows.package_event.set(packageEventId(sscc, seq), { id: packageEventId(sscc, seq), seq, columns: { type: entry.type } });
  }

  private unpacked(table: 'package_unit' | 'package_child', id: string, seq: number): void {
    const row = this.rows[table].get(id)!;
    this.rows[table].set(id, { ...row, seq, columns: { ...row.columns, unpacked_seq: seq } });
  }

  /** The receiver holds the package, every package packed in it now and every unit in those (the writer's TREE). */
  private receivedBy(sscc: string, custodian: string, seq: number): void {
    const seen = new Set<string>();
    const stack = [sscc];
    while (stack.length > 0) {
      const at = stack.pop()!;
      const pkg = this.packages.get(at);
      if (!pkg || seen.has(at)) continue;
      seen.add(at);
      pkg.columns = { ...pkg.columns, custodian_id: custodian };
      pkg.seq = seq;
      for (const key of pkg.units) this.rows.unit_holder.set(key, { id: key, seq, columns: { custodian_id: custodian, since_seq: seq } });
      stack.push(...pkg.children);
    }
  }
}

/**
 * Folds the package entries (by seq), then streams each table's rows (by id) against what the fold
 * expects: a row that differs, a row the ledger does not make, and an expected row missing are each a
 * disagreement. An erased entry leaves the package tables unchecked (counted once).
 */
export async function auditPackages(
  entries: AsyncIterable<ReplayEntry>,
  rows: (table: PackageTable) => AsyncIterable<ProjectionRow>,
  tally: AuditTally,
): Promise<void> {
  const replay = new PackageReplay();
  for await (const entry of entries) replay.apply(entry);
  if (replay.erased) {
    tally.skipped();
    return;
  }
  for (const problem of replay.problems) tally.compared(problem);
  for (const table of Object.keys(PACKAGE_COLUMNS) as PackageTable[]) {
    const expected = replay.expected(table);
    for await (const row of rows(table)) {
      tally.compared(packageRowDisagreement(table, expected.get(row.id) ?? null, row));
      expected.delete(row.id);
    }
    for (const missing of expected.values()) tally.compared(packageRowDisagreement(table, missing, null));
  }
}

/** The first column of the row that is not what the ledger says; null when they agree. */
export function packageRowDisagreement(table: PackageTable, expected: ExpectedRow | null, actual: ProjectionRow | null): Disagreement | null {
  const id = (expected ?? actual)!.id;
  const differs = (column: string | null, ledgerValue: ColumnValue, tableValue: ColumnValue, why: string): Disagreement => ({
    table,
    id,
    column,
    ledgerValue,
    tableValue,
    seq: expected?.seq ?? null,
    reason: `${table} ${id}${column ? ` ${column}` : ''}: ${why}`,
  });
  if (!actual) return differs(null, null, null, `the ledger makes this row (entry ${expected!.seq}), the table has none`);
  if (!expected) return differs(null, null, null, 'the table has this row, no ledger entry makes it');
  for (const [column, ledgerValue] of Object.entries(expected.columns)) {
    const tableValue = actual.columns[column] ?? null;
    if (ledgerValue !== tableValue)
      return differs(column, ledgerValue, tableValue, `the ledger says ${shown(ledgerValue)} (entry ${expected.seq}), the table says ${shown(tableValue)}`);
  }
  return null;
}

function shown(value: ColumnValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
