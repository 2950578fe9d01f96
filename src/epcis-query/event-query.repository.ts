import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { EPCIS_SOURCE_TYPES } from '../exports/epcis.js';
import { sqlEntryTypes } from '../ledger/entry-types.js';
import type { EventQuery } from './event-query.js';

/** Whose entries a query reads: one organization's (the ledger actor), or everyone's (a regulator, the admin). */
export type EntryScope = { organizationId: string } | 'all';

/** An event of a page: its first ledger seq (the page key) and every entry behind it, with the id it was captured under if it was. */
export interface EventUnit {
  firstSeq: number;
  entries: { seq: number; hash: string; batchId: string }[];
  capturedIds: string[];
}

const SOURCE_TYPES = sqlEntryTypes(...EPCIS_SOURCE_TYPES);

/**
 * The first seq of the event an entry belongs to: a captured event's entries are one event, as are a
 * transformation's lines; any other entry is an event of its own. Pages are keyed by it, so an event
 * spread over several entries comes once, on the page of its first entry.
 */
const firstSeqOf = (seq: string) => `coalesce(
  (SELECT min(x) FROM epcis_captured_event c CROSS JOIN LATERAL unnest(c.seqs) x WHERE c.seqs @> ARRAY[${seq}]::bigint[]),
  (SELECT min(t2.seq) FROM transformation_line t1 JOIN transformation_line t2 ON t2.transformation_id = t1.transformation_id WHERE t1.seq = ${seq}),
  ${seq})`;

/** The seqs of the event whose first seq is `first`. */
const seqsOfEvent = (first: string) => `coalesce(
  (SELECT c.seqs FROM epcis_captured_event c WHERE c.seqs @> ARRAY[${first}]::bigint[] LIMIT 1),
  (SELECT array_agg(t2.seq) FROM transformation_line t1 JOIN transformation_line t2 ON t2.transformation_id = t1.transformation_id WHERE t1.seq = ${first}),
  ARRAY[${first}]::bigint[])`;

/** The business step the export writes for an entry (see epcis.ts): a transformation's, a registration's, a logger's, or the event's own. */
const STEP = `CASE WHEN l.payload::jsonb ->> 'transformationId' IS NOT NULL THEN 'transforming'
                   WHEN l.type = 'BATCH_REGISTERED' THEN 'commissioning'
                   WHEN l.type = 'TEMPERATURES_RECORDED' THEN 'sensor_reporting'
                   ELSE lower(l.payload::jsonb ->> 'bizStep') END`;
/** The eventTime the export writes for an entry. */
const EVENT_TIME = `(CASE l.type WHEN 'BATCH_REGISTERED' THEN l.payload::jsonb ->> 'producedAt'
                                 WHEN 'TEMPERATURES_RECORDED' THEN l.payload::jsonb ->> 'to'
                                 ELSE l.payload::jsonb ->> 'eventTime' END)::timestamptz`;

/** The SQL of the EPCIS query interface: filters on ledger entries, pages keyed by each event's first seq. */
@Injectable()
export class EventQueryRepository {
  constructor(private readonly db: Database) {}

  /** Up to `limit` events matching the query after its cursor, in ledger order. */
  async page(scope: EntryScope, query: EventQuery, limit: number): Promise<EventUnit[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [`l.type IN (${SOURCE_TYPES})`, 'l.payload IS NOT NULL', 'l.batch_id IS NOT NULL'];
    if (scope !== 'all') where.push(`l.actor = ${param(scope.organizationId)}`);
    // An event's entries all come at or after its first seq: entries before the cursor cannot start a later event.
    if (query.after !== null) where.push(`l.seq > ${param(query.after)}`);
    if (query.bizSteps) where.push(`${STEP} = ANY(${param(query.bizSteps)}::text[])`);
    if (query.from) where.push(`${EVENT_TIME} >= ${param(query.from)}`);
    if (query.to) where.push(`${EVENT_TIME} < ${param(query.to)}`);
    if (query.lots) {
      const byGtin = query.lots.flatMap((lot) => ('gtin' in lot ? [lot] : []));
      const traceCodes = query.lots.flatMap((lot) => ('traceCode' in lot ? [lot.traceCode] : []));
      where.push(`l.batch_id IN (
        SELECT b.id FROM batch b JOIN product p ON p.id = b.product_id
          JOIN unnest(${param(byGtin.map((l) => l.gtin))}::text[], ${param(byGtin.map((l) => l.lot))}::text[]) AS named(gtin, lot_code)
            ON named.gtin = p.gtin AND named.lot_code = b.lot_code
        UNION ALL SELECT b.id FROM batch b WHERE b.trace_code = ANY(${param(traceCodes)}::text[]))`);
    }
    if (query.locations) {
      const ids = query.locations.flatMap((place) => ('id' in place ? [place.id] : []));
      const glns = query.locations.flatMap((place) => ('gln' in place ? [place.gln] : []));
      // A logger's readings have no bizLocation in the export, so no place finds them.
      where.push(`l.type <> 'TEMPERATURES_RECORDED' AND l.payload::jsonb ->> 'facilityId' IN (
        SELECT f.id::text FROM facility f WHERE f.id = ANY(${param(ids)}::uuid[]) OR f.gln = ANY(${param(glns)}::text[]))`);
    }
    const after = query.after === null ? '' : `WHERE first_seq > ${param(query.after)}`;
    const { rows } = await this.db.query<{ first_seq: string }>(
      `SELECT first_seq FROM (
         SELECT DISTINCT ${firstSeqOf('l.seq')} AS first_seq FROM ledger_entry l WHERE ${where.join(' AND ')}
       ) events ${after}
       ORDER BY first_seq LIMIT ${param(limit)}`,
      params,
    );
    return this.units(rows.map((r) => Number(r.first_seq)));
  }

  /**
   * The event an eventID names, if the scope may read it: a captured event by the eventID it was sent
   * with or its CBV 2.0 hash ID, or the event generated from the entry with this hash.
   */
  async byId(scope: EntryScope, eventID: string, entryHash: string | null): Promise<EventUnit | null> {
    const own = scope === 'all' ? '' : ' AND c.organization_id = $2';
    const ownEntry = scope === 'all' ? '' : ' AND l.actor = $2';
    const scopeParams = scope === 'all' ? [] : [scope.organizationId];
    const { rows: captured } = await this.db.query<{ first_seq: string }>(
      `SELECT min(x) AS first_seq FROM epcis_captured_event c CROSS JOIN LATERAL unnest(c.seqs) x
       WHERE (c.event_id = $1 OR c.hash_id = $1)${own}`,
      [eventID, ...scopeParams],
    );
    let first = captured[0]?.first_seq ?? null;
    if (first === null && entryHash !== null) {
      const { rows } = await this.db.query<{ first_seq: string }>(
        `SELECT ${firstSeqOf('l.seq')} AS first_seq FROM ledger_entry l
         WHERE l.hash = $1 AND l.type IN (${SOURCE_TYPES}) AND l.payload IS NOT NULL AND l.batch_id IS NOT NULL${ownEntry}`,
        [entryHash, ...scopeParams],
      );
      first = rows[0]?.first_seq ?? null;
    }
    return first === null ? null : ((await this.units([Number(first)]))[0] ?? null);
  }

  /** Each event's entries (those the export is made of) and captured ids. */
  private async units(firstSeqs: number[]): Promise<EventUnit[]> {
    if (firstSeqs.length === 0) return [];
    const { rows } = await this.db.query<{ first_seq: string; seq: string; hash: string; batch_id: string; captured_ids: string[] | null }>(
      `SELECT u.first_seq, l.seq, l.hash, l.batch_id,
              (SELECT array_agg(x) FROM epcis_captured_event c CROSS JOIN LATERAL unnest(ARRAY[c.event_id, c.hash_id]) x
               WHERE c.seqs @> ARRAY[u.first_seq]::bigint[]) AS captured_ids
       FROM unnest($1::bigint[]) AS u(first_seq)
         JOIN ledger_entry l ON l.seq = ANY(${seqsOfEvent('u.first_seq')})
       WHERE l.type IN (${SOURCE_TYPES}) AND l.payload IS NOT NULL AND l.batch_id IS NOT NULL
       ORDER BY u.first_seq, l.seq`,
      [firstSeqs],
    );
    const units = new Map<number, EventUnit>(firstSeqs.map((firstSeq) => [firstSeq, { firstSeq, entries: [], capturedIds: [] }]));
    for (const r of rows) {
      const unit = units.get(Number(r.first_seq))!;
      unit.entries.push({ seq: Number(r.seq), hash: r.hash, batchId: r.batch_id });
      unit.capturedIds = r.captured_ids ?? [];
    }
    return [...units.values()].filter((u) => u.entries.length > 0);
  }
}
