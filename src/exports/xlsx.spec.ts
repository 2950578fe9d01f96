import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { columnWidths, excelSerialIn, xlsx } from './xlsx.js';

/** The workbook as a spreadsheet program opens it (ExcelJS reads it back). */
async function open(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  return book;
}

const rows = [
  ['Lot', '产品名称 Product', 'Quantity', 'Event Date'],
  ['RAW-7', '生牛乳', 800, new Date('2026-11-21T00:00:00Z')],
  ['RAW-8', 'Raw milk from a farm with a rather long name', 12.5, new Date('2026-11-21T15:30:05Z')],
];

describe('xlsx', () => {
  it('writes dates as date cells showing the wall-clock time of the configured zone', async () => {
    const book = await open(xlsx([{ name: 'Sheet', rows }], { timeZone: 'Asia/Shanghai' }));
    const sheet = book.getWorksheet('Sheet')!;
    // 00:00 UTC is 08:00 in China: the cell shows 08:00 (ExcelJS gives a date cell's wall clock as a UTC Date).
    expect(sheet.getCell('D2').type).toBe(ExcelJS.ValueType.Date);
    expect((sheet.getCell('D2').value as Date).toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect((sheet.getCell('D3').value as Date).toISOString()).toBe('2026-11-21T23:30:05.000Z');
    expect(sheet.getCell('D2').numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(sheet.getCell('C3').value).toBe(12.5);

    const la = await open(xlsx([{ name: 'Sheet', rows }], { timeZone: 'America/Los_Angeles' }));
    expect((la.getWorksheet('Sheet')!.getCell('D2').value as Date).toISOString()).toBe('2026-11-20T16:00:00.000Z');
  });

  it('has a bold frozen header with a filter, and columns as wide as their contents', async () => {
    const sheet = (await open(xlsx([{ name: 'Sheet', rows }], { timeZone: 'UTC' }))).getWorksheet('Sheet')!;
    for (const ref of ['A1', 'B1', 'C1', 'D1']) expect(sheet.getCell(ref).font?.bold).toBe(true);
    expect(sheet.getCell('A2').font?.bold).toBeFalsy();
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:D3');
    const widths = [1, 2, 3, 4].map((c) => sheet.getColumn(c).width);
    expect(widths[1]).toBeGreaterThan(40); // the long product name
    expect(widths[2]).toBe(10); // "Quantity" and a short number
    expect(widths[3]).toBe(21); // a date as yyyy-mm-dd hh:mm:ss
  });

  it('deflates its parts: a large sheet is a fraction of its XML', () => {
    const many = [rows[0], ...Array.from({ length: 2000 }, (_, i) => [`LOT-${i}`, '巴氏杀菌乳 Pasteurised milk', i, new Date(1_780_000_000_000 + i * 60_000)])];
    const bytes = xlsx([{ name: 'Sheet', rows: many }], { timeZone: 'Asia/Shanghai' });
    // Every local header says method 8 (deflate).
    let methods = 0;
    for (let at = bytes.indexOf('PK\x03\x04'); at >= 0; at = bytes.indexOf('PK\x03\x04', at + 4)) {
      expect(bytes.readUInt16LE(at + 8)).toBe(8);
      methods++;
    }
    expect(methods).toBe(6);
    // About 150 bytes of XML a row uncompressed.
    expect(bytes.length).toBeLessThan(2000 * 40);
  });

  it('counts Chinese characters double for a column width, within 8 to 60', () => {
    expect(columnWidths([['ab', '中文中文', 'x'.repeat(100)]])).toEqual([8, 10, 60]);
  });

  it('turns an instant into the day count of its wall-clock time', () => {
    expect(excelSerialIn('UTC')(new Date('1970-01-01T00:00:00Z'))).toBe(25569);
    expect(excelSerialIn('Asia/Shanghai')(new Date('1970-01-01T00:00:00Z'))).toBeCloseTo(25569 + 8 / 24, 9);
  });
});
