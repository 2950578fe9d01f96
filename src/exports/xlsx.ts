import { crc32, deflateRawSync } from 'node:zlib';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const SPREADSHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';
const SPREADSHEET_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DOCUMENT_RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export type SheetCell = string | number | Date | null;

export interface Sheet {
  name: string;
  /** The first row is the header: bold, frozen and filterable. */
  rows: SheetCell[][];
}

/** Cell styles (the index of each in styles.xml's cellXfs). */
const STYLE = { plain: 0, date: 1, header: 2 } as const;

const STYLES =
  XML_DECLARATION +
  `<styleSheet xmlns="${SPREADSHEET_MAIN}">` +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
  '<fill><patternFill patternType="solid"><fgColor rgb="FFE8EFE6"/><bgColor indexed="64"/></patternFill></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>' +
  '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
  '</styleSheet>';

/**
 * An XLSX workbook (Office Open XML) written directly: a zip of small deflated XML parts, cells as
 * inline strings, numbers or dates. Each sheet's first row is a bold header, frozen and filterable,
 * so the sheet sorts as FSMA 204 asks; columns are as wide as their contents; no formulas (nothing in
 * a cell is ever evaluated). A date becomes a real date cell showing the wall-clock time in
 * `timeZone`, since a spreadsheet's date has no zone of its own.
 */
export function xlsx(sheets: Sheet[], options: { timeZone: string }): Buffer {
  const numbered = sheets.map((sheet, i) => ({ ...sheet, n: i + 1 }));
  const toSerial = excelSerialIn(options.timeZone);
  const parts: [string, string][] = [
    [
      '[Content_Types].xml',
      XML_DECLARATION +
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        `<Override PartName="/xl/workbook.xml" ContentType="${SPREADSHEET_TYPE}.sheet.main+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="${SPREADSHEET_TYPE}.styles+xml"/>` +
        numbered.map(({ n }) => `<Override PartName="/xl/worksheets/sheet${n}.xml" ContentType="${SPREADSHEET_TYPE}.worksheet+xml"/>`).join('') +
        '</Types>',
    ],
    [
      '_rels/.rels',
      XML_DECLARATION +
        `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
        `<Relationship Id="rId1" Type="${DOCUMENT_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>` +
        '</Relationships>',
    ],
    [
      'xl/workbook.xml',
      XML_DECLARATION +
        `<workbook xmlns="${SPREADSHEET_MAIN}" xmlns:r="${DOCUMENT_RELATIONSHIPS}"><sheets>` +
        numbered.map(({ name, n }) => `<sheet name="${xml(sheetName(name))}" sheetId="${n}" r:id="rId${n}"/>`).join('') +
        '</sheets>' +
        // The auto-filter's range, as Excel itself records it.
        '<definedNames>' +
        numbered
          .map(
            ({ name, rows, n }) => `<definedName name="_xlnm._FilterDatabase" localSheetId="${n - 1}" hidden="1">${xml(filterName(name, rows))}</definedName>`,
          )
          .join('') +
        '</definedNames></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      XML_DECLARATION +
        `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
        numbered.map(({ n }) => `<Relationship Id="rId${n}" Type="${DOCUMENT_RELATIONSHIPS}/worksheet" Target="worksheets/sheet${n}.xml"/>`).join('') +
        `<Relationship Id="rId${numbered.length + 1}" Type="${DOCUMENT_RELATIONSHIPS}/styles" Target="styles.xml"/>` +
        '</Relationships>',
    ],
    ['xl/styles.xml', STYLES],
    ...numbered.map(({ rows, n }): [string, string] => [`xl/worksheets/sheet${n}.xml`, worksheet(rows, toSerial)]),
  ];
  return zip(parts.map(([name, text]) => [name, Buffer.from(text, 'utf8')]));
}

/** Excel's day count (1900 date system: 25569 is 1970-01-01) of the wall-clock time an instant shows in `timeZone`. */
export function excelSerialIn(timeZone: string): (date: Date) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    hourCycle: 'h23',
  });
  return (date) => {
    const p = Object.fromEntries(format.formatToParts(date).map((part) => [part.type, Number(part.value)]));
    const wallClock = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, date.getUTCMilliseconds());
    return wallClock / 86_400_000 + 25569;
  };
}

/** Width in Excel's character units: a CJK character takes two, the widest line of a cell counts, within 8–60. */
export function columnWidths(rows: SheetCell[][]): number[] {
  const count = Math.max(0, ...rows.map((r) => r.length));
  return Array.from({ length: count }, (_, c) => {
    let widest = 0;
    for (const row of rows) {
      const value = row[c];
      if (value === null || value === undefined) continue;
      const text = value instanceof Date ? '2026-01-01 00:00:00' : String(value);
      for (const line of text.split('\n')) {
        let width = 0;
        for (const ch of line) width += ch.codePointAt(0)! > 0x2e80 ? 2 : 1;
        widest = Math.max(widest, width);
      }
    }
    return Math.min(60, Math.max(8, widest + 2));
  });
}

function worksheet(rows: SheetCell[][], toSerial: (date: Date) => number): string {
  const cells = rows
    .map(
      (row, r) =>
        `<row r="${r + 1}">${row
          .map((value, c) => {
            const ref = `${column(c)}${r + 1}`;
            const style = r === 0 ? ` s="${STYLE.header}"` : '';
            if (value === null || value === '') return '';
            if (value instanceof Date) return `<c r="${ref}" s="${STYLE.date}"><v>${toSerial(value)}</v></c>`;
            if (typeof value === 'number' && Number.isFinite(value)) return `<c r="${ref}"${style}><v>${value}</v></c>`;
            return `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${xml(String(value))}</t></is></c>`;
          })
          .join('')}</row>`,
    )
    .join('');
  const cols = columnWidths(rows)
    .map((width, i) => `<col min="${i + 1}" max="${i + 1}" width="${width}" customWidth="1"/>`)
    .join('');
  return (
    XML_DECLARATION +
    `<worksheet xmlns="${SPREADSHEET_MAIN}">` +
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>' +
    (cols ? `<cols>${cols}</cols>` : '') +
    `<sheetData>${cells}</sheetData><autoFilter ref="${filterRange(rows)}"/></worksheet>`
  );
}

/** The filter's range as a defined name refers to it: 'Sheet name'!$A$1:$T$4. */
function filterName(name: string, rows: SheetCell[][]): string {
  const [from, to] = filterRange(rows).split(':');
  const absolute = (ref: string) => ref.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2');
  return `'${sheetName(name).replace(/'/g, "''")}'!${absolute(from)}:${absolute(to)}`;
}

function filterRange(rows: SheetCell[][]): string {
  return `A1:${column(Math.max(0, (rows[0]?.length ?? 1) - 1))}${Math.max(1, rows.length)}`;
}

/** Excel's rules for sheet names: at most 31 characters, none of []:*?/\ . */
function sheetName(name: string): string {
  return name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
}

function column(index: number): string {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

function xml(text: string): string {
  // XML 1.0 cannot carry most control characters at all; the rest is escaped.
  return (
    text
      // eslint-disable-next-line no-control-regex -- these control characters are what XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
  );
}

/** A zip archive, each entry deflated (method 8): local headers, data, central directory. */
function zip(files: [string, Buffer][]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const packed = deflateRawSync(data, { level: 6 });
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01, the zip epoch (a fixed date: the same rows give the same bytes)
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    chunks.push(local, nameBytes, packed);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(0, 12);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(packed.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const centralSize = central.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}
