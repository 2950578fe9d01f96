/**
 * The low-level PDF writing the label sheet and the reports share: content streams assembled into
 * pages with their xref table, and text in the standard Chinese font STSong-Light (UCS-2 encoding),
 * which PDF readers supply, so no font file is embedded. Pure.
 */

export const A4 = { width: 595, height: 842 } as const; // points

/** UTF-16BE hex, characters outside the Basic Multilingual Plane left out (the CMap is UCS-2). */
export function ucs2Hex(text: string): string {
  let hex = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code <= 0xffff) hex += code.toString(16).padStart(4, '0');
  }
  return hex;
}

/** One line of text with its baseline starting at (x, y), in points from the page's lower left. */
export function textAt(x: number, y: number, size: number, text: string): string {
  return `BT /F1 ${size} Tf ${x.toFixed(2)} ${y.toFixed(2)} Td <${ucs2Hex(text)}> Tj ET`;
}

/** Printable ASCII is STSong-Light's half-width Latin (CIDs 1–95, 500/1000 em); everything else is full width. */
function charWidth(code: number): number {
  return code >= 0x20 && code <= 0x7e ? 0.5 : 1;
}

/** The width of a line of text in points, as the font's /W array lays it out. */
export function textWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code <= 0xffff) em += charWidth(code);
  }
  return em * size;
}

/**
 * Text broken into lines no wider than `width`: at a space when the line has one, else anywhere
 * (Chinese has no spaces between words); explicit line breaks are kept.
 */
export function wrapText(text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const ch of paragraph) {
      if (line !== '' && textWidth(line + ch, size) > width) {
        const space = line.lastIndexOf(' ');
        if (ch !== ' ' && space > 0) {
          lines.push(line.slice(0, space));
          line = line.slice(space + 1) + ch;
        } else {
          lines.push(line);
          line = ch === ' ' ? '' : ch;
        }
      } else {
        line += ch;
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * A PDF of the given page content streams (A4 unless told otherwise), each page with STSong-Light
 * as /F1; a title, when given, goes in the document information.
 */
export function pdfDocument(pageContents: string[], options: { page?: { width: number; height: number }; title?: string } = {}): Buffer {
  const page = options.page ?? A4;
  const objects: string[] = [];
  const add = (body: string) => objects.push(body); // the new length is the object number (they start at 1)
  const catalog = add(''); // filled below, once the pages object number is known
  const pagesObj = add('');
  const descriptor = add(
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] ' +
      '/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  );
  // CIDs 1–95 are the half-width Latin letters and digits of Adobe-GB1; the rest are full-width.
  const cidFont = add(
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> ' +
      `/FontDescriptor ${descriptor} 0 R /DW 1000 /W [1 95 500] >>`,
  );
  const font = add(`<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] >>`);
  const kids: number[] = [];
  for (const content of pageContents) {
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${page.width} ${page.height}] ` +
          `/Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  // A text string in UTF-16BE with its byte-order mark, so readers show a Chinese title.
  const info = options.title === undefined ? null : add(`<< /Title <feff${ucs2Hex(options.title)}> /Producer (Suyuan) >>`);

  let pdf = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, 'latin1');
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${info === null ? '' : ` /Info ${info} 0 R`} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
