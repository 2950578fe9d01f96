import { describe, expect, it } from '@jest/globals';
import { setImmediate } from 'node:timers/promises';
import { A4 } from '../common/pdf-fonts.js';
import { LABEL_STOCK, LABELS_PER_PAGE, SCRATCH_PANEL_MM, UnitLabelSheet } from './unit-label-sheet.js';

const heading = { productName: '婴幼儿配方奶粉', gtin: '06901234567892', lotCode: 'LOT/7', commissioningId: '0f8fad5b-d9cb-469f-a165-70867728950e' };
const label = (i: number) => ({ uri: `https://suyuan.example/01/06901234567892/10/LOT%2F7/21/SERIAL${i}`, serial: `SERIAL${i}`, code: 'ABCDEFGHJK' });

describe('the unit label sheet', () => {
  it('is laid out for 70 × 37 mm stock, 3 × 8 on A4, with a scratch panel that fits beside the QR code', () => {
    expect(LABELS_PER_PAGE).toBe(24);
    const mm = 72 / 25.4;
    // Edge to edge across, 0.5 mm top and bottom: the stock fills the page without overlapping it.
    expect(LABEL_STOCK.columns * LABEL_STOCK.widthMm * mm).toBeCloseTo(A4.width, 0);
    expect(LABEL_STOCK.rows * LABEL_STOCK.heightMm * mm).toBeLessThanOrEqual(A4.height);
    // The panel and a QR code the label's height less 2.5 mm each side fit the label's width.
    expect(SCRATCH_PANEL_MM.width + (LABEL_STOCK.heightMm - 5) + 2.5 * 2 + 1.5).toBeLessThanOrEqual(LABEL_STOCK.widthMm);
  });

  it('writes each page as the next begins, so the caller holds a page at a time, and ends as one PDF', async () => {
    const sheet = new UnitLabelSheet(heading);
    const parts: Buffer[] = [];
    await sheet.page(Array.from({ length: 24 }, (_, i) => label(i)));
    await sheet.page([label(24)]);
    // The first page is out once the second began (pdfkit hands its bytes on at the next turn of the event loop).
    await setImmediate();
    parts.push(sheet.take());
    expect(parts[0].length).toBeGreaterThan(10_000);
    expect(parts[0].subarray(0, 5).toString('latin1')).toBe('%PDF-');
    parts.push(await sheet.end());
    const pdf = Buffer.concat(parts).toString('latin1');
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pdf).toMatch(/\/Type \/Pages\s*\/Count 2/);
    // Nothing is written twice: the pieces are the document once.
    expect(pdf.match(/%PDF-/g)).toHaveLength(1);
  });
});
