import { describe, expect, it } from '@jest/globals';
import { parseUnitEpc, serialsByLot, unitsByGtin } from './serial-identifiers.js';

describe('serialized units as EPCIS names them', () => {
  it('reads an SGTIN URN: indicator digit first, then the company prefix, the item reference and the computed check digit', () => {
    // GS1's Example 9.6.1: company prefix 0614141, indicator 1, item reference 07346.
    expect(parseUnitEpc('urn:epc:id:sgtin:0614141.107346.2017')).toEqual({ gtin: '10614141073464', serial: '2017' });
    // TDS %-escapes some characters of set 82 in the URN.
    expect(parseUnitEpc('urn:epc:id:sgtin:6951234.005678.A%2FB%22C')).toMatchObject({ serial: 'A/B"C' });
    // Prefix and item reference must make 13 digits.
    expect(parseUnitEpc('urn:epc:id:sgtin:0614141.1073460.2017')).toBeNull();
  });

  it('reads a GS1 Digital Link with AI 21, on any resolver host, with or without the lot', () => {
    expect(parseUnitEpc('https://id.gs1.org/01/70614141123451/21/2018')).toEqual({ gtin: '70614141123451', serial: '2018' });
    expect(parseUnitEpc('https://id.gs1.de/01/04012345999990/21/XYZ-1234')).toEqual({ gtin: '04012345999990', serial: 'XYZ-1234' });
    expect(parseUnitEpc('https://example.com/01/04012345999990/10/L1/21/X%2F1')).toEqual({ gtin: '04012345999990', serial: 'X/1' });
    // A GTIN-13 is the same product as its GTIN-14.
    expect(parseUnitEpc('https://id.gs1.org/01/4012345999990/21/7')).toEqual({ gtin: '04012345999990', serial: '7' });
  });

  it('says what is wrong with a serial outside AI 21, and is null for what is no unit (a lot, an SSCC, a bad check digit)', () => {
    expect(parseUnitEpc('urn:epc:id:sgtin:0614141.107346.has%20space')).toEqual({ problem: expect.stringMatching(/^serial "has space" is not a GS1 serial/) });
    expect(parseUnitEpc(`https://id.gs1.org/01/70614141123451/21/${'X'.repeat(21)}`)).toEqual({ problem: expect.stringContaining('AI 21') });
    expect(parseUnitEpc('urn:epc:id:sgtin:0614141.107346.%E0%A4%A')).toEqual({ problem: expect.stringContaining('not %-escaped') });
    expect(parseUnitEpc('urn:epc:id:sscc:4012345.0000000333')).toBeNull();
    expect(parseUnitEpc('https://id.gs1.org/01/70614141123451/10/L1')).toBeNull();
    expect(parseUnitEpc('https://id.gs1.org/01/70614141123452/21/1')).toBeNull();
    expect(parseUnitEpc('ftp://id.gs1.org/01/70614141123451/21/1')).toBeNull();
  });

  it('groups units by GTIN, and a GTIN’s serials by lot, each in order of first mention', () => {
    const units = [
      { gtin: 'G1', serial: 'a' },
      { gtin: 'G2', serial: 'b' },
      { gtin: 'G1', serial: 'c' },
    ];
    expect(unitsByGtin(units)).toEqual([
      { gtin: 'G1', serials: ['a', 'c'] },
      { gtin: 'G2', serials: ['b'] },
    ]);
    const lotOf = (serial: string) => (serial < 'm' ? 'lot-1' : 'lot-2');
    expect(serialsByLot(['x', 'a', 'y', 'b'], lotOf)).toEqual([
      { batchId: 'lot-2', serials: ['x', 'y'] },
      { batchId: 'lot-1', serials: ['a', 'b'] },
    ]);
  });
});
