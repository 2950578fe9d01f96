import { BIZ_STEP_NAMES, BIZ_STEPS } from '../events/biz-step.js';
import { csvRow, UTF8_BOM } from './csv.js';
import type { Party, TraceabilityRow } from './exports.repository.js';
import { type SheetCell, xlsx } from './xlsx.js';

type Cell = SheetCell;

/**
 * The sheet's columns: FSMA 204's key data elements, then the per-link records China's food safety
 * law asks each operator to keep (食品安全法 Art. 50 进货查验记录, Art. 53 出厂/销售记录: the supplier
 * or buyer by name and 统一社会信用代码), then two of ours tying each row to its ledger entry.
 * Each column has its meaning, in both languages, on the glossary sheet.
 */
const COLUMNS: { name: string; chinese: string; meaning: string; cell: (row: TraceabilityRow) => Cell }[] = [
  {
    name: 'Traceability Lot Code',
    chinese: '追溯批次号',
    meaning: 'The lot code the batch was registered with; unique per product.',
    cell: (r) => r.traceabilityLotCode,
  },
  { name: 'Product Description', chinese: '产品名称', meaning: 'The product the lot is of.', cell: (r) => r.productDescription },
  {
    name: 'Quantity',
    chinese: '数量',
    meaning: 'The quantity the event moved, received, sold or destroyed; for COMMISSIONING, the quantity registered.',
    cell: (r) => r.quantity,
  },
  { name: 'Unit of Measure', chinese: '计量单位', meaning: 'The unit of the quantity (kg, L, EA, …).', cell: (r) => r.unit },
  { name: 'Event Type', chinese: '事件类型', meaning: 'The critical tracking event (business step); the codes are listed below.', cell: (r) => r.eventType },
  {
    name: 'Event Date',
    chinese: '事件时间',
    meaning: 'When it happened, as the recording organization stated: in the XLSX a date cell in the time zone the glossary names, in the CSV ISO 8601 UTC.',
    cell: (r) => r.eventDate,
  },
  { name: 'Location Description', chinese: '地点', meaning: 'The facility where it happened, with its region.', cell: (r) => r.location },
  {
    name: 'Traceability Lot Code Source',
    chinese: '批次号来源',
    meaning: 'The facility that assigned the lot code (where the lot was made).',
    cell: (r) => r.traceabilityLotCodeSource,
  },
  {
    name: 'Reference Document Type',
    chinese: '单据类型',
    meaning: 'The document that accompanied a shipment (e.g. BOL, 送货单).',
    cell: (r) => r.referenceDocumentType,
  },
  { name: 'Reference Document Number', chinese: '单据编号', meaning: 'That document’s number.', cell: (r) => r.referenceDocumentNumber },
  {
    name: 'Immediate Previous Source',
    chinese: '直接上游来源',
    meaning: 'On RECEIVING: the organization the lot was shipped from.',
    cell: (r) => r.immediatePreviousSource?.name ?? null,
  },
  {
    name: 'Immediate Subsequent Recipient',
    chinese: '直接下游接收方',
    meaning: 'On SHIPPING: the organization the lot was shipped to.',
    cell: (r) => r.immediateSubsequentRecipient?.name ?? null,
  },
  {
    name: '进货/出货 Inbound/Outbound',
    chinese: '进货/出货',
    meaning: '进货 INBOUND on RECEIVING (Art. 50 进货查验记录), 出货 OUTBOUND on SHIPPING (Art. 53 销售记录); empty for other events.',
    cell: (r) => linkOf(r)?.direction ?? null,
  },
  {
    name: '记录方 Recorded By',
    chinese: '记录方',
    meaning: 'The organization that recorded the event in the ledger.',
    cell: (r) => r.recordedBy?.name ?? null,
  },
  {
    name: '记录方统一社会信用代码 Recorded By USCC',
    chinese: '记录方统一社会信用代码',
    meaning: 'Its unified social credit code (18 characters), when registered.',
    cell: (r) => r.recordedBy?.uscc ?? null,
  },
  {
    name: '供货者/购货者 Counterparty',
    chinese: '供货者/购货者',
    meaning: 'The other party of an inbound or outbound link: the supplier received from, or the buyer shipped to.',
    cell: (r) => linkOf(r)?.party?.name ?? null,
  },
  {
    name: '对方统一社会信用代码 Counterparty USCC',
    chinese: '对方统一社会信用代码',
    meaning: 'The other party’s unified social credit code, when registered.',
    cell: (r) => linkOf(r)?.party?.uscc ?? null,
  },
  {
    name: 'Ledger Seq',
    chinese: '账本序号',
    meaning: 'The ledger entry that records this row; anyone can check it with an inclusion proof.',
    cell: (r) => r.ledgerSeq,
  },
  { name: 'Entry Hash', chinese: '条目哈希', meaning: 'That entry’s SHA-256 hash, as in the ledger export and the EPCIS eventID.', cell: (r) => r.entryHash },
  {
    name: 'Declared Erroneous',
    chinese: '记录方声明有误',
    meaning:
      'Set when the recording organization declared the event erroneous (EPCIS error declaration): its reason, and the events that correct it. ' +
      'The row stays, as its ledger entry does.',
    cell: (r) => declarationText(r.declaredErroneous),
  },
];

function declarationText(declared: TraceabilityRow['declaredErroneous']): string | null {
  if (declared === null) return null;
  const corrected = declared.correctiveEventIDs.length > 0 ? ` (corrected by ${declared.correctiveEventIDs.join(', ')})` : '';
  return `${declared.reason || 'declared erroneous'}${corrected}`;
}

export const FSMA_COLUMNS = COLUMNS.map((c) => c.name);

/** The inbound or outbound side of a row, with the party on the other end; null for events that move no goods between parties. */
function linkOf(row: TraceabilityRow): { direction: string; party: Party | null } | null {
  if (row.eventType === 'RECEIVING') return { direction: '进货 INBOUND', party: row.immediatePreviousSource };
  if (row.eventType === 'SHIPPING') return { direction: '出货 OUTBOUND', party: row.immediateSubsequentRecipient };
  return null;
}

/** The sheet's cells, row by row, header first: shared by the CSV and the XLSX. */
export function fsmaCells(rows: TraceabilityRow[]): Cell[][] {
  return [FSMA_COLUMNS, ...rows.map((row) => COLUMNS.map((c) => c.cell(row)))];
}

/** What every column and every event type means, in English and Chinese, and the zone the sheet's dates are in. */
export function glossaryCells(timeZone: string): Cell[][] {
  return [
    ['Column / Code', '中文', 'Meaning / 说明'],
    ['Time zone', '时区', `Dates on the FSMA 204 sheet are wall-clock times in ${timeZone} (IANA time zone).`],
    ...COLUMNS.map((c) => [c.name, c.chinese, c.meaning]),
    ...BIZ_STEPS.map((step) => [step, BIZ_STEP_NAMES[step][0], `Event type: ${BIZ_STEP_NAMES[step][1].toLowerCase()} (GS1 CBV business step)`]),
  ];
}

export function fsmaCsv(rows: TraceabilityRow[]): string {
  // A CSV field has no type: a date is written as ISO 8601 UTC, which every program reads the same way.
  return (
    UTF8_BOM +
    fsmaCells(rows)
      .map((cells) => csvRow(cells.map((c) => (c instanceof Date ? c.toISOString() : c))))
      .join('')
  );
}

export function fsmaXlsx(rows: TraceabilityRow[], timeZone: string): Buffer {
  return xlsx(
    [
      { name: 'FSMA 204', rows: fsmaCells(rows) },
      { name: 'Glossary 说明', rows: glossaryCells(timeZone) },
    ],
    { timeZone },
  );
}
