import { describe, expect, it } from '@jest/globals';
import { parseDateTime } from './date-time.js';

describe('parseDateTime', () => {
  it('reads RFC 3339 with its offset, to the millisecond', () => {
    expect(parseDateTime('2026-10-06T09:00:00Z')?.toISOString()).toBe('2026-10-06T09:00:00.000Z');
    expect(parseDateTime('2026-10-06T17:00:00.5+08:00')?.toISOString()).toBe('2026-10-06T09:00:00.500Z');
    expect(parseDateTime('2005-04-03T20:33:31.116000-06:00')?.toISOString()).toBe('2005-04-04T02:33:31.116Z');
    expect(parseDateTime('2024-02-29t23:59:59z')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
    expect(parseDateTime('9999-12-31T23:59:59.999Z')?.toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(parseDateTime('1900-01-01T00:00:00Z')?.toISOString()).toBe('1900-01-01T00:00:00.000Z');
  });

  it('refuses what a Date would turn into another instant, or that PostgreSQL could not read back', () => {
    for (const text of [
      '2026-02-30T00:00:00Z', // rolls over to March 2nd
      '2026-10-06T24:00:00Z',
      '2026-10-06T23:60:00Z',
      '2026-13-45T00:00:00Z',
      '2026-10-06T09:00:00', // no offset: the server's zone
      '2026-10-06', // date only
      '2026-10-06 09:00:00Z',
      '2026-10-06T09:00:00+24:00',
      '2026-10-06T09:00:00.1234Z', // finer than a millisecond
      '+099999-01-01T00:00:00Z',
      '99999-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '1899-12-31T23:59:59Z',
      '9999-12-31T23:00:00-05:00', // the year 10000 at UTC
      'not a date',
      '',
    ]) {
      expect({ text, parsed: parseDateTime(text) }).toEqual({ text, parsed: null });
    }
    expect(parseDateTime(1234)).toBeNull();
    expect(parseDateTime(new Date())).toBeNull();
  });
});
