import { describe, expect, it } from '@jest/globals';
import { pdfDocument, textAt, textWidth, ucs2Hex, wrapText } from './pdf.js';

describe('PDF writing', () => {
  it('encodes text as UCS-2 for STSong-Light, leaving out what UCS-2 cannot hold', () => {
    expect(ucs2Hex('米 A1')).toBe('7c73002000410031');
    expect(ucs2Hex('a😀b')).toBe('00610062');
    expect(textAt(10, 20.5, 8, '批号')).toBe('BT /F1 8 Tf 10.00 20.50 Td <627953f7> Tj ET');
  });

  it('measures half-width Latin and full-width Chinese as the font lays them out', () => {
    expect(textWidth('AB', 10)).toBe(10);
    expect(textWidth('小站稻', 10)).toBe(30);
  });

  it('wraps at spaces when it can and anywhere in Chinese', () => {
    expect(wrapText('raw milk from two farms', 10, 60)).toEqual(['raw milk', 'from two', 'farms']);
    expect(wrapText('天津市宁河区小站镇', 10, 40)).toEqual(['天津市宁', '河区小站', '镇']);
    expect(wrapText('a\nb', 10, 100)).toEqual(['a', 'b']);
    expect(wrapText('', 10, 100)).toEqual(['']);
  });

  it('assembles pages with an xref table whose offsets point at each object', () => {
    const pdf = pdfDocument(['BT ET', 'BT ET'], { title: '模拟召回' }).toString('latin1');
    const xrefAt = Number(/startxref\n(\d+)\n/.exec(pdf)![1]);
    const offsets = pdf
      .slice(xrefAt)
      .split('\n')
      .slice(3)
      .filter((l) => / n $/.test(l))
      .map((l) => Number(l.slice(0, 10)));
    offsets.forEach((offset, i) => expect(pdf.slice(offset)).toMatch(new RegExp(`^${i + 1} 0 obj`)));
    expect(pdf).toContain('/Count 2');
    expect(pdf).toContain(`/Title <feff${ucs2Hex('模拟召回')}>`);
    expect(pdf).toMatch(/\/Info \d+ 0 R/);
  });
});
