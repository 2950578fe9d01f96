import { beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrg, type Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { APP_CONFIG } from '../../src/config/config.module.js';
import type { AppConfig } from '../../src/config/config.js';
import { gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { RECORD_EVENT, TRANSFORM_BATCHES_TRACE_CODES } from '../support/documents.js';

type Event = Record<string, unknown> & { eventID: string; bizStep: string; eventTime: string };

/**
 * The EPCIS 2.0 query interface as a trading partner uses it: a farm's own events through
 * GET /epcis/events, filtered by each standard parameter (identifiers in URN and Digital Link forms
 * finding the same lot), page by page with nextPageToken, one by one by eventID; a plant that sees none
 * of the farm's events, and a regulator that sees both.
 */
describe('GET /epcis/events (EPCIS 2.0 query interface)', () => {
  const service = useTestApp();
  let farm: Org;
  let plant: Org;
  let regulator: Org;
  let yard: string;
  let dock: string;
  let milkLot: { id: string; lotCode: string };
  let plantLot: { id: string };
  let butterTraceCode: string;
  const milkUrn = 'urn:epc:class:lgtin:6901234.000010.Q-1';
  const milkLink = 'https://id.gs1.org/01/06901234000108/10/Q-1';
  const storedEventID = 'urn:uuid:5f0d1c3e-8a4b-4c2d-9e6f-0a1b2c3d4e5f';

  const get = (path: string, key?: string, accept?: string) => {
    const req = request(service.app.getHttpServer()).get(path);
    if (key) req.set('authorization', `Bearer ${key}`);
    if (accept) req.set('accept', accept);
    return req;
  };
  const query = async (params: string, key: string): Promise<Event[]> => {
    const res = await get(`/epcis/events${params ? `?${params}` : ''}`, key);
    expect(res.status).toBe(200);
    return JSON.parse(res.text).epcisBody.queryResults.resultsBody.eventList as Event[];
  };
  const steps = (events: Event[]) => events.map((e) => e.bizStep);
  /** The step CBV has no word for, as the export names it under this service's base URL. */
  const transforming = () => `${service.app.get<AppConfig>(APP_CONFIG).publicBaseUrl}/epcis/bizstep/transforming`;

  beforeAll(async () => {
    const { app } = service;
    farm = await createOrg(app, 'PRODUCER', '牧场三号');
    yard = await registerFacility(app, farm, { gln: '6901234000016' });
    const milk = await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED', gtin: '06901234000108' });
    milkLot = await registerBatch(app, farm, milk, yard, { lotCode: 'Q-1', quantity: 800, producedAt: '2026-11-20T00:00:00.000Z' });
    plant = await createOrg(app, 'PROCESSOR', '乳品厂三号');
    dock = await registerFacility(app, plant, { gln: '6901234000023' });
    // The farm's storing, captured through EPCIS with its own eventID, naming the lot and the place in URN forms.
    const captured = await request(app.getHttpServer())
      .post('/epcis/capture')
      .set('authorization', `Bearer ${farm.key}`)
      .set('content-type', 'application/ld+json')
      .send(
        JSON.stringify({
          '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
          type: 'EPCISDocument',
          schemaVersion: '2.0',
          creationDate: '2026-11-20T04:00:00Z',
          epcisBody: {
            eventList: [
              {
                type: 'ObjectEvent',
                eventID: storedEventID,
                action: 'OBSERVE',
                bizStep: 'storing',
                eventTime: '2026-11-20T01:00:00Z',
                eventTimeZoneOffset: '+08:00',
                bizLocation: { id: 'urn:epc:id:sgln:6901234.00001.0' },
                quantityList: [{ epcClass: milkUrn, quantity: 800, uom: 'KGM' }],
              },
            ],
          },
        }),
      );
    expect(captured.status).toBe(202);
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: {
          batchId: milkLot.id,
          bizStep: 'SHIPPING',
          eventTime: '2026-11-20T02:00:00.000Z',
          facilityId: yard,
          destinationOrganizationId: plant.id,
          quantity: 800,
          details: { shipToLocation: 'dock', referenceDocumentType: 'BOL', referenceDocumentNumber: 'BOL-9' },
        },
      },
      farm.key,
    );
    const cream = await registerProduct(app, plant, { name: '稀奶油', category: 'DAIRY', storage: 'CHILLED', gtin: '06901234000207' });
    plantLot = await registerBatch(app, plant, cream, dock, { lotCode: 'C-1', quantity: 50, producedAt: '2026-11-21T00:00:00.000Z' });
    // One TransformationEvent made of three ledger entries (the input's and each output's).
    const butter = await registerProduct(app, plant, { name: '黄油', category: 'DAIRY', storage: 'CHILLED' });
    const made = await gqlOk(
      app,
      TRANSFORM_BATCHES_TRACE_CODES,
      {
        input: {
          facilityId: dock,
          eventTime: '2026-11-21T02:00:00.000Z',
          inputs: [{ batchId: plantLot.id, quantity: 50 }],
          outputs: [
            { productId: butter, lotCode: 'B-1', quantity: 20, unit: 'kg' },
            { productId: butter, lotCode: 'B-2', quantity: 20, unit: 'kg' },
          ],
        },
      },
      plant.key,
    );
    butterTraceCode = made.transformBatches.outputs[1].traceCode;
    regulator = await createOrg(app, 'REGULATOR');
  });

  it('answers an EPCISQueryDocument of the caller’s own events, in ledger order, and nothing of another organization', async () => {
    const res = await get('/epcis/events', farm.key);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    const document = JSON.parse(res.text);
    expect(document).toMatchObject({ type: 'EPCISQueryDocument', schemaVersion: '2.0', epcisBody: { queryResults: { queryName: 'SimpleEventQuery' } } });
    expect(document['@context']).toContain('https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld');
    const events = document.epcisBody.queryResults.resultsBody.eventList as Event[];
    expect(steps(events)).toEqual(['commissioning', 'storing', 'shipping']);
    expect(res.headers.link).toBeUndefined();

    const plantEvents = await query('', plant.key);
    expect(steps(plantEvents)).toEqual(['commissioning', transforming()]);
    expect(await query(`EQ_bizStep=${encodeURIComponent(transforming())}`, plant.key)).toEqual([plantEvents[1]]);
    expect(plantEvents[1]).toMatchObject({
      type: 'TransformationEvent',
      inputQuantityList: [expect.anything()],
      outputQuantityList: [expect.anything(), expect.anything()],
    });
    expect(JSON.stringify(plantEvents)).not.toContain('Q-1');
  });

  it('filters by EQ_bizStep in any CBV form, by eventTime (GE inclusive, LT exclusive)', async () => {
    expect(steps(await query('EQ_bizStep=shipping', farm.key))).toEqual(['shipping']);
    expect(
      steps(await query(`EQ_bizStep=${encodeURIComponent('urn:epcglobal:cbv:bizstep:shipping|https://ref.gs1.org/cbv/BizStep-storing')}`, farm.key)),
    ).toEqual(['storing', 'shipping']);
    expect(steps(await query('EQ_bizStep=receiving', farm.key))).toEqual([]);
    const range = `GE_eventTime=${encodeURIComponent('2026-11-20T01:00:00Z')}&LT_eventTime=${encodeURIComponent('2026-11-20T10:00:00+08:00')}`;
    expect(steps(await query(range, farm.key))).toEqual(['storing']);
    expect(steps(await query(`GE_eventTime=${encodeURIComponent('2026-11-20T01:00:00.001Z')}`, farm.key))).toEqual(['shipping']);
  });

  it('finds the same lot by MATCH_epcClass and MATCH_anyEPC, as an LGTIN URN or a GS1 Digital Link', async () => {
    const byUrn = await query(`MATCH_epcClass=${encodeURIComponent(milkUrn)}`, regulator.key);
    expect(steps(byUrn)).toEqual(['commissioning', 'storing', 'shipping']);
    expect(await query(`MATCH_epcClass=${encodeURIComponent(milkLink)}`, regulator.key)).toEqual(byUrn);
    expect(await query(`MATCH_anyEPC=${encodeURIComponent(milkLink)}`, regulator.key)).toEqual(byUrn);
    expect(await query(`MATCH_epcClass=${encodeURIComponent('https://id.gs1.org/01/06901234000108/10/Q-2')}`, regulator.key)).toEqual([]);
  });

  it('filters by EQ_bizLocation named by urn:uuid, SGLN or Digital Link /414/', async () => {
    const byId = await query(`EQ_bizLocation=urn:uuid:${yard}`, farm.key);
    expect(steps(byId)).toEqual(['commissioning', 'storing', 'shipping']);
    expect(await query(`EQ_bizLocation=${encodeURIComponent('urn:epc:id:sgln:6901234.00001.0')}`, farm.key)).toEqual(byId);
    expect(await query(`EQ_bizLocation=${encodeURIComponent('https://id.gs1.org/414/6901234000016')}&EQ_bizStep=storing`, farm.key)).toEqual([byId[1]]);
    expect(await query(`EQ_bizLocation=urn:uuid:${dock}`, farm.key)).toEqual([]);
  });

  it('lets a regulator read every organization’s events, and the admin too', async () => {
    const both = `MATCH_epcClass=${encodeURIComponent(`${milkLink}|https://id.gs1.org/01/06901234000207/10/C-1`)}`;
    const all = await query(both, regulator.key);
    expect(steps(all)).toEqual(['commissioning', 'storing', 'shipping', 'commissioning', transforming()]);
    expect(await query(both, TEST_ADMIN_KEY)).toEqual(all);
    expect(await query(both, plant.key)).toEqual(all.slice(3));
    // An output lot named by its page URL finds the transformation that made it.
    const baseUrl = service.app.get<AppConfig>(APP_CONFIG).publicBaseUrl;
    expect(await query(`MATCH_epcClass=${encodeURIComponent(`${baseUrl}/q/${butterTraceCode}`)}`, regulator.key)).toEqual([all[4]]);
  });

  it('pages by perPage and nextPageToken through Link rel="next", reaching every event exactly once', async () => {
    const all = await query('', regulator.key);
    expect(all.length).toBeGreaterThanOrEqual(4);
    for (const perPage of [1, 2, 3]) {
      const seen: Event[] = [];
      let path: string | null = `/epcis/events?perPage=${perPage}`;
      while (path) {
        const res = await get(path, regulator.key);
        expect(res.status).toBe(200);
        const page = JSON.parse(res.text).epcisBody.queryResults.resultsBody.eventList as Event[];
        expect(page.length).toBeLessThanOrEqual(perPage);
        seen.push(...page);
        const link = res.headers.link as string | undefined;
        path = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1] : null;
      }
      expect(seen.map((e) => e.eventID)).toEqual(all.map((e) => e.eventID));
    }
    // A transformation matched through its input and its output lot is one event, on the page of the first match.
    const baseUrl = service.app.get<AppConfig>(APP_CONFIG).publicBaseUrl;
    const bothEnds = encodeURIComponent(`https://id.gs1.org/01/06901234000207/10/C-1|${baseUrl}/q/${butterTraceCode}`);
    const pages: Event[][] = [];
    for (let path: string | null = `/epcis/events?perPage=1&MATCH_epcClass=${bothEnds}`; path;) {
      const res = await get(path, regulator.key);
      pages.push(JSON.parse(res.text).epcisBody.queryResults.resultsBody.eventList as Event[]);
      path = res.headers.link ? /^<([^>]+)>/.exec(res.headers.link as string)![1] : null;
    }
    expect(pages.map((page) => page.map((e) => e.type))).toEqual([['ObjectEvent'], ['TransformationEvent']]);
    // The transformation's three entries are one event, on one page.
    expect(all.filter((e) => e.type === 'TransformationEvent')).toHaveLength(1);
    expect(new Set(all.map((e) => e.eventID)).size).toBe(all.length);
    // The filters travel in the next link.
    const first = await get(`/epcis/events?perPage=1&EQ_bizStep=commissioning`, regulator.key);
    const next = /^<([^>]+)>/.exec(first.headers.link as string)![1];
    expect(next).toContain('EQ_bizStep=commissioning');
    const second = JSON.parse((await get(next, regulator.key)).text).epcisBody.queryResults.resultsBody.eventList as Event[];
    expect(steps(second)).toEqual(['commissioning']);
    // A parameter given twice is given twice again.
    const repeated = await get(`/epcis/events?perPage=1&EQ_bizStep=commissioning&EQ_bizStep=shipping`, farm.key);
    const repeatedNext = /^<([^>]+)>/.exec(repeated.headers.link as string)![1];
    expect(steps(JSON.parse((await get(repeatedNext, farm.key)).text).epcisBody.queryResults.resultsBody.eventList as Event[])).toEqual(['shipping']);
  });

  it('answers one event by its URL-encoded eventID: a GraphQL-recorded one and a captured one, as the query lists them', async () => {
    const [, storing, shipping] = await query('', farm.key);
    const one = await get(`/epcis/events/${encodeURIComponent(shipping.eventID)}`, farm.key);
    expect(one.status).toBe(200);
    const { '@context': context, ...event } = JSON.parse(one.text);
    expect(context).toContain('https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld');
    expect(event).toEqual(shipping);

    const captured = await get(`/epcis/events/${encodeURIComponent(storedEventID)}`, regulator.key);
    expect(captured.status).toBe(200);
    const { '@context': _, ...capturedEvent } = JSON.parse(captured.text);
    expect(capturedEvent).toEqual(storing);
    // Captured events come back as sent, under the eventID they were sent with.
    expect(storing.eventID).toBe(storedEventID);
    expect(shipping.eventID).toMatch(/^ni:\/\/\/sha-256;[A-Za-z0-9_-]{43}$/);
  });

  it('answers 404 alike for an unknown eventID and for another organization’s event', async () => {
    const [, shipping] = await query('', farm.key);
    const others = await get(`/epcis/events/${encodeURIComponent(shipping.eventID)}`, plant.key);
    const unknown = await get(`/epcis/events/${encodeURIComponent(`ni:///sha-256;${'A'.repeat(43)}`)}`, plant.key);
    const capturedByOther = await get(`/epcis/events/${encodeURIComponent(storedEventID)}`, plant.key);
    for (const res of [others, unknown, capturedByOther]) {
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toMatchObject({
        type: 'epcisException:NoSuchResourceException',
        status: 404,
        errors: [{ extensions: { code: 'NOT_FOUND' } }],
      });
    }
  });

  it('refuses what it cannot answer: 400 naming the parameter, 406 for an Accept without JSON, 401 without a key', async () => {
    const refusals: [string, RegExp][] = [
      ['EQ_bizstep=shipping', /unknown query parameter "EQ_bizstep"/],
      ['perPage=0', /perPage must be a whole number from 1 to 1000/],
      ['perPage=1001', /perPage must be a whole number from 1 to 1000/],
      ['GE_eventTime=2026-11-20', /GE_eventTime must be a date and time with its time zone/],
      ['nextPageToken=bm90LW91cnM', /nextPageToken is not one this service gave/],
      [`MATCH_epcClass=${encodeURIComponent('urn:epc:id:sgtin:6901234.000010.1')}`, /names no lot/],
      ['EQ_bizLocation=somewhere', /EQ_bizLocation "somewhere" names no place/],
      ['perPage=1&perPage=2', /perPage must be given once/],
    ];
    for (const [params, message] of refusals) {
      const res = await get(`/epcis/events?${params}`, farm.key);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const body = JSON.parse(res.text);
      expect(body).toMatchObject({ type: 'epcisException:QueryParameterException', status: 400, errors: [{ extensions: { code: 'BAD_USER_INPUT' } }] });
      expect(body.title).toMatch(message);
    }
    for (const path of ['/epcis/events', `/epcis/events/${encodeURIComponent(storedEventID)}`]) {
      const xml = await get(path, farm.key, 'application/xml');
      expect(xml.status).toBe(406);
      expect(JSON.parse(xml.text).title).toMatch(/application\/ld\+json or application\/json/);
      expect((await get(path, farm.key, 'application/json')).status).toBe(200);
      expect((await get(path)).status).toBe(401);
    }
  });

  it('answers captured TransactionEvents too, by their step, lot and eventID', async () => {
    const baseUrl = service.app.get<AppConfig>(APP_CONFIG).publicBaseUrl;
    const butterLot = `${baseUrl}/q/${butterTraceCode}`;
    const eventID = 'urn:uuid:7d1e2f30-4a5b-4c6d-8e7f-901a2b3c4d5e';
    const captured = await request(service.app.getHttpServer())
      .post('/epcis/capture')
      .set('authorization', `Bearer ${plant.key}`)
      .set('content-type', 'application/ld+json')
      .send(
        JSON.stringify({
          '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
          type: 'EPCISDocument',
          schemaVersion: '2.0',
          creationDate: '2026-11-22T00:00:00Z',
          epcisBody: {
            eventList: [
              {
                type: 'TransactionEvent',
                eventID,
                eventTime: '2026-11-22T09:00:00+08:00',
                eventTimeZoneOffset: '+08:00',
                action: 'ADD',
                bizStep: 'urn:epcglobal:cbv:bizstep:shipping',
                bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:PO-9' }],
                quantityList: [{ epcClass: butterLot, quantity: 10, uom: 'KGM' }],
              },
            ],
          },
        }),
      );
    expect(captured.status).toBe(202);
    const found = await query(`EQ_bizStep=shipping&MATCH_epcClass=${encodeURIComponent(butterLot)}`, plant.key);
    expect(found.map((e) => [e.type, e.eventID])).toEqual([['TransactionEvent', eventID]]);
    const one = await get(`/epcis/events/${encodeURIComponent(eventID)}`, regulator.key);
    expect(one.status).toBe(200);
    const { '@context': _, ...event } = JSON.parse(one.text);
    expect(event).toEqual(found[0]);
    expect((await get(`/epcis/events/${encodeURIComponent(eventID)}`, farm.key)).status).toBe(404);
    expect(await query(`EQ_bizStep=shipping&MATCH_epcClass=${encodeURIComponent(butterLot)}`, farm.key)).toEqual([]);
  });

  it('stays the regulators’ export with batchId or productId', async () => {
    const exported = await get(`/epcis/events?batchId=${milkLot.id}`, regulator.key);
    expect(exported.status).toBe(200);
    expect(JSON.parse(exported.text)).toMatchObject({ type: 'EPCISDocument' });
    expect(JSON.parse(exported.text).epcisBody.eventList).toHaveLength(3); // the trace reaches no other lot: the farm’s three events
    expect((await get(`/epcis/events?batchId=${milkLot.id}`, farm.key)).status).toBe(403);
  });
});
