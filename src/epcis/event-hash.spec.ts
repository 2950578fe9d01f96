import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { readFixture } from '../../test/support/fixtures.js';
import { eventHashesOfDocument, EventHashError, hashIdOf, toDigitalLink, utcMillis } from './event-hash.js';

const VECTORS = [
  'ReferenceEventHashAlgorithm',
  'ReferenceEventHashAlgorithm2',
  'TimeStampRoundOff',
  'epcisDocWithAllGS1Keys',
  'epcisDocWithSensorDataObjectEvent',
  'epcisDocWithShippingAndTransportingEvent',
  'epcisDocWithSingleEvent',
  'epcisEventWithCURIEs',
];
const lines = (path: string) =>
  readFixture(path)
    .split('\n')
    .filter((line) => line !== '');
const sha256 = (text: string) => `ni:///sha-256;${createHash('sha256').update(text, 'utf8').digest('hex')}?ver=CBV2.0`;

describe('CBV 2.0 event hash IDs against the reference vectors', () => {
  it.each(VECTORS)('%s: every event’s hash ID, and its pre-hash', (name) => {
    const got = eventHashesOfDocument(JSON.parse(readFixture(`epcis/event-hash/${name}.jsonld`)));
    const hashes = lines(`epcis/event-hash/${name}.hashes`);
    const prehashes = lines(`epcis/event-hash/${name}.prehashes`);
    expect(got.map((h) => h.hashId)).toEqual(hashes);
    got.forEach((h, i) => {
      expect(hashIdOf(h.prehash)).toBe(h.hashId);
      // One published pre-hash line (epcisDocWithAllGS1Keys) is garbled upstream: it does not hash to its own
      // expected hash ID (see NOTE.md). There the pre-hash is checked through the hash, which is the vector.
      if (sha256(prehashes[i]) === hashes[i]) expect(h.prehash).toBe(prehashes[i]);
      else expect(name).toBe('epcisDocWithAllGS1Keys');
    });
  });

  it('does not depend on the order of fields or of list members', () => {
    const doc = JSON.parse(readFixture('epcis/event-hash/epcisDocWithSingleEvent.jsonld'));
    const event = doc.epcisBody.eventList[0];
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    reordered.epcList = [...event.epcList].reverse();
    const again = eventHashesOfDocument({ ...doc, epcisBody: { eventList: [reordered] } });
    expect(again[0].hashId).toBe(lines('epcis/event-hash/epcisDocWithSingleEvent.hashes')[0]);
  });

  it('ignores eventID and recordTime, and changes with any value', () => {
    const doc = JSON.parse(readFixture('epcis/event-hash/epcisDocWithSingleEvent.jsonld'));
    const event = doc.epcisBody.eventList[0];
    const hash = (e: unknown) => eventHashesOfDocument({ ...doc, epcisBody: { eventList: [e] } })[0].hashId;
    const expected = lines('epcis/event-hash/epcisDocWithSingleEvent.hashes')[0];
    expect(hash({ ...event, eventID: 'urn:uuid:1', recordTime: '2024-01-01T00:00:00Z' })).toBe(expected);
    expect(hash({ ...event, action: 'ADD' })).not.toBe(expected);
    expect(hash({ ...event, 'ext:x': '1' })).not.toBe(expected);
  });

  it('rounds times half up at the fourth decimal and writes them in UTC', () => {
    expect(utcMillis('2023-02-02T11:04:03.1415Z')).toBe('2023-02-02T11:04:03.142Z');
    expect(utcMillis('2023-02-02T11:04:03.1414Z')).toBe('2023-02-02T11:04:03.141Z');
    expect(utcMillis('2023-12-31T23:59:59.9996Z')).toBe('2024-01-01T00:00:00.000Z');
    expect(utcMillis('2020-04-01T15:00:00+01:00')).toBe('2020-04-01T14:00:00.000Z');
    expect(utcMillis('2020-04-01t15:00:00.5z')).toBe('2020-04-01T15:00:00.500Z');
  });

  it('writes GS1 identifiers as canonical Digital Link URIs at their finest level', () => {
    expect(toDigitalLink('urn:epc:id:sgtin:0614141.107346.2017')).toBe('https://id.gs1.org/01/10614141073464/21/2017');
    expect(toDigitalLink('urn:epc:id:sgln:4012345.00005.0')).toBe('https://id.gs1.org/414/4012345000054');
    expect(toDigitalLink('https://example.com/gtin/04012345999990/lot/L1/ser/S1?x=1')).toBe('https://id.gs1.org/01/04012345999990/21/S1');
    expect(toDigitalLink('http://transaction.acme.com/po/12345678')).toBeNull();
  });

  it('reads members named constructor or __proto__ as extensions like any other', () => {
    const event = JSON.parse('{"type":"ObjectEvent","eventTime":"2024-01-01T00:00:00Z","constructor":["a"],"__proto__":[{"x":"1"}],"toString:y":"2"}');
    const [{ prehash }] = eventHashesOfDocument({ epcisBody: { eventList: [event] } });
    expect(prehash).toBe('eventType=ObjectEventeventTime=2024-01-01T00:00:00.000Z__proto__x=1constructor=atoString:y=2');
  });

  it('refuses what is not an EPCIS document, naming the problem', () => {
    expect(() => eventHashesOfDocument([])).toThrow(EventHashError);
    expect(() => eventHashesOfDocument({ epcisBody: {} })).toThrow('eventList');
    expect(() => eventHashesOfDocument({ epcisBody: { eventList: [{ type: 'ObjectEvent', eventTime: 'yesterday' }] } })).toThrow(
      "event 0: 'yesterday' is not a date-time",
    );
  });
});
