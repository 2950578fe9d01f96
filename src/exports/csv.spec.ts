import { describe, expect, it } from '@jest/globals';
import { csvField, csvRow } from './csv.js';

describe('CSV', () => {
  it('quotes what needs quoting and keeps the rest as is', () => {
    expect(csvRow(['XZD-1', '小站稻 大米, 5kg', 'say "hi"', 'two\nlines', 12.5, null])).toBe('XZD-1,"小站稻 大米, 5kg","say ""hi""","two\nlines",12.5,\r\n');
  });
  it('never lets a spreadsheet run a cell as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+86 22 1234')).toBe("'+86 22 1234");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-3)).toBe('-3');
  });
});
