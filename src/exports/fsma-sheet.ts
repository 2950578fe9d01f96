import { csvRow, UTF8_BOM } from './csv.js';
import type { TraceabilityRow } from './exports.repository.js';
import { xlsx } from './xlsx.js';

/** FSMA 204's sortable spreadsheet columns, and two of ours to tie each row to its ledger entry. */
export const FSMA_COLUMNS = [
  'Traceability Lot Code',
  'Product Description',
  'Quantity',
  'Unit of Measure',
  'Event Type',
  'Event Date',
  'Location Description',
  'Traceability Lot Code Source',
  'Reference Document Type',
  'Reference Document Number',
  'Immediate Previous Source',
  'Recorded By',
  'Ledger Seq',
  'Entry Hash',
];

/** The sheet's cells, row by row, header first: shared by the CSV and the XLSX. */
export function fsmaCells(rows: TraceabilityRow[]): (string | number | null)[][] {
  return [
    FSMA_COLUMNS,
    ...rows.map((r) => [
      r.traceabilityLotCode,
      r.productDescription,
      r.quantity,
      r.unit,
      r.eventType,
      r.eventDate.toISOString(),
      r.location,
      r.traceabilityLotCodeSource,
      r.referenceDocumentType,
      r.referenceDocumentNumber,
      r.immediatePreviousSource,
      r.recordedBy,
      r.ledgerSeq,
      r.entryHash,
    ]),
  ];
}

export function fsmaCsv(rows: TraceabilityRow[]): string {
  return UTF8_BOM + fsmaCells(rows).map(csvRow).join('');
}

export function fsmaXlsx(rows: TraceabilityRow[]): Buffer {
  return xlsx('FSMA 204', fsmaCells(rows));
}
