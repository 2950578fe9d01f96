import QRCode from 'qrcode';
import { A4, pdfDocument, textAt } from '../common/pdf.js';

/**
 * A printable A4 sheet of QR labels as a PDF, written directly: each label is a vector QR code
 * (one filled square per dark module, so it prints sharp at any size) with the trace code, the
 * product and the lot under it, in the standard Chinese font (see src/common/pdf.ts).
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

export function labelSheetPdf(labels: SheetLabel[]): Buffer {
  const perPage = COLUMNS * ROWS;
  const pages: string[] = [];
  for (let start = 0; start < Math.max(labels.length, 1); start += perPage) {
    pages.push(
      labels
        .slice(start, start + perPage)
        .map((label, i) => drawLabel(label, i))
        .join('\n'),
    );
  }
  return pdfDocument(pages);
}

function drawLabel(label: SheetLabel, slot: number): string {
  const column = slot % COLUMNS;
  const row = Math.floor(slot / COLUMNS);
  const x0 = MARGIN.left + column * CELL.width + (CELL.width - QR_SIZE) / 2;
  const top = PAGE.height - MARGIN.top - row * CELL.height;
  const qr = QRCode.create(label.url, { errorCorrectionLevel: 'Q' });
  const modules = qr.modules.size;
  const quiet = 4;
  const unit = QR_SIZE / (modules + 2 * quiet);
  const squares: string[] = [];
  for (let r = 0; r < modules; r++) {
    for (let c = 0; c < modules; c++) {
      if (!qr.modules.get(r, c)) continue;
      const x = x0 + (c + quiet) * unit;
      const y = top - (r + quiet + 1) * unit;
      squares.push(`${x.toFixed(3)} ${y.toFixed(3)} ${unit.toFixed(3)} ${unit.toFixed(3)} re`);
    }
  }
  const text = label.lines.map((line, i) => textAt(x0 + 4, top - QR_SIZE - 4 - (i + 1) * (FONT_SIZE + 3), FONT_SIZE, line)).join('\n');
  return `0 g\n${squares.join('\n')}\nf\n${text}`;
}
