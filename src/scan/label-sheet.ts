import QRCode from 'qrcode';

/**
 * A printable A4 sheet of QR labels as a PDF, written directly: each label is a vector QR code
 * (one filled square per dark module, so it prints sharp at any size) with the trace code, the
 * product and the lot under it. Text uses the PDF's standard Chinese font STSong-Light (UCS-2
 * encoding), which PDF readers supply, so no font file is embedded.
 */
export interface SheetLabel {
  url: string;
  lines: string[];
}

const PAGE = { width: 595, height: 842 }; // A4 in points
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
    pages.push(labels.slice(start, start + perPage).map((label, i) => drawLabel(label, i)).join('\n'));
  }
  return assemble(pages);
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
  const text = label.lines
    .map((line, i) => `BT /F1 ${FONT_SIZE} Tf ${(x0 + 4).toFixed(2)} ${(top - QR_SIZE - 4 - (i + 1) * (FONT_SIZE + 3)).toFixed(2)} Td <${ucs2Hex(line)}> Tj ET`)
    .join('\n');
  return `0 g\n${squares.join('\n')}\nf\n${text}`;
}

/** UTF-16BE hex, characters outside the Basic Multilingual Plane left out (the CMap is UCS-2). */
function ucs2Hex(text: string): string {
  let hex = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code <= 0xffff) hex += code.toString(16).padStart(4, '0');
  }
  return hex;
}

function assemble(pageContents: string[]): Buffer {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body); // the new length is the object number (they start at 1)
  const catalog = add(''); // filled below, once the pages object number is known
  const pagesObj = add('');
  const descriptor = add('<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>');
  // CIDs 1–95 are the half-width Latin letters and digits of Adobe-GB1; the rest are full-width.
  const cidFont = add(`<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor ${descriptor} 0 R /DW 1000 /W [1 95 500] >>`);
  const font = add(`<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] >>`);
  const kids: number[] = [];
  for (const content of pageContents) {
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`));
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;

  let pdf = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
