import { describe, expect, it } from '@jest/globals';
import { parseLines, parseUnitLink } from './browser/units-input.js';

describe('the unit screens’ input', () => {
  it('reads serials one a line, and the units CSV by its first column, header dropped', () => {
    expect(parseLines(' A-1 \r\n\nB,2\n')).toEqual(['A-1', 'B,2']);
    expect(parseLines('\uFEFFserial,digital_link,check_code\r\nK7M2,https://x/01/1/21/K7M2,ABCDE-FGHJK\r\n')).toEqual(['K7M2']);
    expect(parseLines('')).toEqual([]);
  });

  it('finds a unit in a Digital Link with a serial or in its page URL, and nothing else', () => {
    expect(parseUnitLink('https://id.example.cn/01/06901234567892/10/L7/21/7KQ2M9XH?17=261231')).toEqual({ gtin: '06901234567892', serial: '7KQ2M9XH' });
    expect(parseUnitLink('/01/6901234567892/21/A%2F1')).toEqual({ gtin: '06901234567892', serial: 'A/1' });
    expect(parseUnitLink('http://localhost:3000/u/06901234567892/7KQ2M9XH')).toEqual({ gtin: '06901234567892', serial: '7KQ2M9XH' });
    // A lot's link (no serial), a bad check digit, a plain GTIN: not a unit's link.
    expect(parseUnitLink('https://id.example.cn/01/06901234567892/10/L7')).toBeNull();
    expect(parseUnitLink('https://id.example.cn/01/06901234567893/21/X')).toBeNull();
    expect(parseUnitLink('06901234567892')).toBeNull();
  });
});
