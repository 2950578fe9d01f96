import { readFixtureJson } from '../../test/support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import { DocumentProblem, planCapture } from './capture-plan.js';
import { parseLocation, parseLotClass, parseParty } from './epcis-identifiers.js';

const BASE = 'https://trace.example.cn';
const example = (name: string) => readFixtureJson(`epcis/examples/${name}`);

describe('EPCIS names', () => {
  it('reads lots by LGTIN, Digital Link or page URL, and nothing that is not a lot', () => {
    expect(parseLotClass('urn:epc:class:lgtin:4012345.012345.998877', BASE)).toEqual({ gtin: '04012345123456', lot: '998877' });
    expect(parseLotClass('https://id.gs1.org/01/06920000000029/10/R%201', BASE)).toEqual({ gtin: '06920000000029', lot: 'R 1' });
    expect(parseLotClass(`${BASE}/q/BEE47H368BSY`, BASE)).toEqual({ traceCode: 'BEE47H368BSY' });
    expect(parseLotClass('https://id.gs1.org/01/06920000000028/10/R1', BASE)).toBeNull(); // wrong check digit
    expect(parseLotClass('https://id.gs1.org/01/70614141123451/21/2017', BASE)).toBeNull(); // a serialised item
    expect(parseLotClass('urn:epc:idpat:sgtin:4012345.066666.*', BASE)).toBeNull();
  });
  it('reads places and parties by facility or organization id, SGLN, PGLN or Digital Link', () => {
    expect(parseLocation('urn:epc:id:sgln:0614141.00888.0')).toEqual({ gln: '0614141008889' });
    expect(parseLocation('https://id.gs1.org/414/0614141008889')).toEqual({ gln: '0614141008889' });
    expect(parseLocation('urn:uuid:8F14E45F-CEEA-467F-A0E6-0E9C1B0E1A11')).toEqual({ id: '8f14e45f-ceea-467f-a0e6-0e9c1b0e1a11' });
    expect(parseParty('urn:epc:id:pgln:0614141.00001')).toEqual({ gln: '0614141000012' });
    expect(parseLocation('urn:epc:id:sgtin:0614141.107346.2017')).toBeNull();
  });
});

describe('planCapture on GS1’s examples', () => {
  it('captures Example 9.6.2: a receiving of 200 kg of a lot at a GLN, with its extension kept', () => {
    const { steps, problems } = planCapture(example('Example_9.6.2-ObjectEvent.jsonld'), BASE);
    expect(problems).toEqual([]);
    expect(steps).toEqual([
      {
        index: 0,
        eventID: 'ni:///sha-256;a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10?ver=CBV2.0',
        kind: 'event',
        bizStep: 'RECEIVING',
        line: { lot: { gtin: '04012345123456', lot: '998877' }, quantity: 200, uom: 'KGM' },
        place: { gln: '0614141008889' },
        eventTime: new Date('2013-06-08T14:58:56.591Z'),
        destination: null,
        details: expect.objectContaining({
          epcisEventID: 'ni:///sha-256;a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10?ver=CBV2.0',
          shipToLocation: 'urn:epc:id:sgln:0614141.00777.0',
          'example:myField': 'Example of a vendor/user extension',
        }),
      },
    ]);
  });

  it('reads the examples on serialized units as unit steps, and refuses what they say that is not modelled, with a reason per event', () => {
    // Example 9.6.1: the shipping names no organization it goes to (refused); the receiving of unit 2018 at GLN 0012345111112
    // is read, by SGTIN and by Digital Link.
    for (const [name, gtin] of [
      ['Example_9.6.1-ObjectEvent.jsonld', '10614141073464'],
      ['Example_9.6.1-ObjectEventWithDigitalLink.jsonld', '70614141123451'],
    ]) {
      const { steps, problems } = planCapture(example(name), BASE);
      expect(problems.map((p) => [p.index, p.reason])).toEqual([
        [0, expect.stringMatching(/^destinationList: a shipping event names the organization it goes to/)],
      ]);
      expect(steps).toEqual([
        expect.objectContaining({ index: 1, kind: 'unit-event', bizStep: 'RECEIVING', gtin, serials: ['2018'], place: { gln: '0012345111112' } }),
      ]);
    }
    const expected: Record<string, RegExp> = {
      // Readings of units, not of a lot.
      'SensorDataExample1.jsonld': /^sensorElementList: readings are recorded for lots/,
      'SensorDataExample2.jsonld': /^sensorElementList: readings are recorded for lots/,
      // Sensor data of a place, with no goods named: there is no lot to record it on.
      'SensorDataExample3.jsonld': /^quantityList: at least one lot is required/,
    };
    for (const [name, reason] of Object.entries(expected)) {
      const { steps, problems } = planCapture(example(name), BASE);
      expect(steps).toEqual([]);
      expect(problems.map((p) => p.index)).toEqual(example(name).epcisBody.eventList.map((_: unknown, i: number) => i));
      for (const p of problems) expect(p.reason).toMatch(reason);
    }
    const transformation = planCapture(example('Example_9.6.4-TransformationEvent.jsonld'), BASE);
    // Every independent problem of the event, not only the first.
    expect(transformation.problems).toEqual([expect.objectContaining({ index: 0, eventID: expect.stringMatching(/^ni:/), code: 'EPCIS_NOT_MODELLED' })]);
    expect(transformation.problems[0].reasons.map((r) => [r.code, r.reason.split(/[:;(]/)[0]])).toEqual([
      ['EPCIS_NOT_MODELLED', 'inputEPCList'],
      ['EPCIS_NOT_MODELLED', 'outputEPCList'],
      ['EPCIS_NOT_MODELLED', 'inputQuantityList[2].epcClass urn'],
      ['EPCIS_NOT_MODELLED', 'outputQuantityList'],
    ]);
    expect(transformation.problems[0].reason).toBe(transformation.problems[0].reasons.map((r) => r.reason).join('; '));
  });

  it('reads temperatures, transformations and commissioning written the way Suyuan exports them', () => {
    const lot = 'https://id.gs1.org/01/06920000000029/10/RAW-1';
    const { steps, problems } = planCapture(
      {
        type: 'EPCISDocument',
        schemaVersion: '2.0',
        epcisBody: {
          eventList: [
            {
              type: 'ObjectEvent',
              action: 'ADD',
              bizStep: 'commissioning',
              eventTime: '2026-11-20T05:00:00+08:00',
              bizLocation: { id: 'urn:epc:id:sgln:0614141.00888.0' },
              quantityList: [{ epcClass: lot, quantity: 800, uom: 'KGM' }],
              ilmd: { 'suyuan:fieldName': 'Plot 7' },
            },
            {
              type: 'ObjectEvent',
              action: 'OBSERVE',
              bizStep: 'sensor_reporting',
              eventTime: '2026-11-20T06:00:00Z',
              quantityList: [{ epcClass: lot }],
              sensorElementList: [
                {
                  sensorMetadata: { deviceID: `${BASE}/epcis/sensor/tank%201` },
                  sensorReport: [
                    { type: 'Temperature', time: '2026-11-20T05:30:00Z', value: 4, uom: 'CEL' },
                    { type: 'Temperature', time: '2026-11-20T06:00:00Z', value: 41, uom: 'FAH' },
                    { type: 'Temperature', minValue: 4, maxValue: 5, uom: 'CEL' },
                  ],
                },
              ],
            },
            {
              type: 'TransformationEvent',
              eventTime: '2026-11-21T00:00:00Z',
              readPoint: { id: 'https://id.gs1.org/414/0614141008889' },
              inputQuantityList: [{ epcClass: lot, quantity: 800, uom: 'KGM' }],
              outputQuantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.M1', quantity: 780, uom: 'LTR' }],
            },
          ],
        },
      },
      BASE,
    );
    expect(problems).toEqual([]);
    expect(steps.map((s) => s.kind)).toEqual(['register', 'temperatures', 'transform']);
    expect(steps[0]).toMatchObject({
      gtin: '06920000000029',
      lot: 'RAW-1',
      quantity: 800,
      unit: 'kg',
      place: { gln: '0614141008889' },
      details: { fieldName: 'Plot 7' },
    });
    expect(steps[1]).toMatchObject({
      sensorId: 'tank 1',
      readings: [
        { at: new Date('2026-11-20T05:30:00Z'), celsius: 4 },
        { at: new Date('2026-11-20T06:00:00Z'), celsius: 5 },
      ],
    });
    expect(steps[2]).toMatchObject({ inputs: [{ quantity: 800, uom: 'KGM' }], outputs: [{ gtin: '04012345123456', lot: 'M1', quantity: 780, unit: 'L' }] });
  });

  it('names what it does not model: other event types, DELETE, unknown steps, missing places, non-temperature sensors', () => {
    const lot = { epcClass: 'https://id.gs1.org/01/06920000000029/10/L1', quantity: 1 };
    const at = { eventTime: '2026-11-20T00:00:00Z', bizLocation: { id: 'urn:epc:id:sgln:0614141.00888.0' } };
    const { problems } = planCapture(
      {
        type: 'EPCISDocument',
        epcisBody: {
          eventList: [
            { type: 'AssociationEvent', action: 'ADD', ...at },
            { type: 'ObjectEvent', action: 'DELETE', quantityList: [lot], ...at },
            { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'departing', quantityList: [lot], ...at },
            { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'storing', quantityList: [lot], eventTime: '2026-11-20T00:00:00Z' },
            {
              type: 'ObjectEvent',
              action: 'OBSERVE',
              bizStep: 'sensor_reporting',
              quantityList: [lot],
              ...at,
              sensorElementList: [{ sensorReport: [{ type: 'AbsoluteHumidity', value: 12, uom: 'A93' }] }],
            },
            { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'shipping', quantityList: [lot], ...at },
            {
              type: 'ObjectEvent',
              action: 'OBSERVE',
              bizStep: 'storing',
              quantityList: [lot],
              ...at,
              errorDeclaration: { reason: 'incorrect_data' },
            },
          ],
        },
      },
      BASE,
    );
    expect(problems.map((p) => [p.index, p.reason.split(/[:;]/)[0]])).toEqual([
      [0, 'type "AssociationEvent" is not modelled'],
      [1, 'action DELETE is not modelled'],
      [2, 'bizStep "departing" is not modelled'],
      [3, 'bizLocation or readPoint is required'],
      [4, 'sensorElementList[0].sensorReport[0].type "AbsoluteHumidity" is not modelled'],
      [5, 'destinationList'],
      [6, 'errorDeclaration.declarationTime must be a date and time with its offset (RFC 3339), such as 2026-10-06T09'],
    ]);
  });

  it('reads sensor reports on any ObjectEvent, each timed by itself, its metadata or the event; refuses them on a transformation', () => {
    const lot = { epcClass: 'https://id.gs1.org/01/06920000000029/10/L1', quantity: 1 };
    const at = { eventTime: '2026-11-20T10:00:00Z', bizLocation: { id: 'urn:epc:id:sgln:0614141.00888.0' } };
    const sensorElementList = [
      {
        sensorMetadata: { deviceID: 'urn:epc:id:giai:0614141.1', time: '2026-11-20T09:00:00Z' },
        sensorReport: [
          { type: 'gs1:Temperature', time: '2026-11-20T08:00:00Z', value: 277.15, uom: 'KEL' },
          { type: 'Temperature', value: 39.2, uom: 'FAH' },
        ],
      },
      { sensorMetadata: { deviceID: 'urn:epc:id:giai:0614141.1' }, sensorReport: [{ type: 'Temperature', value: 3.14159 }] },
    ];
    const { steps, problems } = planCapture(
      {
        type: 'EPCISDocument',
        epcisBody: {
          eventList: [
            { type: 'ObjectEvent', action: 'OBSERVE', bizStep: 'storing', quantityList: [lot], ...at, sensorElementList },
            {
              type: 'ObjectEvent',
              action: 'OBSERVE',
              bizStep: 'storing',
              quantityList: [lot],
              ...at,
              sensorElementList: [{ sensorReport: [{ type: 'Temperature', value: 4, uom: 'DEG' }] }],
            },
            { type: 'ObjectEvent', action: 'ADD', bizStep: 'commissioning', quantityList: [lot], ...at, sensorElementList },
            {
              type: 'TransformationEvent',
              ...at,
              inputQuantityList: [lot],
              outputQuantityList: [{ ...lot, epcClass: 'https://id.gs1.org/01/06920000000029/10/L2' }],
              sensorElementList,
            },
            {
              type: 'ObjectEvent',
              action: 'OBSERVE',
              bizStep: 'storing',
              quantityList: [lot],
              ...at,
              sensorElementList: [{ sensorMetadata: { time: 'yesterday' }, sensorReport: [{ type: 'Temperature', value: 4 }] }],
            },
          ],
        },
      },
      BASE,
    );
    expect(steps.map((s) => [s.index, s.kind])).toEqual([
      [0, 'event'],
      [0, 'temperatures'],
      [2, 'register'],
      [2, 'temperatures'],
    ]);
    // The commissioned lot gets the same readings as the stored one.
    expect(steps[3]).toEqual({ ...steps[1], index: 2 });
    expect(steps[0]).toMatchObject({ bizStep: 'STORING', line: { quantity: 1 } });
    expect(steps[1]).toEqual({
      index: 0,
      eventID: null,
      kind: 'temperatures',
      lots: [{ gtin: '06920000000029', lot: 'L1' }],
      sensorId: 'urn:epc:id:giai:0614141.1',
      readings: [
        { at: new Date('2026-11-20T08:00:00Z'), celsius: 4 },
        { at: new Date('2026-11-20T09:00:00Z'), celsius: 4 },
        { at: new Date('2026-11-20T10:00:00Z'), celsius: 3.14159 },
      ],
    });
    expect(problems.map((p) => [p.index, p.reason])).toEqual([
      [1, 'sensorElementList[0].sensorReport[0].uom "DEG": a temperature is captured in CEL, FAH or KEL (UN/ECE codes), not in this unit'],
      [3, expect.stringMatching(/^sensorElementList on a TransformationEvent is not modelled/)],
      [4, expect.stringMatching(/^sensorElementList\[0\]\.sensorMetadata\.time must be /)],
    ]);
  });

  it('reports every independent problem of an event, each labelled as breaking the standard or as not modelled here', () => {
    const { steps, problems } = planCapture(
      {
        type: 'EPCISDocument',
        epcisBody: {
          eventList: [
            {
              type: 'ObjectEvent',
              action: 'OBSERVE',
              bizStep: 'shipping',
              eventTime: '20 Nov 2026',
              quantityList: [{ epcClass: 'https://id.gs1.org/01/06920000000029/10/L1', quantity: '12' }, { quantity: 1 }],
              readPoint: { id: 42 },
              destinationList: [],
              sensorElementList: [
                {
                  sensorReport: [
                    { type: 'Humidity', value: 'wet' },
                    { type: 'Temperature', value: 4, uom: 'DEG' },
                  ],
                },
              ],
            },
            {
              type: 'ObjectEvent',
              action: 'OBSERVE',
              bizStep: 'storing',
              eventTime: '2026-11-20T00:00:00Z',
              quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.9' }],
            },
            { type: 'QuantityEvent', action: 'OBSERVE', eventTime: '2026-11-20T00:00:00Z' },
            { type: 'AssociationEvent', action: 'ADD', eventTime: '2026-11-20T00:00:00Z' },
            { type: 'ObjectEvent', action: 'WATCH', bizStep: ['storing'], eventTime: '2026-11-20T00:00:00Z' },
          ],
        },
      },
      BASE,
    );
    expect(steps).toEqual([]);
    const starts = (text: string) => expect.stringMatching(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect(problems[0].reasons).toEqual([
      { code: 'EPCIS_INVALID', reason: starts('quantityList[0].quantity must be a number') },
      { code: 'EPCIS_INVALID', reason: starts('quantityList[1].epcClass is required') },
      { code: 'EPCIS_INVALID', reason: starts('eventTime must be ') },
      { code: 'EPCIS_INVALID', reason: starts('readPoint.id is required') },
      { code: 'EPCIS_NOT_MODELLED', reason: starts('destinationList: a shipping event names the organization') },
      { code: 'EPCIS_NOT_MODELLED', reason: starts('sensorElementList[0].sensorReport[0].type "Humidity" is not modelled') },
      { code: 'EPCIS_INVALID', reason: starts('sensorElementList[0].sensorReport[0].value must be a number') },
      { code: 'EPCIS_NOT_MODELLED', reason: starts('sensorElementList[0].sensorReport[1].uom "DEG"') },
    ]);
    expect(problems[0].code).toBe('EPCIS_INVALID');
    // Valid EPCIS that names no place: only "not modelled".
    expect(problems[1]).toMatchObject({ index: 1, code: 'EPCIS_NOT_MODELLED', reasons: [{ code: 'EPCIS_NOT_MODELLED' }] });
    expect(problems[1].reason).toMatch(/^bizLocation or readPoint is required/);
    // An event type EPCIS does not have breaks the standard; one it has that Suyuan does not record is not modelled.
    expect(problems[2]).toMatchObject({ code: 'EPCIS_INVALID', reason: expect.stringMatching(/^type "QuantityEvent" is no EPCIS 2.0 event type/) });
    expect(problems[3]).toMatchObject({ code: 'EPCIS_NOT_MODELLED', reason: expect.stringMatching(/^type "AssociationEvent" is not modelled/) });
    expect(problems[4].reasons.map((r) => r.reason.split(' ')[0])).toEqual(['bizStep', 'quantityList:', 'action']);
    expect(problems[4].reasons.map((r) => r.code)).toEqual(['EPCIS_INVALID', 'EPCIS_NOT_MODELLED', 'EPCIS_INVALID']);
  });

  it('refuses what is no EPCIS document at all', () => {
    expect(() => planCapture([], BASE)).toThrow(DocumentProblem);
    expect(() => planCapture({ type: 'EPCISQueryDocument', epcisBody: { eventList: [{}] } }, BASE)).toThrow(
      'type must be "EPCISDocument", got "EPCISQueryDocument"',
    );
    expect(() => planCapture({ type: 'EPCISDocument', epcisBody: { eventList: [] } }, BASE)).toThrow('epcisBody.eventList must list at least one event');
  });
});
