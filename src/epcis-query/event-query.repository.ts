import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { EPCIS_SOURCE_TYPES } from '../exports/epcis.js';
import { sqlEntryTypes } from '../ledger/entry-types.js';
import { PACKAGE_ENTRY_TYPES } from './aggregation-export.js';
import type { EventQuery } from './event-query.js';

/** Whose entries a query reads: one organization's (the ledger actor), or everyone's (a regulator, the admin). */
export type EntryScope = { organizationId: string } | 'all';

/** An event of a page: its key (the seq of its first entry the query matched) and every entry behind it, with the ids it was captured under if it was. */
export interface EventUnit {
  key: number;
  /** batchId null: a package's entry (packed, unpacked, shipped, received), not a lot's. */
  entries: { seq: number; hash: string; batchId: string | null }[];
  capturedIds: string[];
}

/**
 * The entries the export's events are made of: its ObjectEvents, TransformationEvents and TransactionEvents; packages'
 * events; and the commissionings of units captured from an EPCIS document (a commissioning made through GraphQL is no
 * event: it is not exported, so the query does not match it: capturedCommissioning).
 */
const SOURCE_TYPES = sqlEntryTypes(...EPCIS_SOURCE_TYPES, 'BUSINESS_TRANSACTIONS_RECORDED', ...PACKAGE_ENTRY_TYPES, 'UNITS_COMMISSIONED');
const PACKING_TYPES = sqlEntryTypes(...PACKAGE_ENTRY_TYPES);
/** An event's entry: of a lot, or a package's (ledger-scoped: no lot). */
const ofEvent = (l: string) => `(${l}.batch_id IS NOT NULL OR ${l}.type IN (${PACKING_TYPES}))`;
const capturedCommissioning = (l: string) =>
  `(${l}.type <> 'UNITS_COMMISSIONED' OR EXISTS (SELECT 1 FROM epcis_captured_event c WHERE c.seqs @> ARRAY[${l}.seq]::bigint[]))`;

/**
 * The seqs of the event the entry `seq` belongs to, when it is one of several: a captured event's entries
 * are one event, as are a transformation's lines. NULL for an entry that is an event of its own.
 */
const siblingSeqsOf = (seq: string) => `coalesce(
  (SELECT c.seqs FROM epcis_captured_event c WHERE c.seqs @> ARRAY[${seq}]::bigint[] LIMIT 1),
  (SELECT array_agg(t2.seq) FROM transformation_line t1 JOIN transformation_line t2 ON t2.transformation_id = t1.transformation_id WHERE t1.seq = ${seq}))`;

/** The business step the export writes for an entry (see epcis.ts): a transformation's, a registration's, a logger's, or the event's own. */
const stepOf = (l: string) => `CASE WHEN ${l}.payload::jsonb ->> 'transformationId' IS NOT NULL THEN 'transforming'
                   WHEN ${l}.type IN ('BATCH_REGISTERED', 'UNITS_COMMISSIONED') THEN 'commissioning'
                   WHEN ${l}.type = 'TEMPERATURES_RECORDED' THEN 'sensor_reporting'
                   WHEN ${l}.type = 'UNITS_PACKED' THEN 'packing'
                   WHEN ${l}.type = 'UNPACKED' THEN 'unpacking'
                   WHEN ${l}.type = 'PACKAGE_SHIPPED' THEN 'shipping'
                   WHEN ${l}.type = 'PACKAGE_RECEIVED' THEN 'receiving'
                   -- A TransactionEvent's step as captured, in any CBV form: its bare word, as cbvWord reads the parameter.
                   WHEN ${l}.type = 'BUSINESS_TRANSACTIONS_RECORDED' THEN lower(regexp_replace(regexp_replace(
                     ${l}.payload::jsonb -> 'details' ->> 'bizStep', '^urn:epcglobal:cbv:[a-z]+:', ''), '^https://ref\\.gs1\\.org/cbv/[A-Za-z]+-', ''))
                   ELSE lower(${l}.payload::jsonb ->> 'bizStep') END`;
/** The eventTime the export writes for an entry. */
const eventTimeOf = (l: string) => `(CASE ${l}.type WHEN 'BATCH_REGISTERED' THEN ${l}.payload::jsonb ->> 'producedAt'
                                 WHEN 'TEMPERATURES_RECORDED' THEN ${l}.payload::jsonb ->> 'to'
                                 WHEN 'UNITS_PACKED' THEN ${l}.recorded_at::text
                                 WHEN 'UNPACKED' THEN ${l}.recorded_at::text
                                 -- A commissioning of units has no time of its own: when it was recorded.
                                 WHEN 'UNITS_COMMISSIONED' THEN ${l}.recorded_at::text
                                 ELSE ${l}.payload::jsonb ->> 'eventTime' END)::timestamptz`;

/**
 * The SQL of the EPCIS query interface. An event is keyed by the first of its entries the query matches
 * (for nearly every event, its only entry), so a page is a scan of matching entries in ledger order from the
 * cursor, stopping after one page: idx_ledger_entry_actor_seq for an organization, the primary key for a
 * regulator. An entry whose event has an earlier matching entry is skipped: that event came with it.
 */
@Injectable()
export class EventQueryRepository {
  constructor(private readonly db: Database) {}

  /** Up to `limit` events matching the query after its cursor, in ledger order. */
  async page(scope: EntryScope, query: EventQuery, limit: number): Promise<EventUnit[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const matches = this.matching(scope, query, param);
    const after = query.after === null ? '' : ` AND l.seq > ${param(query.after)}`;
    const { rows } = await this.db.read<{ seq: string }>(
      `SELECT l.seq FROM ledger_entry l
       WHERE ${matches('l')}${after}
         AND NOT EXISTS (SELECT 1 FROM ledger_entry s WHERE s.seq = ANY(${siblingSeqsOf('l.seq')}) AND s.seq < l.seq AND ${matches('s')})
       ORDER BY l.seq LIMIT ${param(limit)}`,
      params,
    );
    return this.units(rows.map((r) => Number(r.seq)));
  }

  /** The query's conditions on an entry (under alias `l`), sharing one parameter list. */
  private matching(scope: EntryScope, query: EventQuery, param: (value: unknown) => string): (l: string) => string {
    const organization = scope === 'all' ? null : param(scope.organizationId);
    const steps = query.bizSteps && param(query.bizSteps);
    const from = query.from && param(query.from);
    const to = query.to && param(query.to);
    const byGtin = query.lots?.flatMap((lot) => ('gtin' in lot ? [lot] : [])) ?? [];
    const lots = query.lots && {
      gtins: param(byGtin.map((lot) => lot.gtin)),
      lotCodes: param(byGtin.map((lot) => lot.lot)),
      traceCodes: param(query.lots.flatMap((lot) => ('traceCode' in lot ? [lot.traceCode] : []))),
    };
    const places = query.locations && {
      ids: param(query.locations.flatMap((place) => ('id' in place ? [place.id] : []))),
      glns: param(query.locations.flatMap((place) => ('gln' in place ? [place.gln] : []))),
    };
    return (l) => {
      const where = [`${l}.type IN (${SOURCE_TYPES})`, capturedCommissioning(l), `${l}.payload IS NOT NULL`, ofEvent(l)];
      if (organization) where.push(`${l}.actor = ${organization}`);
      if (steps) where.push(`${stepOf(l)} = ANY(${steps}::text[])`);
      if (from) where.push(`${eventTimeOf(l)} >= ${from}`);
      if (to) where.push(`${eventTimeOf(l)} < ${to}`);
      if (lots)
        where.push(`${l}.batch_id IN (
          SELECT b.id FROM batch b JOIN product p ON p.id = b.product_id
            JOIN unnest(${lots.gtins}::text[], ${lots.lotCodes}::text[]) AS named(gtin, lot_code) ON named.gtin = p.gtin AND named.lot_code = b.lot_code
          UNION ALL SELECT b.id FROM batch b WHERE b.trace_code = ANY(${lots.traceCodes}::text[]))`);
      // A logger's readings have no bizLocation in the export, so no place finds them.
      if (places)
        where.push(`${l}.type <> 'TEMPERATURES_RECORDED' AND ${l}.payload::jsonb ->> 'facilityId' IN (
          SELECT f.id::text FROM facility f WHERE f.id = ANY(${places.ids}::uuid[]) OR f.gln = ANY(${places.glns}::text[]))`);
      return where.join(' AND ');
    };
  }

  /**
   * The event an eventID names, if the scope may read it: a captured event by the eventID it was sent
   * with or its CBV 2.0 hash ID, or the event generated from the entry with this hash.
   */
  async byId(scope: EntryScope, eventID: string, entryHash: string | null): Promise<EventUnit | null> {
    const own = scope === 'all' ? '' : ' AND c.organization_id = $2';
    const ownEntry = scope === 'all' ? '' : ' AND l.actor = $2';
    const scopeParams = scope === 'all' ? [] : [scope.organizationId];
    const { rows: captured } = await this.db.read<{ seq: string }>(
      `SELECT c.seqs[1] AS seq FROM epcis_captured_event c WHERE (c.event_id = $1 OR c.hash_id = $1)${own} LIMIT 1`,
      [eventID, ...scopeParams],
    );
    let seq = captured[0]?.seq ?? null;
    if (seq === null && entryHash !== null) {
      const { rows } = await this.db.read<{ seq: string }>(
        `SELECT l.seq FROM ledger_entry l
         WHERE l.hash = $1 AND l.type IN (${SOURCE_TYPES}) AND ${capturedCommissioning('l')} AND l.payload IS NOT NULL AND ${ofEvent('l')}${ownEntry}`,
        [entryHash, ...scopeParams],
      );
      seq = rows[0]?.seq ?? null;
    }
    return seq === null ? null : ((await this.units([Number(seq)]))[0] ?? null);
  }

  /** The whole event each of these entries belongs to (its entries the export is made of, and its captured ids), keyed by that entry. */
  private async units(keys: number[]): Promise<EventUnit[]> {
    if (keys.length === 0) return [];
    const { rows } = await this.db.read<{ key: string; seq: string; hash: string; batch_id: string | null; captured_ids: string[] | null }>(
      `SELECT u.key, l.seq, l.hash, l.batch_id,
              (SELECT array_agg(x) FROM epcis_captured_event c CROSS JOIN LATERAL unnest(ARRAY[c.event_id, c.hash_id]) x
               WHERE c.seqs @> ARRAY[u.key]::bigint[]) AS captured_ids
       FROM unnest($1::bigint[]) AS u(key)
         JOIN ledger_entry l ON l.seq = ANY(coalesce(${siblingSeqsOf('u.key')}, ARRAY[u.key]))
       WHERE l.type IN (${SOURCE_TYPES}) AND l.payload IS NOT NULL AND ${ofEvent('l')}
       ORDER BY u.key, l.seq`,
      [keys],
    );
    const units = new Map<number, EventUnit>(keys.map((key) => [key, { key, entries: [], capturedIds: [] }]));
    for (const r of rows) {
      const unit = units.get(Number(r.key))!;
      unit.entries.push({ seq: Number(r.seq), hash: r.hash, batchId: r.batch_id });
      unit.capturedIds = r.captured_ids ?? [];
    }
    return [...units.values()].filter((u) => u.entries.length > 0);
  }
}
