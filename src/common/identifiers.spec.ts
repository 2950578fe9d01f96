import { describe, expect, it } from '@jest/globals';
import { mintTraceCode, TRACE_CODE_ALPHABET, TRACE_CODE_PATTERN } from '../batches/trace-code.js';
import { usccProblem } from '../organizations/uscc.js';
import { gtinCheckDigit, normalizeGtin } from '../products/gtin.js';
import { checkDetails } from './json-details.js';

describe('GTIN', () => {
  it('accepts GS1 examples and normalises them to GTIN-14', () => {
    expect(normalizeGtin('4006381333931')).toBe('04006381333931'); // GTIN-13
    expect(normalizeGtin('036000291452')).toBe('00036000291452'); // GTIN-12 (UPC-A)
    expect(normalizeGtin('96385074')).toBe('00000096385074'); // GTIN-8
    expect(normalizeGtin('10614141000415')).toBe('10614141000415'); // GTIN-14
  });
  it('refuses a wrong check digit or a wrong length', () => {
    expect(normalizeGtin('4006381333932')).toBeNull();
    expect(normalizeGtin('12345')).toBeNull();
    expect(normalizeGtin('40063813339a1')).toBeNull();
    expect(gtinCheckDigit('400638133393')).toBe(1);
  });
});

describe('USCC', () => {
  it('accepts a code whose check character is right', () => {
    expect(usccProblem('91350100M000100Y43')).toBeNull();
  });
  it('names the problem', () => {
    expect(usccProblem('91350100M000100Y44')).toBe('the check character should be 3, not 4');
    expect(usccProblem('91350100M000100Y4')).toBe('a USCC has 18 characters, got 17');
    expect(usccProblem('91350100M000100YO3')).toBe('"O" is not a USCC character (digits and capital letters except I, O, Z, S, V)');
  });
});

describe('trace codes', () => {
  it('are 12 characters of the unambiguous alphabet, carrying at least 50 random bits', () => {
    expect(TRACE_CODE_ALPHABET).not.toMatch(/[01OILUV]/);
    expect(12 * Math.log2(TRACE_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(50);
    const codes = new Set(Array.from({ length: 10_000 }, mintTraceCode));
    expect(codes.size).toBe(10_000);
    for (const code of codes) expect(code).toMatch(TRACE_CODE_PATTERN);
  });
});

describe('details', () => {
  it('keeps an object as given', () => {
    expect(checkDetails({ fieldName: 'Plot 7', harvestDate: '2026-10-06' })).toEqual({ fieldName: 'Plot 7', harvestDate: '2026-10-06' });
    expect(checkDetails(null)).toBeUndefined();
  });
  it('refuses a non-object, too deep or too large', () => {
    expect(() => checkDetails([1])).toThrow('details must be a JSON object');
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 9; i++) deep = { deep };
    expect(() => checkDetails(deep)).toThrow('details is nested 10 levels deep; at most 8 are allowed');
    expect(() => checkDetails({ note: 'x'.repeat(17_000) })).toThrow(/details is 170\d\d bytes; at most 16384 are allowed/);
  });
});
