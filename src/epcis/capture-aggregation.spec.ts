import { describe, expect, it } from '@jest/globals';
import { readFixtureJson } from '../../test/support/fixtures.js';
import { planCapture } from './capture-plan.js';

const BASE = 'https://trace.example.cn';
const at = { eventTime: '2026-11-20T06:00:00Z', bizLocation: { id: 'urn:epc:id:sgln:0614141.00888.0' } };
const plan = (...eventList: object[]) => planCapture({ type: 'EPCISDocument', epcisBody: { eventList } }, BASE);
/** Each problem as [event index, [code, first words of the reason]…]. */
const reasons = (...eventList: object[]) => plan(...eventList).problems.map((p) => [p.index, ...p.reasons.map((r) => [r.code, r.reason.split(/[:;]/)[0]])]);

describe('planCapture of AggregationEvents', () => {
  it('reads ADD as packing units of one GTIN and packages, parent and children in URN or Digital Link form', () => {
    const { steps, problems } = plan(
      {
        type: 'AggregationEvent',
        action: 'ADD',
        bizStep: 'packing',
        parentID: 'urn:epc:id:sscc:0614141.1234567890',
        childEPCs: ['urn:epc:id:sgtin:0614141.107346.2017', 'https://id.gs1.org/01/10614141073464/21/2018', 'https://id.gs1.org/00/006141410000000012'],
        ...at,
      },
      { type: 'AggregationEvent', action: 'DELETE', parentID: 'https://id.gs1.org/00/106141412345678908', ...at },
      {
        type: 'AggregationEvent',
        action: 'DELETE',
        bizStep: 'urn:epcglobal:cbv:bizstep:unpacking',
        parentID: 'urn:epc:id:sscc:0614141.1234567890',
        childEPCs: ['urn:epc:id:sscc:0614141.0000000001'],
        ...at,
      },
    );
    expect(problems).toEqual([]);
    expect(steps).toEqual([
      {
        index: 0,
        eventID: null,
        kind: 'pack',
        sscc: '106141412345678908',
        children: { gtin: '10614141073464', serials: ['2017', '2018'], childSsccs: ['006141410000000012'] },
        place: { gln: '0614141008889' },
        eventTime: new Date('2026-11-20T06:00:00Z'),
      },
      { index: 1, eventID: null, kind: 'unpack', sscc: '106141412345678908', children: null, place: { gln: '0614141008889' }, eventTime: expect.any(Date) },
      {
        index: 2,
        eventID: null,
        kind: 'unpack',
        sscc: '106141412345678908',
        children: { gtin: null, serials: [], childSsccs: ['006141410000000012'] },
        place: { gln: '0614141008889' },
        eventTime: expect.any(Date),
      },
    ]);
  });

  it('names every problem of an event: OBSERVE, lot quantities, a parent or child that is no SSCC or SGTIN, two GTINs, a wrong step', () => {
    const parentID = 'urn:epc:id:sscc:0614141.1234567890';
    expect(
      reasons(
        { type: 'AggregationEvent', action: 'OBSERVE', parentID, childEPCs: ['urn:epc:id:sgtin:0614141.107346.1'], ...at },
        {
          type: 'AggregationEvent',
          action: 'ADD',
          parentID,
          childQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.998877', quantity: 2 }],
          ...at,
        },
        { type: 'AggregationEvent', action: 'ADD', parentID: 'urn:epc:id:sgtin:0614141.107346.1', childEPCs: ['urn:epc:class:lgtin:4012345.012345.1'], ...at },
        {
          type: 'AggregationEvent',
          action: 'ADD',
          parentID,
          childEPCs: ['urn:epc:id:sgtin:0614141.107346.1', 'https://id.gs1.org/01/06920000000029/21/2'],
          ...at,
        },
        { type: 'AggregationEvent', action: 'DELETE', bizStep: 'packing', parentID, eventTime: 'now' },
        { type: 'AggregationEvent', action: 'ADD', childEPCs: 'urn:epc:id:sgtin:0614141.107346.1', ...at },
      ),
    ).toEqual([
      [0, ['EPCIS_NOT_MODELLED', 'action OBSERVE of an AggregationEvent is not modelled']],
      [1, ['EPCIS_NOT_MODELLED', 'childQuantityList'], ['EPCIS_NOT_MODELLED', 'childEPCs']],
      [2, ['EPCIS_NOT_MODELLED', 'parentID "urn'], ['EPCIS_NOT_MODELLED', 'childEPCs[0] "urn']],
      [3, ['EPCIS_NOT_MODELLED', 'childEPCs']],
      [
        4,
        ['EPCIS_NOT_MODELLED', 'bizStep packing with action DELETE is not modelled'],
        ['EPCIS_NOT_MODELLED', 'bizLocation or readPoint is required'],
        ['EPCIS_INVALID', 'eventTime must be a date and time with its offset (RFC 3339), such as 2026-10-06T09'],
      ],
      [5, ['EPCIS_NOT_MODELLED', 'parentID is required'], ['EPCIS_INVALID', 'childEPCs must be a list of EPC URIs']],
    ]);
  });

  it('refuses GS1’s aggregation examples (OBSERVE with lot quantities) with their reasons', () => {
    for (const name of ['Example_9.6.3-AggregationEvent.jsonld', 'Example_9.6.3-AggregationEventWithDigitalLink.jsonld']) {
      const { steps, problems } = planCapture(readFixtureJson(`epcis/examples/${name}`), BASE);
      expect(steps).toEqual([]);
      expect(problems.map((p) => p.reasons.map((r) => r.reason.split(/[:;]/)[0]))).toEqual([
        ['action OBSERVE of an AggregationEvent is not modelled', 'childQuantityList'],
      ]);
    }
  });
});
