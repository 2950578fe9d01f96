import { typedEntry } from '../ledger/entry-types.js';
import type { AuditTally, ColumnValue, Disagreement, ExpectedRow, PackageTable, ProjectionRow, ReplayEntry } from './projection-replay.js';

export type { PackageTable };

/**
 * The package tables (package, package_unit, package_child, package_event, unit_holder: migration
 * 1766900000101) rebuilt from the UNITS_PACKED, UNPACKED, PACKAGE_SHIPPED and PACKAGE_RECEIVED entries,
 * folded in seq order with what the writer (packages.repository.ts) does for each. A receipt moves custody
 * of everything packed inside at that moment, at any depth, so the fold keeps each package's live children:
 * it holds every package and every packed unit of the ledger (about 160 bytes a unit: 120,000 units in
 * 5,100 packages folded in 0.1 s, 19 MB), not one at a time as the batch replay does. Pure.
 *
 * Not replayed: sscc_counter, the next number of an organization's minted SSCCs: a packing given its own
 * SSCC takes no number, and nothing in the entry says whether its SSCC was minted or given.
 */

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
/** An SSCC is 18 digits: the first part of a package_unit's or package_child's id, a separator, then the child's. */
const SSCC_LENGTH = 18;

/**
 * A package as its entries leave it. Its units and child packages are kept once, as keys: each one's
 * package_unit or package_child row is the package's packed_seq and unpacked_seq (unpacking takes out
 * every child at once), and they are what a receipt moves while the package is not unpacked.
 */
interface PackageFold {
  columns: Record<string, ColumnValue>;
  seq: number;
  units: Set<string>;
  children: Set<string>;
  /** Its package row was compared (the audit's mark). */
  checked: boolean;
}

export class PackageReplay {
  private readonly packages = new Map<string, PackageFold>();
  private readonly events = new Map<string, ExpectedRow>();
  /** Each unit a receipt moved: the newest receipt's seq; and each receipt's receiver. */
  private readonly holders = new Map<string, number>();
  private readonly receivers = new Map<number, string>();
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

  /** The row of `id` the entries make, or null. */
  expectedRow(table: PackageTable, id: string): ExpectedRow | null {
    switch (table) {
      case 'package': {
        const pkg = this.packages.get(id);
        return pkg ? { id, seq: pkg.seq, columns: pkg.columns } : null;
      }
      case 'package_unit':
      case 'package_child': {
        const pkg = this.packages.get(id.slice(0, SSCC_LENGTH));
        const child = id.slice(SSCC_LENGTH + 1);
        return pkg && (table === 'package_unit' ? pkg.units : pkg.children).has(child) ? childRow(id, pkg) : null;
      }
      case 'package_event':
        return this.events.get(id) ?? null;
      case 'unit_holder': {
        const seq = this.holders.get(id);
        return seq === undefined ? null : { id, seq, columns: { custodian_id: this.receivers.get(seq)!, since_seq: seq } };
      }
    }
  }

  /** Every row of the table the entries make, by id as the fold keeps them. */
  *expectedRows(table: PackageTable): Iterable<ExpectedRow> {
    switch (table) {
      case 'package':
        for (const id of this.packages.keys()) yield this.expectedRow(table, id)!;
        return;
      case 'package_unit':
      case 'package_child':
        for (const [sscc, pkg] of this.packages)
          for (const child of table === 'package_unit' ? pkg.units : pkg.children)
            yield childRow(`${sscc}${table === 'package_unit' ? '/' : '>'}${child}`, pkg);
        return;
      case 'package_event':
        yield* this.events.values();
        return;
      case 'unit_holder':
        for (const id of this.holders.keys()) yield this.expectedRow(table, id)!;
    }
  }

  /** All the rows of one table, by id: for a test's tables; the audit looks rows up one at a time. */
  expected(table: PackageTable): Map<string, ExpectedRow> {
    return new Map([...this.expectedRows(table)].map((row) => [row.id, row]));
  }

  /** Marks the row compared: what is left unmarked at the end is missing from the table. Consumes the fold. */
  compared(table: PackageTable, id: string): void {
    switch (table) {
      case 'package':
        // The package's own row; its children's rows are found through it, so it stays, marked.
        this.packages.get(id)!.checked = true;
        return;
      case 'package_unit':
      case 'package_child': {
        const pkg = this.packages.get(id.slice(0, SSCC_LENGTH))!;
        (table === 'package_unit' ? pkg.units : pkg.children).delete(id.slice(SSCC_LENGTH + 1));
        return;
      }
      case 'package_event':
        this.events.delete(id);
        return;
      case 'unit_holder':
        this.holders.delete(id);
    }
  }

  /** The rows of the table not yet marked compared. */
  *uncompared(table: PackageTable): Iterable<ExpectedRow> {
    for (const row of this.expectedRows(table)) if (table !== 'package' || !this.packages.get(row.id)!.checked) yield row;
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
      for (const { gtin, serials } of p.units) for (const serial of serials) units.add(unitKey(gtin, serial));
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
      this.packages.set(sscc, { columns, seq, units, children: new Set(p.childSsccs), checked: false });
    } else {
      if (!pkg) throw new Error('no UNITS_PACKED entry packed it before');
      if (pkg.columns.status === 'UNPACKED') throw new Error(`it was unpacked by entry ${pkg.columns.unpacked_seq}`);
      const at = (columns: Record<string, ColumnValue>) => Object.assign(pkg, { columns: { ...pkg.columns, ...columns }, seq });
      switch (typed.type) {
        case 'UNPACKED':
          // The writer frees every child it holds (its entry names them all: unpackChecked): their rows get its seq.
          at({ status: 'UNPACKED', unpacked_seq: seq });
          break;
        case 'PACKAGE_SHIPPED':
          if (pkg.columns.status !== 'PACKED') throw new Error('it was shipped while in transit');
          at({ status: 'IN_TRANSIT', in_transit_to_id: typed.payload.destinationOrganizationId, shipped_by_id: entry.actor });
          break;
        case 'PACKAGE_RECEIVED':
          if (pkg.columns.in_transit_to_id !== entry.actor) throw new Error(`it was received by ${entry.actor}, not shipped to it`);
          at({ status: 'PACKED', in_transit_to_id: null, shipped_by_id: null });
          this.receivedBy(sscc, entry.actor, seq);
          break;
      }
    }
    this.events.set(packageEventId(sscc, seq), { id: packageEventId(sscc, seq), seq, columns: { type: entry.type } });
  }

  /** The receiver holds the package, every package packed in it now and every unit in those (the writer's TREE). */
  private receivedBy(sscc: string, custodian: string, seq: number): void {
    this.receivers.set(seq, custodian);
    const seen = new Set<string>();
    const stack = [sscc];
    while (stack.length > 0) {
      const at = stack.pop()!;
      const pkg = this.packages.get(at);
      if (!pkg || seen.has(at)) continue;
      seen.add(at);
      pkg.columns = { ...pkg.columns, custodian_id: custodian };
      pkg.seq = seq;
      // An unpacked package holds nothing now: its children's rows are unpacked.
      if (pkg.columns.status === 'UNPACKED') continue;
      for (const key of pkg.units) this.holders.set(key, seq);
      stack.push(...pkg.children);
    }
  }
}

/** A package_unit or package_child row: its package's packing and unpacking. */
function childRow(id: string, pkg: PackageFold): ExpectedRow {
  const { packed_seq, unpacked_seq } = pkg.columns as { packed_seq: number; unpacked_seq: number | null };
  return { id, seq: unpacked_seq ?? packed_seq, columns: { packed_seq, unpacked_seq } };
}

/**
 * Folds the package entries (by seq), then streams each table's rows against what the fold expects:
 * a row that differs, a row the ledger does not make, and an expected row missing are each a
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
  // The packages first: their children's rows are looked up through them, and taken off as compared.
  for (const table of Object.keys(PACKAGE_COLUMNS) as PackageTable[]) {
    for await (const row of rows(table)) {
      const expected = replay.expectedRow(table, row.id);
      tally.compared(packageRowDisagreement(table, expected, row));
      if (expected) replay.compared(table, row.id);
    }
    for (const missing of replay.uncompared(table)) tally.compared(packageRowDisagreement(table, missing, null));
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
