import PDFDocument from 'pdfkit';
import { setImmediate as nextTurn } from 'node:timers/promises';
import QRCode from 'qrcode';
import { A4, registerReportFonts } from '../common/pdf-fonts.js';
import { CHECK_CODE_LENGTH } from './check-codes.js';

/**
 * The A4 sheet of a commissioning's unit labels, for 70 × 37 mm label stock, 3 across and 8 down (24 a
 * sheet, edge to edge: 210 × 296 mm with 0.5 mm top and bottom, a common A4 label stock). Each label:
 * a vector QR code of the unit's GS1 Digital Link URI (one filled rectangle per run of dark modules), the
 * product, GTIN, lot and serial in text, and — when this download carries the codes — the check code in
 * a box the size of a 30 × 10 mm scratch-off sticker, captioned in Chinese and English. Noto Sans SC is
 * embedded as a subset (src/common/pdf-fonts.ts). Pages are written as they are drawn: the caller takes
 * the bytes a page at a time, so a sheet of thousands of labels is never whole in memory.
 */
export const LABEL_STOCK = { columns: 3, rows: 8, widthMm: 70, heightMm: 37, name: '70 × 37 mm, 3 × 8 on A4, edge to edge' } as const;
export const LABELS_PER_PAGE = LABEL_STOCK.columns * LABEL_STOCK.rows;
/** The scratch-off sticker the code's box is drawn for. */
export const SCRATCH_PANEL_MM = { width: 30, height: 10 } as const;
export const SCRATCH_CAPTION = '刮开涂层 查验真伪 / scratch to check';
export const CODES_WITHHELD = ['查验码已于首次下载时提供', 'codes were given at the first download'] as const;

const MM = 72 / 25.4;
const LABEL = { width: LABEL_STOCK.widthMm * MM, height: LABEL_STOCK.heightMm * MM };
const SHEET_TOP = (A4.height - LABEL_STOCK.rows * LABEL.height) / 2;
const SHEET_LEFT = (A4.width - LABEL_STOCK.columns * LABEL.width) / 2;
const PAD = 2.5 * MM;
/** The QR code with its quiet zone: the label's height less its padding. */
const QR_SIZE = LABEL.height - 2 * PAD;
const QUIET_MODULES = 4;
const TEXT_X = PAD + QR_SIZE + 1.5 * MM;
const TEXT_WIDTH = LABEL.width - TEXT_X - PAD;
const PANEL = { width: SCRATCH_PANEL_MM.width * MM, height: SCRATCH_PANEL_MM.height * MM };
const PANEL_TOP = LABEL.height - PAD - PANEL.height - 1 * MM;

/** What every label of the sheet shares. */
export interface SheetHeading {
  productName: string;
  gtin: string;
  lotCode: string;
  /** The commissioning's id, in the document's title. */
  commissioningId: string;
}

export interface UnitLabel {
  uri: string;
  serial: string;
  /** The check code, on the sheet that carries the codes; null on the others. */
  code: string | null;
}

/** A label sheet being written: draw pages, then end; `chunks` takes what was written so far. */
export class UnitLabelSheet {
  private readonly doc: PDFKit.PDFDocument;
  private written: Buffer[] = [];
  private readonly ended: Promise<void>;

  constructor(private readonly heading: SheetHeading) {
    this.doc = new PDFDocument({
      size: [A4.width, A4.height],
      margin: 0,
      autoFirstPage: false,
      info: { Title: `单品标签 Unit labels ${heading.productName} ${heading.lotCode} (${heading.commissioningId})`, Creator: 'Suyuan 溯源' },
    });
    this.doc.on('data', (chunk: Buffer) => this.written.push(chunk));
    this.ended = new Promise((resolve, reject) => {
      this.doc.on('end', resolve);
      this.doc.on('error', reject);
    });
    registerReportFonts(this.doc);
  }

  /**
   * One page of up to LABELS_PER_PAGE labels, left to right, top to bottom, a row at a time with a turn of
   * the event loop before each: a row is a few milliseconds of drawing, a page tens (more under load), and a
   * service drawing a sheet goes on answering other requests in between.
   */
  async page(labels: UnitLabel[]): Promise<void> {
    this.doc.addPage();
    for (let slot = 0; slot < labels.length; slot++) {
      if (slot % LABEL_STOCK.columns === 0) await nextTurn();
      this.label(labels[slot], slot);
    }
  }

  /** The bytes written since the last call (pdfkit writes a page once the next one begins, handing it on at the next turn of the event loop). */
  take(): Buffer {
    const out = Buffer.concat(this.written);
    this.written = [];
    return out;
  }

  /** Ends the document (the fonts' subsets and the cross-reference table go last) and answers its last bytes. */
  async end(): Promise<Buffer> {
    this.doc.end();
    await this.ended;
    return this.take();
  }

  private label(label: UnitLabel, slot: number): void {
    const doc = this.doc;
    const x = SHEET_LEFT + (slot % LABEL_STOCK.columns) * LABEL.width;
    const y = SHEET_TOP + Math.floor(slot / LABEL_STOCK.columns) * LABEL.height;
    drawQr(doc, label.uri, x + PAD, y + PAD, QR_SIZE);

    const h = this.heading;
    let line = y + PAD;
    const row = (text: string, size: number, font: 'regular' | 'bold' = 'regular', cut = false) => {
      line += fitText(doc, text, x + TEXT_X, line, TEXT_WIDTH, size, font, cut) + 1.2;
    };
    // Only the product's name may be cut short: the GTIN, lot and serial are always whole, smaller if need be.
    row(h.productName, 7, 'bold', true);
    row(`GTIN ${h.gtin}`, 6.5);
    row(`批号 Lot ${h.lotCode}`, 6.5);
    row('序列号 Serial', 5.5);
    row(label.serial, 7.5, 'bold');

    const panelX = x + TEXT_X + (TEXT_WIDTH - PANEL.width) / 2;
    const panelY = y + PANEL_TOP;
    fitText(doc, SCRATCH_CAPTION, panelX, panelY - 7.5, PANEL.width, 5.5);
    doc.save().lineWidth(0.6).dash(2, { space: 1.5 }).rect(panelX, panelY, PANEL.width, PANEL.height).stroke('black').undash().restore();
    if (label.code) {
      const grouped = `${label.code.slice(0, CHECK_CODE_LENGTH / 2)} ${label.code.slice(CHECK_CODE_LENGTH / 2)}`;
      const size = 11;
      doc.font('bold').fontSize(size);
      const width = doc.widthOfString(grouped);
      doc.text(grouped, panelX + (PANEL.width - width) / 2, panelY + (PANEL.height - size * 1.2) / 2 + 0.5, { lineBreak: false });
    } else {
      fitText(doc, CODES_WITHHELD[0], panelX + 2, panelY + 3, PANEL.width - 4, 5.5);
      fitText(doc, CODES_WITHHELD[1], panelX + 2, panelY + 3 + 7.5, PANEL.width - 4, 5.5);
    }
  }
}

/**
 * `text` in one line at `size` points, smaller when that is too wide for `width`: with `cut`, down to 4.5 pt
 * and then cut short with "…" (a long product name), else as small as it takes (a 20-character lot still
 * reads at 4.5 pt). Nothing runs into the next label. Answers the line's height.
 */
function fitText(
  doc: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  size: number,
  font: 'regular' | 'bold' = 'regular',
  cut = false,
): number {
  doc.font(font).fontSize(size);
  let shown = text;
  let fitted = size;
  const natural = doc.widthOfString(text);
  if (natural > width) {
    fitted = cut ? Math.max(4.5, (size * width) / natural) : (size * width) / natural;
    doc.fontSize(fitted);
    while (cut && shown.length > 1 && doc.widthOfString(shown) > width) shown = `${shown.slice(0, -2)}…`;
  }
  doc.fillColor('black').text(shown, x, y, { lineBreak: false });
  return fitted * 1.2;
}

/** The QR code of `content` (error correction Q, as the lot labels), a filled rectangle per horizontal run of dark modules. */
function drawQr(doc: PDFKit.PDFDocument, content: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(content, { errorCorrectionLevel: 'Q' });
  const n = qr.modules.size;
  const unit = size / (n + 2 * QUIET_MODULES);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue;
      const start = c;
      while (c + 1 < n && qr.modules.get(r, c + 1)) c++;
      doc.rect(x + (start + QUIET_MODULES) * unit, y + (r + QUIET_MODULES) * unit, (c - start + 1) * unit, unit);
    }
  }
  doc.fillColor('black').fill();
}
