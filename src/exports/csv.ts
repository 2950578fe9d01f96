/**
 * RFC 4180 CSV for spreadsheets: fields quoted when they hold a comma, quote or line break; a
 * leading =, +, -, @ is neutralised with an apostrophe so a spreadsheet never runs it as a formula.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(fields: (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** A byte-order mark first, so spreadsheet programs read the Chinese text as UTF-8. */
export const UTF8_BOM = '\ufeff';
