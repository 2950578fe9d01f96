import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, type Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { LEDGER_SIZE } from '../support/documents.js';
import { gqlOk, useTestApp } from '../support/test-app.js';

type Json = Record<string, any>;
const UNIT = 'query($gtin: String!, $serial: String!) { unit(gtin: $gtin, serial: $serial) { serial batch { id } events { seq bizStep } sale { seq } } }';

/** EPCIS 2.0 ObjectEvents on serialized units (epcList of SGTINs): commissioning, events split by lot, and the export as sent. */
describe('EPCIS capture of serialized ObjectEvents', () => {
  const service = useTestApp();
  const server = () => service.app.getHttpServer();
  const ledgerSize = async () => (await gqlOk(service.app, LEDGER_SIZE)).ledgerInfo.size as number;
  const capture = (document: object, key: string) =>
    request(server()).post('/epcis/capture').set('content-type', 'application/ld+json').set('authorization', `Bearer ${key}`).send(JSON.stringify(document));
  let regulator: Org;
  const exported = async (batchId: string): Promise<Json[]> => {
    regulator ??= await createOrg(service.app, 'REGULATOR');
    const res = await request(server()).get(`/epcis/events?batchId=${batchId}`).set('authorization', `Bearer ${regulator.key}`);
    expect(res.status).toBe(200);
    return JSON.parse(res.text).epcisBody.eventList;
  };
  const documentOf = (...eventList: Json[]) => ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-20T08:00:00Z',
    epcisBody: { eventList },
  });

  let wineries = 0;
  /** A winery (company prefix 6951234, its own location and item reference) with a GTIN product and two lots of it. */
  async function winery(): Promise<{ org: Org; site: string; gtin: string; sgln: string; lots: { id: string }[]; sgtin: (serial: string) => string }> {
    const { app } = service;
    const n = ++wineries;
    const org = await createOrg(app, 'PRODUCER', `张裕酒庄 ${n}`);
    const glnBody = `69512340000${n}`;
    const site = await registerFacility(app, org, { gln: `${glnBody}${gtinCheckDigit(glnBody)}` });
    const gtinBody = `069512340567${n}`;
    const gtin = `${gtinBody}${gtinCheckDigit(gtinBody)}`;
    const product = await registerProduct(app, org, { name: '干红葡萄酒', category: 'OTHER', gtin });
    const lots = [
      await registerBatch(app, org, product, site, { lotCode: 'W-1', quantity: 100, unit: 'bottle' }),
      await registerBatch(app, org, product, site, { lotCode: 'W-2', quantity: 100, unit: 'bottle' }),
    ];
    return { org, site, gtin, sgln: `urn:epc:id:sgln:6951234.0000${n}.0`, lots, sgtin: (serial) => `urn:epc:id:sgtin:6951234.00567${n}.${serial}` };
  }

  it('commissions units named by SGTIN in the lot ilmd names, sells units of two lots as one event per lot, gives both back as sent', async () => {
    const { org, gtin, sgln, lots, sgtin } = await winery();
    const commissioning = {
      type: 'ObjectEvent',
      eventID: 'urn:uuid:6f0f9d3e-1111-4000-8000-00000000a001',
      action: 'ADD',
      bizStep: 'commissioning',
      eventTime: '2026-11-20T05:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      epcList: [sgtin('1001'), sgtin('1002'), `https://id.gs1.org/01/${gtin}/21/1003`],
      readPoint: { id: sgln },
      ilmd: { 'cbvmda:lotNumber': 'W-1' },
    };
    const otherLot = {
      ...commissioning,
      eventID: 'urn:uuid:6f0f9d3e-1111-4000-8000-00000000a002',
      epcList: [sgtin('2001')],
      ilmd: { 'cbvmda:lotNumber': 'W-2' },
    };
    const first = await capture(documentOf(commissioning, otherLot), org.key);
    expect(first.status).toBe(202);
    expect(first.body.events).toMatchObject([
      { index: 0, batchIds: [lots[0].id] },
      { index: 1, batchIds: [lots[1].id] },
    ]);
    for (const serial of ['1001', '1002', '1003']) expect((await gqlOk(service.app, UNIT, { gtin, serial })).unit.batch.id).toBe(lots[0].id);
    expect((await gqlOk(service.app, UNIT, { gtin, serial: '2001' })).unit.batch.id).toBe(lots[1].id);

    const selling = {
      type: 'ObjectEvent',
      eventID: 'urn:uuid:6f0f9d3e-1111-4000-8000-00000000a003',
      action: 'OBSERVE',
      bizStep: 'retail_selling',
      eventTime: '2026-11-21T10:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      epcList: [sgtin('1001'), sgtin('2001'), sgtin('1002')],
      bizLocation: { id: sgln },
      'example:till': '7',
    };
    const sold = await capture(documentOf(selling), org.key);
    expect(sold.status).toBe(202);
    expect(sold.body.events).toMatchObject([{ index: 0, batchIds: [lots[0].id, lots[1].id] }]);
    const u1001 = (await gqlOk(service.app, UNIT, { gtin, serial: '1001' })).unit;
    expect(u1001.events).toEqual([{ seq: u1001.sale.seq, bizStep: 'RETAIL_SELLING' }]);
    const lot0 = (await gqlOk(service.app, 'query($id: ID!) { batch(id: $id) { quantity events { type payload } } }', { id: lots[0].id }, org.key)).batch;
    expect(lot0.quantity).toBe(98);
    expect(lot0.events.at(-1).payload).toMatchObject({ bizStep: 'RETAIL_SELLING', quantity: 2, serials: ['1001', '1002'] });
    expect((await gqlOk(service.app, UNIT, { gtin, serial: '1003' })).unit.sale).toBeNull();

    // Lossless: each event comes back once, as it was sent, from either lot.
    for (const lot of lots) {
      const events = await exported(lot.id);
      expect(events.filter((e) => e.eventID === selling.eventID)).toEqual([selling]);
    }
    expect((await exported(lots[0].id)).filter((e) => e.eventID === commissioning.eventID)).toEqual([commissioning]);
    expect((await exported(lots[1].id)).filter((e) => e.eventID === otherLot.eventID)).toEqual([otherLot]);

    // Selling a unit again is refused, naming it, and nothing is written.
    const before = await ledgerSize();
    const again = await capture(
      documentOf({ ...selling, eventID: 'urn:uuid:6f0f9d3e-1111-4000-8000-00000000a004', epcList: [sgtin('1003'), sgtin('1001')] }),
      org.key,
    );
    expect(again.status).toBe(409);
    expect(again.body.errors[0].extensions).toMatchObject({ reason: 'UNIT_ALREADY_SOLD', eventIndex: 0 });
    expect(again.body.errors[0].message).toMatch(/^eventList\[0\]: serials\[1\]: the unit with serial "1001" was sold already/);
    expect(await ledgerSize()).toBe(before);
    expect((await gqlOk(service.app, UNIT, { gtin, serial: '1003' })).unit.sale).toBeNull();
  });

  it('refuses units that do not exist, a commissioning without its lot, serials outside AI 21 and other EPCs, writing nothing', async () => {
    const { org, sgln, sgtin } = await winery();
    const before = await ledgerSize();
    const observe = (epcList: string[]) => ({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'storing',
      eventTime: '2026-11-21T10:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      epcList,
      bizLocation: { id: sgln },
    });
    const unknown = await capture(documentOf(observe([sgtin('404')])), org.key);
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors[0].message).toMatch(/^eventList\[0\]: epcList: no unit of GTIN \d{14} has serial "404"; commission it first$/);

    const refusedWith = async (event: Json) => {
      const res = await capture(documentOf(event), org.key);
      expect(res.status).toBe(400);
      return res.body.errors[0].extensions.events[0].reason as string;
    };
    const commissioning = { ...observe([sgtin('1')]), action: 'ADD', bizStep: 'commissioning' };
    expect(await refusedWith(commissioning)).toMatch(/^ilmd\.cbvmda:lotNumber is required to commission units \(epcList\)/);
    expect(await refusedWith(observe(['urn:epc:id:sgtin:6951234.005678.has%20space']))).toMatch(
      /^epcList\[0\]: serial "has space" is not a GS1 serial number \(AI 21\)/,
    );
    expect(await refusedWith(observe(['urn:epc:id:sscc:6951234.0000000001']))).toMatch(
      /^epcList\[0\] "urn:epc:id:sscc:6951234\.0000000001" is not a serialized unit/,
    );
    expect(await refusedWith(observe([sgtin('1'), sgtin('1')]))).toBe('epcList[1] names the unit of epcList[0] again');
    // A lot ilmd names that is not registered.
    const noLot = await capture(documentOf({ ...commissioning, ilmd: { 'cbvmda:lotNumber': 'NO-SUCH' } }), org.key);
    expect(noLot.status).toBe(404);
    expect(noLot.body.errors[0].message).toMatch(/no lot NO-SUCH of GTIN \d{14} is registered/);
    expect(await ledgerSize()).toBe(before);
  });

  it('exports an event recorded through GraphQL naming units with their epcList', async () => {
    const { org, site: facility, gtin, lots } = await winery();
    await gqlOk(
      service.app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      { input: { batchId: lots[0].id, count: 2, serials: ['A/1', 'A/2'] } },
      org.key,
    );
    await gqlOk(
      service.app,
      'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }',
      { input: { batchId: lots[0].id, bizStep: 'STORING', eventTime: '2026-11-22T01:00:00.000Z', facilityId: facility, serials: ['A/1', 'A/2'] } },
      org.key,
    );
    const storing = (await exported(lots[0].id)).find((e) => e.bizStep === 'storing')!;
    expect(storing.epcList).toEqual([`https://id.gs1.org/01/${gtin}/21/A%2F1`, `https://id.gs1.org/01/${gtin}/21/A%2F2`]);
    // A commissioning made through GraphQL is no EPCIS event: not exported.
    expect((await exported(lots[0].id)).map((e) => e.bizStep)).toEqual(['commissioning', 'storing']);
  });
});
