import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';
import { sqlEntryTypes } from '../ledger/entry-types.js';
import { EVENT_STEP_SQL, EVENT_TIME_SQL, IS_EVENT_SQL } from '../scan/scan.repository.js';
import type { LotStory, Verdict } from '../scan/lot-story.js';
import type { KeptStoryRow, StoryLedgerEntry } from './story-audit.js';
import type { UnitIndexPair } from './unit-index-audit.js';
import { PACKAGE_COLUMNS, PACKAGE_ENTRY_TYPES, type PackageTable } from './package-replay.js';
import { BATCH_PROJECTION_TYPES, ColumnValue, ProjectionRow, ProjectionTable, REGISTRATION_TYPES, ReplayEntry } from './projection-replay.js';

/** Rows fetched per round trip from a cursor: what the audit holds of either side at once. */
const FETCH = 2000;

/** The audited columns of each table, in the replay's names (snake_case, as stored). */
const COLUMNS: Record<ProjectionTable, string[]> = {
  organization: ['name', 'kind', 'uscc', 'created_seq', 'gs1_company_prefix'],
  facility: ['organization_id', 'name', 'region', 'gln', 'created_seq'],
  product: [
    'organization_id',
    'name',
    'geographic_indication',
    'gtin',
    'category',
    'storage',
    'min_temp_c',
    'max_temp_c',
    'excursion_tolerance_minutes',
    'max_reading_gap_minutes',
    'created_seq',
  ],
  batch: [
    'status',
    'custodian_id',
    'quantity',
    'unit',
    'in_transit_to_id',
    'in_transit_quantity',
    'shipped_by_id',
    'held',
    'recalled',
    'product_id',
    'origin_facility_id',
    'producer_id',
    'lot_code',
    'trace_code',
    'produced_at',
    'created_seq',
    'reading_count',
  ],
};

/** The member of each registration's payload that names its row. */
const ID_MEMBER: Record<keyof typeof REGISTRATION_TYPES, string> = { organization: 'organizationId', facility: 'facilityId', product: 'productId' };

/** What one snapshot of the database offers the audit: both sides of each table, streamed. */
export interface ProjectionSnapshot {
  ledgerSize: number;
  registrations(table: keyof typeof REGISTRATION_TYPES): AsyncIterable<{ entry: ReplayEntry | null; row: ProjectionRow | null }>;
  batchRows(): AsyncIterable<ProjectionRow>;
  batchEntries(): AsyncIterable<ReplayEntry>;
  /** The kept lot stories, and the entries of their batches, both by batch id. */
  storyRows(): AsyncIterable<KeptStoryRow>;
  storyEntries(): AsyncIterable<StoryLedgerEntry>;
  unitIndexPairs(): AsyncIterable<UnitIndexPair>;
  /** The GS1_COMPANY_PREFIX_SET entries, by seq. */
  prefixSets(): AsyncIterable<ReplayEntry>;
  /** The package entries, by seq, with their whole payloads (the serials packed are the rows' keys). */
  packageEntries(): AsyncIterable<ReplayEntry>;
  /** A package table's rows, by id (package-replay.ts's ids). */
  packageRows(table: PackageTable): AsyncIterable<ProjectionRow>;
}

@Injectable()
export class ProjectionAuditRepository {
  constructor(private readonly db: Database) {}

  /**
   * Runs `work` on one read-only REPEATABLE READ transaction, so the ledger and the tables are read as
   * of the same moment: the writer commits both together, and a write during the audit is seen on
   * neither side. Each side is read through a cursor, FETCH rows at a time.
   */
  async inSnapshot<T>(work: (snapshot: ProjectionSnapshot) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const { rows } = await tx.query<{ seq: string }>('SELECT seq FROM ledger_head WHERE id = 1');
      let cursors = 0;
      const stream = (sql: string) => streamRows(tx, `audit_${++cursors}`, sql);
      return work({
        ledgerSize: Number(rows[0].seq),
        registrations: (table) => mapRows(stream(registrationsSql(table)), toPair(table)),
        batchRows: () => mapRows(stream(`SELECT id, ${COLUMNS.batch.join(', ')} FROM batch ORDER BY id`), (r) => toRow('batch', r)),
        batchEntries: () =>
          mapRows(
            stream(
              // A logger's readings are most of a batch's bytes: only their count is read.
              `SELECT seq, type, actor, batch_id,
                      CASE WHEN type = ${sqlEntryTypes('TEMPERATURES_RECORDED')} THEN NULL ELSE payload END AS payload,
                      CASE WHEN type = ${sqlEntryTypes('TEMPERATURES_RECORDED')} THEN (payload::jsonb ->> 'count')::int END AS reading_count
               FROM ledger_entry WHERE batch_id IS NOT NULL AND type IN (${sqlEntryTypes(...BATCH_PROJECTION_TYPES)})
               ORDER BY batch_id, seq`,
            ),
            toEntry,
          ),
        storyRows: () =>
          mapRows(stream('SELECT batch_id, through_seq, story, verified_seq, verified_hash, verified_entries FROM batch_story ORDER BY batch_id'), (r) => ({
            batchId: r.batch_id as string,
            throughSeq: Number(r.through_seq),
            story: r.story as LotStory,
            verifiedSeq: r.verified_seq === null ? null : Number(r.verified_seq),
            verifiedHash: r.verified_hash as string | null,
            verifiedEntries: r.verified_entries as number | null,
          })),
        storyEntries: () =>
          mapRows(
            stream(
              // Only the batches with a kept story; what the lot's read folds of each event (scan.repository.ts).
              `SELECT l.batch_id, l.seq, l.hash, ${IS_EVENT_SQL} AS event,
                      CASE WHEN ${IS_EVENT_SQL} THEN ${EVENT_STEP_SQL} END AS step,
                      CASE WHEN ${IS_EVENT_SQL} THEN (extract(epoch FROM ${EVENT_TIME_SQL}) * 1000000)::bigint END AS at,
                      CASE WHEN l.type = ${sqlEntryTypes('INSPECTION_RECORDED')} THEN l.payload::jsonb ->> 'verdict' END AS verdict
               FROM ledger_entry l WHERE l.batch_id IN (SELECT batch_id FROM batch_story)
               ORDER BY l.batch_id, l.seq`,
            ),
            (r) => ({
              batchId: r.batch_id as string,
              seq: Number(r.seq),
              hash: r.hash as string,
              event: r.event === true ? { seq: Number(r.seq), step: r.step as string, at: Number(r.at), verdict: (r.verdict as Verdict | null) ?? null } : null,
            }),
          ),
        unitIndexPairs: () =>
          mapRows(stream(UNIT_INDEX_PAIRS_SQL), (r) => ({
            gtin: r.gtin as string,
            serial: r.serial as string,
            seq: Number(r.seq),
            ledger: r.in_ledger ? { sold: r.ledger_sold as boolean } : null,
            table: r.in_table ? { indexed: r.indexed as boolean, sold: r.table_sold as boolean } : null,
            erased: r.erased as boolean,
          })),
        prefixSets: () =>
          mapRows(
            stream(
              `SELECT seq, type, actor, payload FROM ledger_entry WHERE batch_id IS NULL AND type = ${sqlEntryTypes('GS1_COMPANY_PREFIX_SET')} ORDER BY seq`,
            ),
            toEntry,
          ),
        packageEntries: () =>
          mapRows(
            stream(
              `SELECT seq, type, actor, payload FROM ledger_entry WHERE batch_id IS NULL AND type IN (${sqlEntryTypes(...PACKAGE_ENTRY_TYPES)}) ORDER BY seq`,
            ),
            toEntry,
          ),
        packageRows: (table) => mapRows(stream(PACKAGE_ROWS_SQL[table]), (r) => toPackageRow(table, r)),
      });
    });
  }
}

/**
 * Each (unit, entry) an EVENT_RECORDED entry's `serials` names, beside the unit_event and unit_sale rows
 * of that pair, either side possibly missing, ordered by GTIN, serial and entry. The unit's GTIN is its
 * lot's product's (audited with the product table).
 */
const UNIT_INDEX_PAIRS_SQL = `
  SELECT coalesce(e.gtin, k.gtin) AS gtin, coalesce(e.serial, k.serial) AS serial, coalesce(e.seq, k.seq) AS seq,
         e.seq IS NOT NULL AS in_ledger, e.sold AS ledger_sold,
         k.seq IS NOT NULL AS in_table, coalesce(k.indexed, false) AS indexed, coalesce(k.sold, false) AS table_sold,
         e.seq IS NULL AND EXISTS (SELECT 1 FROM ledger_entry x WHERE x.seq = k.seq AND x.payload IS NULL) AS erased
  FROM (SELECT p.gtin::text AS gtin, s.serial COLLATE "C" AS serial, l.seq,
               (l.payload::jsonb ->> 'bizStep') = 'RETAIL_SELLING' AS sold
        FROM ledger_entry l JOIN batch b ON b.id = l.batch_id JOIN product p ON p.id = b.product_id
          CROSS JOIN LATERAL jsonb_array_elements_text(l.payload::jsonb -> 'serials') AS s (serial)
        WHERE l.type = ${sqlEntryTypes('EVENT_RECORDED')} AND l.payload IS NOT NULL AND l.payload::jsonb ? 'serials') e
  FULL JOIN (SELECT lpad(coalesce(ue.gtin, us.gtin)::text, 14, '0') AS gtin, coalesce(ue.serial, us.serial) AS serial,
                    coalesce(ue.entry_seq, us.entry_seq) AS seq, ue.entry_seq IS NOT NULL AS indexed, us.entry_seq IS NOT NULL AS sold
             FROM unit_event ue FULL JOIN unit_sale us ON us.gtin = ue.gtin AND us.serial = ue.serial AND us.entry_seq = ue.entry_seq) k
    ON k.gtin = e.gtin AND k.serial = e.serial AND k.seq = e.seq
  ORDER BY 1, 2, 3`;

/** Each package table's rows, their id as package-replay.ts makes it (GTINs as GTIN-14), in primary key order (the replay looks each up). */
const PACKAGE_ROWS_SQL: Record<PackageTable, string> = {
  package: `SELECT sscc AS id, ${PACKAGE_COLUMNS.package.join(', ')} FROM package ORDER BY sscc`,
  package_unit: `SELECT sscc || '/' || lpad(gtin::text, 14, '0') || '/' || serial AS id, packed_seq, unpacked_seq
                 FROM package_unit ORDER BY sscc, gtin, serial`,
  package_child: `SELECT parent_sscc || '>' || child_sscc AS id, packed_seq, unpacked_seq FROM package_child ORDER BY parent_sscc, child_sscc`,
  package_event: `SELECT sscc || '@' || seq AS id, type FROM package_event ORDER BY sscc, seq`,
  unit_holder: `SELECT lpad(gtin::text, 14, '0') || '/' || serial AS id, custodian_id, since_seq FROM unit_holder ORDER BY gtin, serial`,
};

/** Bigint columns (seqs) as numbers, as the replay writes them. */
function toPackageRow(table: PackageTable, r: Record<string, unknown>): ProjectionRow {
  const columns: Record<string, ColumnValue> = {};
  for (const column of PACKAGE_COLUMNS[table]) {
    const value = r[column];
    columns[column] = column.endsWith('_seq') && value !== null ? Number(value) : (value as ColumnValue);
  }
  return { id: r.id as string, columns };
}

/** Each registration entry of the table beside the row of the id it names, either side possibly missing, by id. */
function registrationsSql(table: keyof typeof REGISTRATION_TYPES): string {
  const columns = COLUMNS[table].map((c) => `t.${c} AS t_${c}`).join(', ');
  return `SELECT l.seq, l.type, l.actor, l.payload, l.id AS entry_id, t.id AS t_id, ${columns}
          FROM (SELECT seq, type, actor, payload, (payload::jsonb ->> '${ID_MEMBER[table]}')::uuid AS id
                FROM ledger_entry WHERE batch_id IS NULL AND type = ${sqlEntryTypes(REGISTRATION_TYPES[table])}) l
            FULL JOIN ${table} t ON t.id = l.id
          ORDER BY coalesce(l.id, t.id), l.seq`;
}

function toPair(table: ProjectionTable) {
  return (r: Record<string, unknown>): { entry: ReplayEntry | null; row: ProjectionRow | null } => ({
    entry: r.seq === null ? null : toEntry(r),
    row: r.t_id === null ? null : toRow(table, r, 't_'),
  });
}

function toEntry(r: Record<string, unknown>): ReplayEntry {
  return {
    seq: Number(r.seq),
    type: r.type as string,
    actor: r.actor as string,
    batchId: (r.batch_id as string | undefined) ?? null,
    payload: r.payload as string | null,
    readingCount: (r.reading_count as number | null | undefined) ?? null,
  };
}

/** A row's audited columns as the replay writes them: times as ISO 8601, bigints as numbers. */
function toRow(table: ProjectionTable, r: Record<string, unknown>, prefix = ''): ProjectionRow {
  const columns: Record<string, ColumnValue> = {};
  for (const column of COLUMNS[table]) {
    const value = r[prefix + column];
    columns[column] = value instanceof Date ? value.toISOString() : column === 'created_seq' ? Number(value) : (value as ColumnValue);
  }
  return { id: r[prefix + 'id'] as string, columns };
}

async function* mapRows<T>(rows: AsyncIterable<Record<string, unknown>>, map: (r: Record<string, unknown>) => T): AsyncIterable<T> {
  for await (const row of rows) yield map(row);
}

/** A cursor over `sql` in the transaction, FETCH rows per round trip (the transaction's end closes it). */
async function* streamRows(tx: Tx, name: string, sql: string): AsyncIterable<Record<string, unknown>> {
  await tx.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`);
  for (;;) {
    const { rows } = await tx.query(`FETCH ${FETCH} FROM ${name}`);
    yield* rows;
    if (rows.length < FETCH) return;
  }
}
