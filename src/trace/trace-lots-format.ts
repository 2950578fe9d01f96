import { csvRow, UTF8_BOM } from '../exports/csv.js';
import type { TraceLotRow } from './trace.repository.js';

/** How a whole trace is streamed: CSV for spreadsheets, NDJSON (one JSON object a line) for programs. */
export type TraceLotsFormat = 'csv' | 'ndjson';

export interface TraceLotLine {
  depth: number;
  lot: TraceLotRow;
  /** The lots of the trace this one was made from (downstream) or went into (upstream). */
  linkedTo: string[];
}

const CSV_HEADER = [
  'depth',
  'batch_id',
  'lot_code',
  'trace_code',
  'product',
  'gtin',
  'status',
  'quantity',
  'unit',
  'produced_at',
  'producer',
  'custodian',
  'held',
  'recalled',
  'linked_batch_ids',
];

/** What the stream starts with: the CSV header (after a byte-order mark, for spreadsheets); nothing for NDJSON. */
export function traceLotsHead(format: TraceLotsFormat): string {
  return format === 'csv' ? UTF8_BOM + csvRow(CSV_HEADER) : '';
}

/** Lines of the stream for a chunk of lots. */
export function traceLotsLines(format: TraceLotsFormat, lines: readonly TraceLotLine[]): string {
  if (format === 'ndjson') {
    return lines.map(({ depth, lot, linkedTo }) => `${JSON.stringify({ depth, ...lot, producedAt: lot.producedAt.toISOString(), linkedTo })}\n`).join('');
  }
  return lines
    .map(({ depth, lot, linkedTo }) =>
      csvRow([
        depth,
        lot.id,
        lot.lotCode,
        lot.traceCode,
        lot.product,
        lot.gtin,
        lot.status,
        lot.quantity,
        lot.unit,
        lot.producedAt.toISOString(),
        lot.producer,
        lot.custodian,
        String(lot.held),
        String(lot.recalled),
        linkedTo.join(' '),
      ]),
    )
    .join('');
}
