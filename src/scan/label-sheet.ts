import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { A4, pdfBuffer, registerReportFonts } from '../common/pdf-fonts.js';

/**
 * A printable A4 sheet of QR labels as a PDF: each label is a vector QR code (one filled square per
 * dark module, so it prints sharp at any size) with the trace code, the product and the lot under
 * it, in Noto Sans SC embedded as a subset (see src/common/pdf-fonts.ts), so any printer's reader
 * draws the Chinese.
 */
export interface SheetLabel {
  url: string;
  lines: string[];
}

const PAGE = A4;
const COLUMNS = 3;
const ROWS = 4;
const CELL = { width: 180, height: 195 };
const MARGIN = { left: (PAGE.width - COLUMNS * CELL.width) / 2, top: 40 };
const QR_SIZE = 130;
const FONT_SIZE = 8;

export function labelSheetPdf(labels: SheetLabel[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: [PAGE.width, PAGE.height], margin: 0, autoFirstPage: false, info: { Title: '追溯标签 Trace labels' } });
  const done = pdfBuffer(doc);
  registerReportFonts(doc);
  const perPage = COLUMNS * ROWS;
  for (let start = 0; start < Math.max(labels.length, 1); start += perPage) {
    doc.addPage();
    labels.slice(start, start + perPage).forEach((label, i) => drawLabel(doc, label, i));
  }
  doc.end();
  return done;
}

function drawLabel(doc: PDFKit.PDFDocument, label: SheetLabel, slot: number): void {
  const column = slot % COLUMNS;
  const row = Math.floor(slot / COLUMNS);
  const x0 = MARGIN.left + column * CELL.width + (CELL.width - QR_SIZE) / 2;
  const top = MARGIN.top + row * CELL.height; // from the top of the page, as pdfkit measures
  const qr = QRCode.create(label.url, { errorCorrectionLevel: 'Q' });
  const modules = qr.modules.size;
  const quiet = 4;
  const unit = QR_SIZE / (modules + 2 * quiet);
  for (let r = 0; r < modules; r++) {
    for (let c = 0; c < modules; c++) {
      if (qr.modules.get(r, c)) doc.rect(x0 + (c + quiet) * unit, top + (r + quiet) * unit, unit, unit);
    }
  }
  doc.fillColor('black').fill();
  label.lines.forEach((line, i) => {
    doc
      .font('regular')
      .fontSize(FONT_SIZE)
      .text(line, x0 + 4, top + QR_SIZE + 4 + i * (FONT_SIZE + 3), { lineBreak: false });
  });
}
