import { csvRow, UTF8_BOM } from '../exports/csv.js';
import type { RecallLevel } from './recall-deadlines.js';

/** A lot a till must refuse to sell: in a recall's scope, and of a product with a GTIN a scanner reads. */
export interface BlockedLot {
  gtin: string;
  lot: string;
  productName: string;
  traceCode: string;
  recallId: string;
  level: RecallLevel;
  /** CLOSED once a regulator closed the recall: the lot stays recalled, so it stays blocked. */
  recallStatus: 'OPEN' | 'CLOSED';
  recalledAt: Date;
}

/** No time of its own in it: the same list is the same bytes, so a till polling with If-None-Match gets a 304. */
export interface Blocklist {
  lots: BlockedLot[];
  /** Recalled lots of products without a GTIN: no till can match them by scanning; they are on /recalls. */
  lotsWithoutGtin: number;
}

/**
 * The JSON a point-of-sale system reads: every recalled GTIN + lot (AI 01 + AI 10, as printed on the
 * pack), with the recall that covers it and where its notice is. Serialized units are covered by their
 * lot: a recall is of lots, so a lot's entry blocks every unit of it.
 */
export function blocklistJson(list: Blocklist, publicBaseUrl: string): string {
  return JSON.stringify({
    count: list.lots.length,
    lotsWithoutGtin: list.lotsWithoutGtin,
    lots: list.lots.map((l) => ({
      gtin: l.gtin,
      lot: l.lot,
      productName: l.productName,
      recallId: l.recallId,
      level: l.level,
      recallStatus: l.recallStatus,
      recalledAt: l.recalledAt.toISOString(),
      page: `${publicBaseUrl}/q/${l.traceCode}`,
    })),
  });
}

const CSV_HEADER = ['gtin', 'lot', 'product_name', 'recall_id', 'level', 'recall_status', 'recalled_at', 'page'];

/** The same list as CSV, one lot a row (a spreadsheet-safe CSV: see csvField for a value starting with = + - @). */
export function blocklistCsv(list: Blocklist, publicBaseUrl: string): string {
  const rows = list.lots.map((l) =>
    csvRow([l.gtin, l.lot, l.productName, l.recallId, l.level, l.recallStatus, l.recalledAt.toISOString(), `${publicBaseUrl}/q/${l.traceCode}`]),
  );
  return UTF8_BOM + csvRow(CSV_HEADER) + rows.join('');
}
