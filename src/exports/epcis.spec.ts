import { describe, expect, it } from '@jest/globals';
import { type CapturedOriginal, EPCIS_CONTEXT, epcisDocument, epcisEvents, type EpcisSource, mergedContexts } from './epcis.js';

const BASE = 'https://suyuan.example.cn';
const hex = (n: number) => n.toString(16).padStart(2, '0').repeat(32);
const lot = { lotCode: 'L-1', traceCode: 'T1', gtin: '06901234000108', unit: 'kg' };

function recorded(seq: number, facilityGln: string | null, bizStep = 'STORING'): EpcisSource {
  return {
    seq,
    hash: hex(seq),
    batchId: 'b1',
    lot,
    facilityGln,
    type: 'EVENT_RECORDED',
    payload: { batchId: 'b1', bizStep, eventTime: '2026-11-20T00:00:00.000Z', facilityId: '00000000-0000-4000-8000-000000000001', quantity: 5 },
  } as EpcisSource;
}

function original(seqs: number[], event: Record<string, unknown>, context?: unknown): CapturedOriginal {
  const hashId = `ni:///sha-256;${'ab'.repeat(32)}?ver=CBV2.0`;
  return { eventId: typeof event.eventID === 'string' ? event.eventID : hashId, hashId, seqs, event, context };
}

describe('epcisEvents', () => {
  it('gives a captured event back once, as sent, where its first entry is; other entries as generated events', () => {
    const sent = { type: 'ObjectEvent', eventID: 'urn:uuid:e1', action: 'OBSERVE', 'x:y': { 'x:z': 1.5 } };
    const events = epcisEvents([recorded(1, null), recorded(2, null), recorded(3, null), recorded(4, null)], [original([2, 4], sent)], BASE);
    expect(events.map((e) => e.seqs)).toEqual([[1], [2, 4], [3]]);
    expect(events[1].event).toEqual(sent);
  });

  it('adds its CBV 2.0 hash ID as eventID to a captured event sent without one (or with a blank one), and nothing else', () => {
    const sent = { type: 'ObjectEvent', action: 'OBSERVE', eventTime: '2026-11-20T00:00:00Z' };
    const [{ event }] = epcisEvents([recorded(7, null)], [original([7], sent)], BASE);
    expect(event).toEqual({ ...sent, eventID: `ni:///sha-256;${'ab'.repeat(32)}?ver=CBV2.0` });
    const [{ event: blank }] = epcisEvents([recorded(7, null)], [original([7], { ...sent, eventID: ' ' })], BASE);
    expect(blank.eventID).toBe(`ni:///sha-256;${'ab'.repeat(32)}?ver=CBV2.0`);
  });

  it('writes CBV values sent in a form EPCIS 2.0 JSON refuses (EPCIS 1.x URNs, ns.gs1.org/cbv) as their bare words, and nothing else', () => {
    const sent = {
      type: 'TransactionEvent',
      eventID: 'urn:uuid:t1',
      bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
      disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
      persistentDisposition: { set: ['http://ns.gs1.org/cbv/Disp-completeness_verified'], unset: ['needs_replacement'] },
      bizTransactionList: [{ type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:PO-1' }, { bizTransaction: 'urn:x:1' }],
      sourceList: [{ type: 'urn:epcglobal:cbv:sdt:owning_party', source: 'urn:epc:id:pgln:0614141.00001' }],
      'ex:bizStep': 'urn:epcglobal:cbv:bizstep:shipping',
    };
    const [{ event }] = epcisEvents([recorded(1, null)], [original([1], sent)], BASE);
    expect(event).toEqual({
      ...sent,
      bizStep: 'shipping',
      persistentDisposition: { set: ['completeness_verified'], unset: ['needs_replacement'] },
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:PO-1' }, { bizTransaction: 'urn:x:1' }],
      sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:0614141.00001' }],
    });
  });

  it('names a generated event by the ni: URI of its entry hash, and its place by the GLN Digital Link when the facility has a GLN', () => {
    const [withGln, withoutGln] = epcisEvents([recorded(1, '6901234000016'), recorded(2, null)], [], BASE).map((e) => e.event);
    expect(withGln.eventID).toBe(`ni:///sha-256;${Buffer.from(hex(1), 'hex').toString('base64url')}`);
    expect(withGln.eventID).not.toMatch(/\?ver=/);
    expect(withGln.readPoint).toEqual({ id: 'https://id.gs1.org/414/6901234000016' });
    expect(withGln.bizLocation).toEqual({ id: 'https://id.gs1.org/414/6901234000016' });
    expect(withoutGln.bizLocation).toEqual({ id: 'urn:uuid:00000000-0000-4000-8000-000000000001' });
  });
});

describe('mergedContexts', () => {
  it('binds every document’s prefixes in one context after the standard one, each URL once', () => {
    const { context, eventList } = mergedContexts([
      { event: { a: 1 }, seqs: [1], context: [EPCIS_CONTEXT, { ex: 'http://ns.example.com/epcis/' }] },
      { event: { b: 2 }, seqs: [2] },
      { event: { c: 3 }, seqs: [3], context: [{ farm: 'https://farm.example.cn/' }, 'https://example.org/more-context.jsonld', EPCIS_CONTEXT] },
      { event: { d: 4 }, seqs: [4], context: { ex: 'http://ns.example.com/epcis/' } },
    ]);
    expect(context).toEqual([
      EPCIS_CONTEXT,
      'https://example.org/more-context.jsonld',
      { ex: 'http://ns.example.com/epcis/', farm: 'https://farm.example.cn/' },
    ]);
    expect(eventList).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }, { d: 4 }]);
  });

  it('writes as full IRIs, at any depth, the names of an event whose document bound a prefix another document bound otherwise', () => {
    const { context, eventList } = mergedContexts([
      { event: { 'ex:a': 1 }, seqs: [1], context: [EPCIS_CONTEXT, { ex: 'http://one.example/' }] },
      {
        event: { 'ex:a': 2, ilmd: { 'ex:b': [{ 'ex:c': 'ex:not-a-name' }] }, 'other:d': 4 },
        seqs: [2],
        context: [EPCIS_CONTEXT, { ex: 'http://two.example/', other: 'http://other.example/' }],
      },
      // The standard's own prefixes: bound as the standard binds them, nothing to do; bound otherwise, a clash.
      { event: { 'cbvmda:x': 5 }, seqs: [3], context: { cbvmda: 'urn:epcglobal:cbv:mda:' } },
      { event: { 'gs1:y': 6, 'cbvmda:x': 7 }, seqs: [4], context: { gs1: 'https://not-gs1.example/' } },
    ]);
    expect(context).toEqual([EPCIS_CONTEXT, { ex: 'http://one.example/', other: 'http://other.example/' }]);
    expect(eventList).toEqual([
      { 'ex:a': 1 },
      { 'http://two.example/a': 2, ilmd: { 'http://two.example/b': [{ 'http://two.example/c': 'ex:not-a-name' }] }, 'other:d': 4 },
      { 'cbvmda:x': 5 },
      { 'https://not-gs1.example/y': 6, 'cbvmda:x': 7 },
    ]);
  });
});

describe('epcisDocument', () => {
  it('is an EPCIS 2.0 document under the standard context when nothing was captured', () => {
    const document = epcisDocument([recorded(1, null)], BASE, new Date('2026-12-01T00:00:00Z'));
    expect(document).toMatchObject({ '@context': [EPCIS_CONTEXT], type: 'EPCISDocument', schemaVersion: '2.0', creationDate: '2026-12-01T00:00:00.000Z' });
  });
});
