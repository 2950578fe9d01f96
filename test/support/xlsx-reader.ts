import ExcelJS from 'exceljs';

/** Every cell of every sheet of an XLSX as text, one line per row, as a spreadsheet program shows the workbook (its parts are deflated). */
export async function xlsxText(bytes: Buffer): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const lines: string[] = [];
  for (const sheet of book.worksheets) {
    sheet.eachRow((row) => {
      const cells: string[] = [];
      row.eachCell((cell) => cells.push(cell.value instanceof Date ? cell.value.toISOString() : String(cell.value)));
      lines.push(cells.join('\t'));
    });
  }
  return lines.join('\n');
}
