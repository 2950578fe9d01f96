import { describe, expect, it } from '@jest/globals';
import { packageEvent, type PackageSource } from './aggregation-export.js';

const HASH = 'ab'.repeat(32);
const source = (over: Partial<PackageSource>): PackageSource => ({
  seq: 7,
  hash: HASH,
  type: 'UNITS_PACKED',
  payload: {
    sscc: '069012340000000016',
    facilityId: '8f14e45f-ceea-467f-a0e6-0e9c1b0e1a11',
    units: [{ gtin: '06901234567892', serials: ['A/1', 'B2'] }],
    childSsccs: ['069012340000000023'],
  },
  recordedAt: '2026-11-20T06:00:00.000Z',
  facilityGln: '6901234000016',
  actorPrefix: '6901234',
  gtinPrefixes: { '06901234567892': '6901234' },
  ...over,
});

describe('package entries as EPCIS events', () => {
  it('writes packing as an AggregationEvent ADD, with URNs where the company prefix splits the numbers', () => {
    expect(packageEvent(source({}))).toEqual({
      type: 'AggregationEvent',
      eventID: `ni:///sha-256;${Buffer.from(HASH, 'hex').toString('base64url')}`,
      eventTime: '2026-11-20T06:00:00.000Z',
      eventTimeZoneOffset: '+08:00',
      parentID: 'urn:epc:id:sscc:6901234.0000000001',
      childEPCs: ['urn:epc:id:sgtin:6901234.056789.A%2F1', 'urn:epc:id:sgtin:6901234.056789.B2', 'urn:epc:id:sscc:6901234.0000000002'],
      action: 'ADD',
      bizStep: 'packing',
      readPoint: { id: 'https://id.gs1.org/414/6901234000016' },
      bizLocation: { id: 'https://id.gs1.org/414/6901234000016' },
    });
  });

  it('writes Digital Links where no prefix is known, and unpacking as DELETE at a facility without a GLN', () => {
    const event = packageEvent(source({ type: 'UNPACKED', actorPrefix: null, gtinPrefixes: {}, facilityGln: null }));
    expect(event).toMatchObject({
      action: 'DELETE',
      bizStep: 'unpacking',
      parentID: 'https://id.gs1.org/00/069012340000000016',
      childEPCs: ['https://id.gs1.org/01/06901234567892/21/A%2F1', 'https://id.gs1.org/01/06901234567892/21/B2', 'https://id.gs1.org/00/069012340000000023'],
      bizLocation: { id: 'urn:uuid:8f14e45f-ceea-467f-a0e6-0e9c1b0e1a11' },
    });
  });
});
