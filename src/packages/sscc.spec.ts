import { describe, expect, it } from '@jest/globals';
import { companyPrefixProblem, nthSscc, ssccCapacity, ssccHasPrefix, ssccProblem, ssccUrn } from './sscc.js';

describe('SSCC', () => {
  it("accepts GS1's example SSCC 106141411234567897 (check digit 7) and refuses it with any other check digit", () => {
    expect(ssccProblem('106141411234567897')).toBeNull();
    expect(ssccProblem('106141411234567890')).toBe('the check digit of SSCC 106141411234567890 should be 7, not 0');
    // Worked by hand: odd positions from the right of the 17 digits weigh 3.
    const digits = '10614141123456789'.split('').map(Number);
    const sum = digits.reduce((s, d, i) => s + d * ((17 - i) % 2 === 1 ? 3 : 1), 0);
    expect((10 - (sum % 10)) % 10).toBe(7);
  });

  it('names what is wrong with something that is not an SSCC', () => {
    expect(ssccProblem('10614141123456789')).toBe('an SSCC is 18 digits, got 17');
    expect(ssccProblem('00106141411234567897')).toBe('an SSCC is 18 digits, got 20');
    expect(ssccProblem('10614141123456789X')).toMatch(/^an SSCC is 18 digits, got "/);
    expect(ssccProblem('')).toMatch(/^an SSCC is 18 digits/);
  });

  it('checks a GS1 company prefix: 6 to 12 digits', () => {
    expect(companyPrefixProblem('0614141')).toBeNull();
    expect(companyPrefixProblem('69012345')).toBeNull();
    expect(companyPrefixProblem('12345')).toMatch(/6 to 12 digits/);
    expect(companyPrefixProblem('1234567890123')).toMatch(/6 to 12 digits/);
    expect(companyPrefixProblem('06141a1')).toMatch(/6 to 12 digits/);
  });

  it('mints SSCCs from a prefix: serial reference first, then the extension digit, each with its check digit', () => {
    expect(nthSscc('0614141', 123456789n)).toBe('006141411234567890');
    expect(nthSscc('0614141', 1_123_456_789n)).toBe('106141411234567897');
    expect(nthSscc('0614141', 0n)).toBe('006141410000000005');
    for (const n of [0n, 1n, 99n, 10n ** 9n - 1n, 10n ** 9n, 10n ** 10n - 1n]) {
      const sscc = nthSscc('0614141', n)!;
      expect(ssccProblem(sscc)).toBeNull();
      expect(ssccHasPrefix(sscc, '0614141')).toBe(true);
    }
    expect(ssccCapacity('0614141')).toBe(10n ** 10n);
    expect(nthSscc('0614141', 10n ** 10n)).toBeNull();
    // A 12-digit prefix leaves 4 digits of serial reference: its last SSCC is extension digit 9, reference 9999.
    expect(nthSscc('690123456789', 99_999n)).toBe('969012345678999993');
    expect(nthSscc('690123456789', 100_000n)).toBeNull();
    expect(ssccHasPrefix('106141411234567897', '0614142')).toBe(false);
  });

  it("writes an SSCC as EPCIS's pure identity URN", () => {
    expect(ssccUrn('106141411234567897', 7)).toBe('urn:epc:id:sscc:0614141.1123456789');
  });
});
