import { describe, expect, it } from '@jest/globals';
import { parseChildEpc, parseSgtinEpc, parseSsccEpc, sgtinEpc, ssccEpc } from './aggregation-identifiers.js';

describe('EPCIS package and unit names', () => {
  it('reads an SSCC from its URN (GS1 example 9.6.3) or its Digital Link, and refuses a wrong check digit or length', () => {
    expect(parseSsccEpc('urn:epc:id:sscc:0614141.1234567890')).toBe('106141412345678908');
    expect(parseSsccEpc('https://id.gs1.org/00/106141412345678908')).toBe('106141412345678908');
    expect(parseSsccEpc('https://resolver.example.com/00/106141412345678908')).toBe('106141412345678908');
    expect(parseSsccEpc('https://id.gs1.org/00/106141412345678907')).toBeNull();
    expect(parseSsccEpc('urn:epc:id:sscc:0614141.123456789')).toBeNull(); // 16 digits
    expect(parseSsccEpc('urn:epc:id:sgtin:0614141.107346.2017')).toBeNull();
  });

  it('reads a serialized unit from its SGTIN URN or Digital Link, with the serial unescaped', () => {
    expect(parseSgtinEpc('urn:epc:id:sgtin:0614141.107346.2017')).toEqual({ gtin: '10614141073464', serial: '2017' });
    expect(parseSgtinEpc('https://id.gs1.org/01/70614141123451/21/2017')).toEqual({ gtin: '70614141123451', serial: '2017' });
    expect(parseSgtinEpc('urn:epc:id:sgtin:0614141.107346.A%2FB')).toEqual({ gtin: '10614141073464', serial: 'A/B' });
    expect(parseSgtinEpc('https://id.gs1.org/01/06920000000029/21/A%20B')).toBeNull(); // a space is outside AI 21
    expect(parseSgtinEpc('https://id.gs1.org/01/06920000000028/21/X')).toBeNull(); // wrong check digit
    expect(parseSgtinEpc('https://id.gs1.org/01/06920000000029/10/L1')).toBeNull(); // a lot, not a unit
    expect(parseSgtinEpc('urn:epc:idpat:sgtin:4012345.098765.*')).toBeNull();
  });

  it('tells units from packages among children, and names nothing else', () => {
    expect(parseChildEpc('urn:epc:id:sgtin:0614141.107346.2018')).toEqual({ unit: { gtin: '10614141073464', serial: '2018' } });
    expect(parseChildEpc('urn:epc:id:sscc:0614141.1234567890')).toEqual({ sscc: '106141412345678908' });
    expect(parseChildEpc('urn:epc:class:lgtin:4012345.012345.998877')).toBeNull();
  });

  it('writes URNs with the company prefix the GTIN or SSCC starts with, and Digital Links otherwise; both read back', () => {
    expect(ssccEpc('106141412345678908', '0614141')).toBe('urn:epc:id:sscc:0614141.1234567890');
    expect(ssccEpc('106141412345678908', '6920000')).toBe('https://id.gs1.org/00/106141412345678908');
    expect(ssccEpc('106141412345678908', null)).toBe('https://id.gs1.org/00/106141412345678908');
    expect(sgtinEpc('10614141073464', '2017', '0614141')).toBe('urn:epc:id:sgtin:0614141.107346.2017');
    expect(sgtinEpc('10614141073464', 'A/B', '0614141')).toBe('urn:epc:id:sgtin:0614141.107346.A%2FB');
    expect(sgtinEpc('10614141073464', 'A/B', null)).toBe('https://id.gs1.org/01/10614141073464/21/A%2FB');
    for (const [gtin, serial, prefix] of [
      ['10614141073464', 'x&y<z>?"%', '0614141'],
      ['06920000000029', 'Q-7', null],
    ] as const)
      expect(parseSgtinEpc(sgtinEpc(gtin, serial, prefix))).toEqual({ gtin, serial });
    expect(parseSsccEpc(ssccEpc('106141412345678908', '0614141'))).toBe('106141412345678908');
  });
});
