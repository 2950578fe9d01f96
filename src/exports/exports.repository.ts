import { Injectable } from '@nestjs/common';
import { batchColumns, rowToBatch } from '../batches/batch-row.js';
import { Database } from '../database/database.js';
import { LOT_EVENT_TYPES, sqlEntryTypes, typedEntry } from '../ledger/entry-types.js';
import { type CapturedOriginal, EPCIS_SOURCE_TYPES, type EpcisSource } from './epcis.js';
import type { ExportedDeclaration } from './error-declarations.js';
import type { TransactionSource } from './transaction-events.js';

export interface Party {
  name: string;
  uscc: string | null;
}

/** One row of the FSMA 204 sortable spreadsheet: an event of a lot, with its key data elements. */
export interface TraceabilityRow {
  traceabilityLotCode: string;
  productDescription: string;
  quantity: number | null;
  unit: string;
  eventType: string;
  eventDate: Date;
  location: string | null;
  traceabilityLotCodeSource: string | null;
  referenceDocumentType: string | null;
  referenceDocumentNumber: string | null;
  /** Organizations by name, each with its 统一社会信用代码 when it has one. */
  immediatePreviousSource: Party | null;
  immediateSubsequentRecipient: Party | null;
  recordedBy: Party | null;
  ledgerSeq: number;
  entryHash: string;
  /** Set when the event was declared erroneous (EPCIS errorDeclaration): its reason ('' without one) and corrective event ids. */
  declaredErroneous: { reason: string; correctiveEventIDs: string[] } | null;
}

const ROWS_SQL = `
  SELECT b.lot_code, p.name AS product,
         coalesce((j.p ->> 'quantity')::float8, CASE WHEN l.type = ${sqlEntryTypes('BATCH_REGISTERED')} THEN b.quantity END) AS quantity,
         coalesce(j.p ->> 'unit', b.unit) AS unit,
         CASE l.type WHEN ${sqlEntryTypes('BATCH_REGISTERED')} THEN 'COMMISSIONING'
                     WHEN ${sqlEntryTypes('INSPECTION_RECORDED')} THEN 'INSPECTING'
                     ELSE j.p ->> 'bizStep' END AS event_type,
         coalesce((j.p ->> 'eventTime')::timestamptz, (j.p ->> 'producedAt')::timestamptz, l.recorded_at) AS event_date,
         nullif(concat_ws(', ', f.name, f.region), '') AS location,
         nullif(concat_ws(', ', origin.name, origin.region), '') AS tlc_source,
         j.p -> 'details' ->> 'referenceDocumentType' AS document_type,
         j.p -> 'details' ->> 'referenceDocumentNumber' AS document_number,
         previous.name AS previous_source, previous.uscc AS previous_uscc,
         recipient.name AS subsequent_recipient, recipient.uscc AS recipient_uscc,
         actor.name AS recorded_by, actor.uscc AS recorded_by_uscc,
         l.seq, l.hash, dec.payload AS declaration
  FROM ledger_entry l
    CROSS JOIN LATERAL (SELECT l.payload::jsonb AS p) j
    JOIN batch b ON b.id = l.batch_id
    JOIN product p ON p.id = b.product_id
    JOIN facility origin ON origin.id = b.origin_facility_id
    LEFT JOIN facility f ON f.id = (j.p ->> 'facilityId')::uuid
    LEFT JOIN organization previous ON previous.id::text = j.p ->> 'immediatePreviousSource'
    LEFT JOIN organization recipient ON recipient.id::text = j.p ->> 'destinationOrganizationId'
    LEFT JOIN organization actor ON actor.id::text = l.actor
    -- The declaration naming this entry, on its own chain (idx_ledger_entry_error_declaration: nearly always no row).
    LEFT JOIN LATERAL (
      SELECT d.payload::jsonb AS payload FROM ledger_entry d
      WHERE d.batch_id = l.batch_id AND d.type = ${sqlEntryTypes('EVENT_DECLARED_ERRONEOUS')} AND d.payload IS NOT NULL
        AND d.payload::jsonb -> 'erroneousSeqs' @> to_jsonb(l.seq)
      ORDER BY d.seq LIMIT 1) dec ON true
  WHERE l.type IN (${sqlEntryTypes(...LOT_EVENT_TYPES)}) AND l.payload IS NOT NULL`;

@Injectable()
export class ExportsRepository {
  constructor(private readonly db: Database) {}

  /** The batches of a product with an event between two dates: what a date-range EPCIS export covers. */
  async batchIdsOfProductBetween(productId: string, from: Date, to: Date): Promise<string[]> {
    const { rows } = await this.db.read<{ batch_id: string }>(
      `SELECT DISTINCT l.batch_id FROM ledger_entry l JOIN batch b ON b.id = l.batch_id
       WHERE b.product_id = $1 AND l.payload IS NOT NULL
         AND coalesce((l.payload::jsonb ->> 'eventTime')::timestamptz, (l.payload::jsonb ->> 'producedAt')::timestamptz, l.recorded_at) >= $2
         AND coalesce((l.payload::jsonb ->> 'eventTime')::timestamptz, (l.payload::jsonb ->> 'producedAt')::timestamptz, l.recorded_at) < $3`,
      [productId, from, to],
    );
    return rows.map((r) => r.batch_id);
  }

  /** The ledger entries behind the EPCIS events of these batches (only those seqs, when given), in ledger order, each with its lot. */
  async epcisSources(batchIds: string[], onlySeqs: number[] | null = null): Promise<EpcisSource[]> {
    const [{ rows: entries }, { rows: batches }] = await Promise.all([
      this.db.read(
        `SELECT l.seq, l.hash, l.type, l.batch_id, l.payload, f.gln AS facility_gln FROM ledger_entry l
           LEFT JOIN facility f ON f.id = (l.payload::jsonb ->> 'facilityId')::uuid
         WHERE l.batch_id = ANY($1::uuid[]) AND l.payload IS NOT NULL AND l.type IN (${sqlEntryTypes(...EPCIS_SOURCE_TYPES)})
           AND ($2::bigint[] IS NULL OR l.seq = ANY($2::bigint[]))
         ORDER BY l.seq`,
        [batchIds, onlySeqs],
      ),
      this.db.read(`SELECT ${batchColumns('b')}, p.gtin FROM batch b JOIN product p ON p.id = b.product_id WHERE b.id = ANY($1::uuid[])`, [batchIds]),
    ]);
    const lots = new Map(
      batches.map((r) => {
        const batch = rowToBatch(r);
        return [batch.id, { lotCode: batch.lotCode, traceCode: batch.traceCode, gtin: (r.gtin as string | null) ?? null, unit: batch.unit }];
      }),
    );
    return entries.map((r) => ({
      seq: Number(r.seq),
      hash: r.hash as string,
      ...typedEntry(EPCIS_SOURCE_TYPES, { type: r.type as string, payload: r.payload as string }),
      batchId: r.batch_id as string,
      lot: lots.get(r.batch_id as string)!,
      facilityGln: (r.facility_gln as string | null) ?? null,
    }));
  }

  /** The seqs of these batches' UNITS_COMMISSIONED entries (only those seqs, when given): a commissioning captured from EPCIS is given back as sent. */
  async commissioningSeqs(batchIds: string[], onlySeqs: number[] | null = null): Promise<number[]> {
    const { rows } = await this.db.read<{ seq: string }>(
      `SELECT seq FROM ledger_entry WHERE batch_id = ANY($1::uuid[]) AND type = ${sqlEntryTypes('UNITS_COMMISSIONED')}
         AND ($2::bigint[] IS NULL OR seq = ANY($2::bigint[])) ORDER BY seq`,
      [batchIds, onlySeqs],
    );
    return rows.map((r) => Number(r.seq));
  }

  /**
   * The captured events, kept as they were sent, that any of these ledger entries came from (captures
   * from before events were kept have none). By seqs, not by caller: whoever asks applies its read rules
   * to the entries first.
   */
  async capturedOriginals(seqs: number[]): Promise<CapturedOriginal[]> {
    if (seqs.length === 0) return [];
    const { rows } = await this.db.read<{ event_id: string; hash_id: string; seqs: string[]; event_json: string; document_context_json: string | null }>(
      `SELECT event_id, hash_id, seqs, event_json, document_context_json FROM epcis_captured_event
       WHERE seqs && $1::bigint[] AND event_json IS NOT NULL`,
      [seqs],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      hashId: r.hash_id,
      seqs: r.seqs.map(Number),
      event: JSON.parse(r.event_json) as Record<string, unknown>,
      context: r.document_context_json === null ? undefined : (JSON.parse(r.document_context_json) as unknown),
    }));
  }

  /** The EPCIS error declarations on these batches' chains (EVENT_DECLARED_ERRONEOUS entries), in ledger order. */
  async errorDeclarations(batchIds: string[]): Promise<ExportedDeclaration[]> {
    const { rows } = await this.db.read<{ payload: string }>(
      `SELECT payload FROM ledger_entry
       WHERE batch_id = ANY($1::uuid[]) AND type = ${sqlEntryTypes('EVENT_DECLARED_ERRONEOUS')} AND payload IS NOT NULL ORDER BY seq`,
      [batchIds],
    );
    return rows.map((r) => JSON.parse(r.payload) as ExportedDeclaration);
  }

  /** The lots' links to business transactions (BUSINESS_TRANSACTIONS_RECORDED entries), each with its lot, in ledger order. */
  async transactionSources(batchIds: string[]): Promise<TransactionSource[]> {
    const { rows } = await this.db.read(
      `SELECT l.seq, l.hash, l.payload, b.lot_code, b.trace_code, b.unit, p.gtin
       FROM ledger_entry l JOIN batch b ON b.id = l.batch_id JOIN product p ON p.id = b.product_id
       WHERE l.batch_id = ANY($1::uuid[]) AND l.type = ${sqlEntryTypes('BUSINESS_TRANSACTIONS_RECORDED')} AND l.payload IS NOT NULL ORDER BY l.seq`,
      [batchIds],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      hash: r.hash as string,
      payload: JSON.parse(r.payload as string) as TransactionSource['payload'],
      lot: { lotCode: r.lot_code as string, traceCode: r.trace_code as string, gtin: (r.gtin as string | null) ?? null, unit: r.unit as string },
    }));
  }

  async rowsForBatches(batchIds: string[]): Promise<TraceabilityRow[]> {
    return this.rows(`${ROWS_SQL} AND l.batch_id = ANY($1::uuid[]) ORDER BY b.lot_code, l.seq`, [batchIds]);
  }

  async rowsForProduct(productId: string, from: Date, to: Date): Promise<TraceabilityRow[]> {
    return this.rows(`SELECT * FROM (${ROWS_SQL} AND b.product_id = $1) r WHERE r.event_date >= $2 AND r.event_date < $3 ORDER BY r.lot_code, r.seq`, [
      productId,
      from,
      to,
    ]);
  }

  private async rows(sql: string, params: unknown[]): Promise<TraceabilityRow[]> {
    const { rows } = await this.db.read<Record<string, unknown>>(sql, params);
    const party = (name: unknown, uscc: unknown): Party | null => (name ? { name: name as string, uscc: (uscc as string | null) ?? null } : null);
    return rows.map((r) => ({
      traceabilityLotCode: r.lot_code as string,
      productDescription: r.product as string,
      quantity: (r.quantity as number | null) ?? null,
      unit: r.unit as string,
      eventType: r.event_type as string,
      eventDate: r.event_date as Date,
      location: (r.location as string | null) ?? null,
      traceabilityLotCodeSource: (r.tlc_source as string | null) ?? null,
      referenceDocumentType: (r.document_type as string | null) ?? null,
      referenceDocumentNumber: (r.document_number as string | null) ?? null,
      immediatePreviousSource: party(r.previous_source, r.previous_uscc),
      immediateSubsequentRecipient: party(r.subsequent_recipient, r.recipient_uscc),
      recordedBy: party(r.recorded_by, r.recorded_by_uscc),
      ledgerSeq: Number(r.seq),
      entryHash: r.hash as string,
      declaredErroneous: declarationOf(r.declaration as { reason?: string; correctiveEventIDs?: string[] } | null),
    }));
  }
}

function declarationOf(payload: { reason?: string; correctiveEventIDs?: string[] } | null): TraceabilityRow['declaredErroneous'] {
  return payload === null ? null : { reason: payload.reason ?? '', correctiveEventIDs: payload.correctiveEventIDs ?? [] };
}
