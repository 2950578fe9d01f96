import type { BatchStatus } from '../batches/batch-status.js';
import { DomainError } from '../common/domain-error.js';
import { applyCustody, consume, CustodyState, hold, recall, release } from '../events/custody.js';
import { EntryType, typedEntry } from '../ledger/entry-types.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';

/**
 * The projection tables rebuilt from the ledger, the truth they are written alongside. Pure: entries
 * and rows come in as (async) iterables, in the orders the repository reads them, so a ledger of
 * millions of entries is folded one entry at a time and never held whole.
 *
 * Not replayed: `unit` and `unit_commissioning`, which hold serials the ledger commits to only by their
 * Merkle root (a unit's proof checks each against it), so there is nothing to replay them from. The units'
 * event index (unit_event, unit_sale) is audited against the entries' `serials` (unit-index-audit.ts).
 */

export type ColumnValue = string | number | boolean | null;
/** The package tables, audited by package-replay.ts. */
export type PackageTable = 'package' | 'package_unit' | 'package_child' | 'package_event' | 'unit_holder';

/** The tables audited row by row here. */
export type ProjectionTable = 'organization' | 'facility' | 'product' | 'batch';

/** A row of a projection table as stored: its id and the audited columns, by column name. */
export interface ProjectionRow {
  id: string;
  columns: Record<string, ColumnValue>;
}

/** A row as the ledger says it should be, and the newest entry it comes from. */
export interface ExpectedRow extends ProjectionRow {
  seq: number;
}

/** A ledger entry as the replay reads it. `payload` null: erased (or not read); `readingCount` for TEMPERATURES_RECORDED. */
export interface ReplayEntry {
  seq: number;
  type: string;
  actor: string;
  batchId: string | null;
  payload: string | null;
  readingCount?: number | null;
}

/** One row that disagrees with the ledger: which, where, both values, and the entry the ledger's value comes from. */
export interface Disagreement {
  /**
   * A projection table, batch_story (the kept lot stories: story-audit.ts), the units' event index
   * (unit-index-audit.ts), or a package table (package-replay.ts).
   */
  table: ProjectionTable | 'batch_story' | 'unit_event' | 'unit_sale' | PackageTable;
  id: string;
  /** null: the whole row (missing from the table, or with no entry in the ledger) */
  column: string | null;
  ledgerValue: ColumnValue;
  tableValue: ColumnValue;
  seq: number | null;
  reason: string;
}

export interface ProjectionAuditSummary {
  clean: boolean;
  /** Rows compared (either side present). */
  rowsChecked: number;
  /** Rows that disagree with the ledger. */
  disagreements: number;
  /** Rows the ledger cannot speak for (an erased payload). */
  uncheckedRows: number;
  /** The first disagreeing row in audit order: organizations, facilities, products, batches, each by id. */
  firstDisagreement: Disagreement | null;
}

/** The batch entry types that change what the batch table holds; the others leave it as it was. */
export const BATCH_PROJECTION_TYPES = [
  'BATCH_REGISTERED',
  'EVENT_RECORDED',
  'INSPECTION_RECORDED',
  'BATCH_HELD',
  'BATCH_RELEASED',
  'RECALLING',
  'TEMPERATURES_RECORDED',
] as const satisfies readonly EntryType[];

/** The registration entry each ledger-scope table is projected from. */
export const REGISTRATION_TYPES = {
  organization: 'ORGANIZATION_REGISTERED',
  facility: 'FACILITY_REGISTERED',
  product: 'PRODUCT_REGISTERED',
} as const satisfies Record<Exclude<ProjectionTable, 'batch'>, EntryType>;

/** The row a registration entry makes, with the columns the page and the custody rules read. */
export function registeredRow(table: Exclude<ProjectionTable, 'batch'>, entry: ReplayEntry): ExpectedRow {
  const created_seq = entry.seq;
  const typed = typedEntry([REGISTRATION_TYPES[table]], { type: entry.type, payload: entry.payload! });
  switch (typed.type) {
    case 'ORGANIZATION_REGISTERED': {
      const p = typed.payload;
      const columns = { name: p.name, kind: p.kind, uscc: p.uscc ?? null, created_seq, gs1_company_prefix: p.gs1CompanyPrefix ?? null };
      return { id: p.organizationId, seq: entry.seq, columns };
    }
    case 'FACILITY_REGISTERED': {
      const p = typed.payload;
      const columns = { organization_id: entry.actor, name: p.name, region: p.region ?? null, gln: p.gln ?? null, created_seq };
      return { id: p.facilityId, seq: entry.seq, columns };
    }
    case 'PRODUCT_REGISTERED': {
      const p = typed.payload;
      const columns = {
        organization_id: entry.actor,
        name: p.name,
        geographic_indication: p.geographicIndication ?? null,
        gtin: p.gtin ?? null,
        category: p.category,
        storage: p.storage,
        min_temp_c: p.minTempC ?? null,
        max_temp_c: p.maxTempC ?? null,
        excursion_tolerance_minutes: p.excursionToleranceMinutes,
        max_reading_gap_minutes: p.maxReadingGapMinutes,
        created_seq,
      };
      return { id: p.productId, seq: entry.seq, columns };
    }
  }
}

/** A batch as its entries leave it: custody (the rules' state), what registration fixed, and the readings counted. */
interface BatchFold {
  id: string;
  custody: CustodyState;
  registered: Record<string, ColumnValue>;
  readingCount: number;
  seq: number;
}

/**
 * Folds one batch's entries, oldest first, with the writer's own rules (events/custody.ts): what the
 * batch table should hold once they are applied. An entry the rules refuse, or one that cannot be read,
 * ends the fold with a problem: the ledger itself then needs a look, and the row cannot be checked.
 */
export class BatchReplay {
  private fold: BatchFold | null = null;
  private problem: { seq: number; reason: string } | null = null;
  private erased = false;

  constructor(
    readonly batchId: string,
    private readonly kindOf: (organizationId: string) => OrganizationKind | undefined,
  ) {}

  apply(entry: ReplayEntry): void {
    if (this.problem || this.erased) return;
    // A logger's readings come as their count alone (the repository leaves their payload behind).
    if (entry.type === 'TEMPERATURES_RECORDED' ? entry.readingCount == null : entry.payload === null) {
      this.erased = true;
      return;
    }
    try {
      this.fold = this.next(entry);
    } catch (err) {
      const reason = err instanceof DomainError ? `the custody rules refuse it: ${err.message}` : (err as Error).message;
      this.problem = { seq: entry.seq, reason: `entry ${entry.seq} (${entry.type}): ${reason}` };
    }
  }

  /** The row the entries make; unchecked when an entry's payload was erased; a problem when the fold stopped. */
  result(): { expected: ExpectedRow | null; unchecked: boolean; problem: { seq: number; reason: string } | null } {
    if (this.erased) return { expected: null, unchecked: true, problem: null };
    if (this.problem || !this.fold) return { expected: null, unchecked: false, problem: this.problem ?? { seq: 0, reason: 'no BATCH_REGISTERED entry' } };
    const { custody: c, registered, readingCount, seq } = this.fold;
    const columns = {
      status: c.status,
      custodian_id: c.custodianId,
      quantity: c.quantity,
      unit: c.unit,
      in_transit_to_id: c.inTransitToId,
      in_transit_quantity: c.inTransitQuantity,
      shipped_by_id: c.shippedById,
      held: c.held,
      recalled: c.recalled,
      ...registered,
      reading_count: readingCount,
    };
    return { expected: { id: this.batchId, seq, columns }, unchecked: false, problem: null };
  }

  private next(entry: ReplayEntry): BatchFold {
    const fold = this.fold;
    if (entry.type === 'BATCH_REGISTERED') {
      if (fold) throw new Error('a second BATCH_REGISTERED entry for the batch');
      return this.registered(entry);
    }
    if (!fold) throw new Error('an entry before the batch was registered');
    const at = (custody: CustodyState): BatchFold => ({ ...fold, custody, seq: entry.seq });
    if (entry.type === 'TEMPERATURES_RECORDED') return { ...fold, readingCount: fold.readingCount + (entry.readingCount ?? 0), seq: entry.seq };
    const typed = typedEntry(['EVENT_RECORDED', 'INSPECTION_RECORDED', 'BATCH_HELD', 'BATCH_RELEASED', 'RECALLING'], {
      type: entry.type,
      payload: entry.payload!,
    });
    switch (typed.type) {
      case 'EVENT_RECORDED': {
        const p = typed.payload;
        if (p.bizStep === 'TRANSFORMING') return at(consume(fold.custody, p.quantity ?? 0));
        // A sale by the holder of the units it names changes nothing of the lot (sellHeldUnits).
        if (p.byUnitHolder) return at(fold.custody);
        const kind = this.kindOf(entry.actor);
        if (!kind) throw new Error(`recorded by ${entry.actor}, which no ORGANIZATION_REGISTERED entry names`);
        const event = { bizStep: p.bizStep, quantity: p.quantity ?? null, destinationOrganizationId: p.destinationOrganizationId ?? null };
        return at(applyCustody(fold.custody, event, { organizationId: entry.actor, kind }).next);
      }
      case 'INSPECTION_RECORDED':
        // A FAIL holds the inspected batch (its own entry says so); BATCH_HELD holds the batches made from it.
        return typed.payload.verdict === 'FAIL' && !fold.custody.held ? at(hold(fold.custody)) : at(fold.custody);
      case 'BATCH_HELD':
        return at(hold(fold.custody));
      case 'BATCH_RELEASED':
        return at(release(fold.custody));
      case 'RECALLING':
        return at(recall(fold.custody));
    }
  }

  /** A registered batch (by its producer, or made by a transformation) is ACTIVE in its registrant's custody. */
  private registered(entry: ReplayEntry): BatchFold {
    const { payload: p } = typedEntry(['BATCH_REGISTERED'], { type: entry.type, payload: entry.payload! });
    if (p.batchId !== this.batchId) throw new Error(`its payload names batch ${p.batchId}`);
    const status: BatchStatus = 'ACTIVE';
    return {
      id: p.batchId,
      custody: {
        id: p.batchId,
        custodianId: entry.actor,
        status,
        quantity: p.quantity,
        unit: p.unit,
        inTransitToId: null,
        inTransitQuantity: null,
        shippedById: null,
        held: false,
        recalled: false,
      },
      registered: {
        product_id: p.productId,
        origin_facility_id: p.facilityId,
        producer_id: entry.actor,
        lot_code: p.lotCode,
        trace_code: p.traceCode,
        produced_at: p.producedAt,
        created_seq: entry.seq,
      },
      readingCount: 0,
      seq: entry.seq,
    };
  }
}

/** The first column (in the expected row's order) whose table value is not the ledger's; null when the row agrees. */
export function compareRow(table: ProjectionTable, expected: ExpectedRow | null, actual: ProjectionRow | null): Disagreement | null {
  if (expected && !actual) {
    return {
      table,
      id: expected.id,
      column: null,
      ledgerValue: null,
      tableValue: null,
      seq: expected.seq,
      reason: `${table} ${expected.id} is in the ledger but not in its table`,
    };
  }
  if (!expected && actual) {
    return {
      table,
      id: actual.id,
      column: null,
      ledgerValue: null,
      tableValue: null,
      seq: null,
      reason: `${table} ${actual.id} is in its table but no ledger entry registers it`,
    };
  }
  if (!expected || !actual) return null;
  for (const [column, ledgerValue] of Object.entries(expected.columns)) {
    const tableValue = actual.columns[column] ?? null;
    if (!Object.is(ledgerValue, tableValue) && ledgerValue !== tableValue) {
      const reason = `${table} ${expected.id} ${column}: the ledger says ${shown(ledgerValue)} (entry ${expected.seq}), the table says ${shown(tableValue)}`;
      return { table, id: expected.id, column, ledgerValue, tableValue, seq: expected.seq, reason };
    }
  }
  return null;
}

function shown(value: ColumnValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Counts the rows compared and keeps the first that disagrees. */
export class AuditTally {
  private rows = 0;
  private disagreeing = 0;
  private unchecked = 0;
  private first: Disagreement | null = null;

  compared(found: Disagreement | null): void {
    this.rows++;
    if (!found) return;
    this.disagreeing++;
    this.first ??= found;
  }

  skipped(): void {
    this.unchecked++;
  }

  summary(): ProjectionAuditSummary {
    return {
      clean: this.disagreeing === 0,
      rowsChecked: this.rows,
      disagreements: this.disagreeing,
      uncheckedRows: this.unchecked,
      firstDisagreement: this.first,
    };
  }
}

/**
 * A ledger-scope table: each registration entry paired with the table row of the id it names (either
 * may be missing), ordered by id. `registered` sees each row as the ledger has it (the organizations'
 * kinds are what the batch replay's custody rules need). `amend` applies what later entries change of
 * the row (an organization's GS1 company prefix: gs1PrefixAmend); null when one of them was erased.
 */
export async function auditRegistrations(
  table: Exclude<ProjectionTable, 'batch'>,
  pairs: AsyncIterable<{ entry: ReplayEntry | null; row: ProjectionRow | null }>,
  tally: AuditTally,
  registered: (expected: ExpectedRow) => void = () => {},
  amend: (expected: ExpectedRow) => ExpectedRow | null = (expected) => expected,
): Promise<void> {
  for await (const { entry, row } of pairs) {
    const expected = entry && entry.payload !== null ? amend(registeredRow(table, entry)) : null;
    if (entry && !expected) {
      tally.skipped();
      continue;
    }
    if (expected) registered(expected);
    tally.compared(compareRow(table, expected, row));
  }
}

/**
 * The batch table against its batches' entries: both ordered by batch id (entries then by seq), merged
 * as they stream, one batch folded at a time.
 */
export async function auditBatches(
  rows: AsyncIterable<ProjectionRow>,
  entries: AsyncIterable<ReplayEntry>,
  kindOf: (organizationId: string) => OrganizationKind | undefined,
  tally: AuditTally,
): Promise<void> {
  const rowIt = rows[Symbol.asyncIterator]();
  const entryIt = entries[Symbol.asyncIterator]();
  let row = await nextOf(rowIt);
  let entry = await nextOf(entryIt);
  while (row || entry) {
    const id = !row ? entry!.batchId! : !entry ? row.id : entry.batchId! < row.id ? entry.batchId! : row.id;
    const replay = new BatchReplay(id, kindOf);
    while (entry && entry.batchId === id) {
      replay.apply(entry);
      entry = await nextOf(entryIt);
    }
    const actual = row && row.id === id ? row : null;
    if (actual) row = await nextOf(rowIt);
    const { expected, unchecked, problem } = replay.result();
    if (unchecked) tally.skipped();
    else if (problem) {
      tally.compared({
        table: 'batch',
        id,
        column: null,
        ledgerValue: null,
        tableValue: null,
        seq: problem.seq || null,
        reason: `batch ${id}: ${problem.reason}`,
      });
    } else tally.compared(compareRow('batch', expected, actual));
  }
}

async function nextOf<T>(it: AsyncIterator<T>): Promise<T | null> {
  const step = await it.next();
  return step.done ? null : step.value;
}

/**
 * The GS1_COMPANY_PREFIX_SET entries (by seq) folded: each organization's newest prefix, which replaces
 * the one its registration gave; an erased one leaves the organization unchecked.
 */
export async function gs1PrefixAmend(entries: AsyncIterable<ReplayEntry>): Promise<(expected: ExpectedRow) => ExpectedRow | null> {
  const newest = new Map<string, { prefix: string; seq: number }>();
  let erased = false;
  for await (const entry of entries) {
    if (entry.payload === null) {
      // Which organization an erased entry named is unknown: none of them can be checked.
      erased = true;
      continue;
    }
    const { payload: p } = typedEntry(['GS1_COMPANY_PREFIX_SET'], { type: entry.type, payload: entry.payload });
    newest.set(p.organizationId, { prefix: p.gs1CompanyPrefix, seq: entry.seq });
  }
  return (expected) => {
    const set = newest.get(expected.id);
    if (erased) return null;
    return set ? { ...expected, seq: set.seq, columns: { ...expected.columns, gs1_company_prefix: set.prefix } } : expected;
  };
}
