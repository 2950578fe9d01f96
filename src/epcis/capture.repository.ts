import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/database.js';
import type { LotRef } from './epcis-identifiers.js';

/** An event captured before: its content's fingerprint and what it was recorded as. */
export interface PriorCapture {
  hashId: string;
  seqs: number[];
  batchIds: string[];
}

/** A captured event to note: its ids, what it was recorded as, and the event as JSON text. */
export interface NewCapture {
  eventId: string;
  hashId: string;
  seqs: number[];
  batchIds: string[];
  eventJson: string;
}

/** What an EPCIS capture looks up by the names EPCIS uses: lots by GTIN and lot number or trace code, products by GTIN, places and parties by GLN. */
@Injectable()
export class CaptureRepository {
  /** Inside the capture's transaction, so a lot registered earlier in the same document is found. */
  async lotInTx(tx: Tx, ref: LotRef): Promise<{ id: string; unit: string } | null> {
    const { rows } =
      'traceCode' in ref
        ? await tx.query<{ id: string; unit: string }>('SELECT id, unit FROM batch WHERE trace_code = $1', [ref.traceCode])
        : await tx.query<{ id: string; unit: string }>(
            'SELECT b.id, b.unit FROM batch b JOIN product p ON p.id = b.product_id WHERE p.gtin = $1 AND b.lot_code = $2',
            [ref.gtin, ref.lot],
          );
    return rows[0] ?? null;
  }

  async productIdByGtinInTx(tx: Tx, gtin: string): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM product WHERE gtin = $1', [gtin]);
    return rows[0]?.id ?? null;
  }

  /** A GLN's facility, with the organization that has it (a party named by a location of its own). */
  async facilityByGlnInTx(tx: Tx, gln: string): Promise<{ id: string; organizationId: string } | null> {
    const { rows } = await tx.query<{ id: string; organization_id: string }>('SELECT id, organization_id FROM facility WHERE gln = $1', [gln]);
    return rows[0] ? { id: rows[0].id, organizationId: rows[0].organization_id } : null;
  }

  /** The events of `ids` the organization captured before, by id. */
  async priorCapturesInTx(tx: Tx, organizationId: string, ids: string[]): Promise<Map<string, PriorCapture>> {
    const { rows } = await tx.query<{ event_id: string; hash_id: string; seqs: string[]; batch_ids: string[] }>(
      'SELECT event_id, hash_id, seqs, batch_ids FROM epcis_captured_event WHERE organization_id = $1 AND event_id = ANY($2::text[])',
      [organizationId, ids],
    );
    return new Map(rows.map((r) => [r.event_id, { hashId: r.hash_id, seqs: r.seqs.map(Number), batchIds: r.batch_ids }]));
  }

  /**
   * Notes events as captured, in the capture's transaction, each with its JSON text as sent and its
   * document's "@context" (JSON text, null when the document had none); the primary key refuses an id noted twice.
   */
  async recordCapturesInTx(tx: Tx, organizationId: string, documentContextJson: string | null, events: NewCapture[]): Promise<void> {
    if (events.length === 0) return;
    // The texts go as parameters of their own, not inside the jsonb list: jsonb would refuse a "\u0000" they may escape.
    await tx.query(
      `INSERT INTO epcis_captured_event (organization_id, event_id, hash_id, seqs, batch_ids, event_json, document_context_json)
       SELECT $1, e.event_id, e.hash_id, ARRAY(SELECT jsonb_array_elements_text(e.seqs)::bigint), ARRAY(SELECT jsonb_array_elements_text(e.batch_ids)::uuid),
              ($3::text[])[e.n], $4::text
       FROM jsonb_to_recordset($2::jsonb) AS e(n int, event_id text, hash_id text, seqs jsonb, batch_ids jsonb)`,
      [
        organizationId,
        JSON.stringify(events.map((e, i) => ({ n: i + 1, event_id: e.eventId, hash_id: e.hashId, seqs: e.seqs, batch_ids: e.batchIds }))),
        events.map((e) => e.eventJson),
        documentContextJson,
      ],
    );
  }
}
