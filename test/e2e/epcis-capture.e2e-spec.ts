import { readFixture } from '../support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, useTestApp } from '../support/test-app.js';
import { LEDGER_SIZE, RECORD_EVENT } from '../support/documents.js';

const example = (name: string) => readFixture(`epcis/examples/${name}`);

/**
 * EPCIS 2.0 capture end to end: GS1's examples first (the one on lots is captured, the ones on
 * serialised items are refused with a reason each), then a farm-to-plant story written as EPCIS,
 * then a document that breaks a rule halfway and leaves nothing behind.
 */
describe('POST /epcis/capture', () => {
  const service = useTestApp();
  const ledgerSize = async () => (await gqlOk(service.app, LEDGER_SIZE)).ledgerInfo.size as number;
  const capture = (body: string | object, key?: string, type = 'application/ld+json') => {
    const req = request(service.app.getHttpServer()).post('/epcis/capture').set('content-type', type);
    if (key) req.set('authorization', `Bearer ${key}`);
    return req.send(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const batchView = async (id: string, key: string) =>
    (await gqlOk(service.app, 'query($id: ID!) { batch(id: $id) { lotCode status quantity unit custodian { id } events { type payload } } }', { id }, key))
      .batch;

  it('captures GS1’s Example 9.6.2 as it is: the receiving of 200 kg of lot 998877 at GLN 0614141008889', async () => {
    const { app } = service;
    const supplier = await createOrg(app, 'PRODUCER', 'Example supplier');
    const supplierSite = await registerFacility(app, supplier, { gln: '4012345000016' });
    const product = await registerProduct(app, supplier, { name: 'Example product', gtin: '04012345123456' });
    const lot = await registerBatch(app, supplier, product, supplierSite, { lotCode: '998877', quantity: 500, unit: 'kg' });
    const receiver = await createOrg(app, 'PROCESSOR', 'Example receiver');
    await registerFacility(app, receiver, { gln: '0614141008889' });
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: {
          batchId: lot.id,
          bizStep: 'SHIPPING',
          eventTime: '2013-06-07T08:00:00.000Z',
          facilityId: supplierSite,
          destinationOrganizationId: receiver.id,
          quantity: 200,
          details: { shipToLocation: 'urn:epc:id:sgln:0614141.00777.0', referenceDocumentType: 'desadv', referenceDocumentNumber: '1152' },
        },
      },
      supplier.key,
    );

    const res = await capture(example('Example_9.6.2-ObjectEvent.jsonld'), receiver.key);
    expect(res.status).toBe(202);
    // The finished capture job, where Location says; `captured` and `events` are the answer capture gave before jobs.
    expect(res.headers.location).toBe(`/epcis/capture/${res.body.captureID}`);
    expect(res.body).toMatchObject({
      running: false,
      success: true,
      captureErrorBehaviour: 'rollback',
      errors: [],
      captured: 1,
      events: [{ index: 0, eventID: 'ni:///sha-256;a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10?ver=CBV2.0', batchIds: [lot.id] }],
    });
    const batch = await batchView(lot.id, receiver.key);
    expect(batch).toMatchObject({ status: 'ACTIVE', quantity: 200, custodian: { id: receiver.id } });
    const receiving = batch.events.at(-1).payload;
    expect(receiving).toMatchObject({ bizStep: 'RECEIVING', eventTime: '2013-06-08T14:58:56.591Z', quantity: 200, immediatePreviousSource: supplier.id });
    expect(receiving.details).toMatchObject({ epcisEventID: expect.stringMatching(/^ni:/), 'example:myField': 'Example of a vendor/user extension' });
  });

  it('refuses GS1’s examples on serialised items with a reason per event, and records nothing', async () => {
    const org = await createOrg(service.app, 'PROCESSOR');
    const before = await ledgerSize();
    for (const name of [
      'Example_9.6.1-ObjectEvent.jsonld',
      'Example_9.6.1-ObjectEventWithDigitalLink.jsonld',
      'Example_9.6.4-TransformationEvent.jsonld',
      'SensorDataExample1.jsonld',
      'SensorDataExample2.jsonld',
      'SensorDataExample3.jsonld',
    ]) {
      const res = await capture(example(name), org.key);
      expect(res.status).toBe(400);
      const [error] = res.body.errors;
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'EPCIS_NOT_MODELLED' });
      expect(error.message).toMatch(/event\(s\) cannot be captured, so nothing was recorded; eventList\[0\]: /);
      // Example 9.6.1's receiving of a unit is read (its unit would have to exist); its shipping, to no organization, is refused, and with it the document.
      const events = JSON.parse(example(name)).epcisBody.eventList.slice(0, name.startsWith('Example_9.6.1') ? 1 : undefined);
      expect(error.extensions.events.map((e: { index: number; eventID: string }) => [e.index, e.eventID])).toEqual(
        events.map((e: { eventID: string }, i: number) => [i, e.eventID]),
      );
    }
    expect(await ledgerSize()).toBe(before);
  });

  it('records a farm-to-plant story written in EPCIS: commissioning, temperatures, shipping, receiving and a transformation', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER', '宁河牧场');
    await registerFacility(app, farm, { gln: '6901234000016' });
    await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED', gtin: '06901234000108' });
    const plant = await createOrg(app, 'PROCESSOR', '海河乳品厂');
    const dock = await registerFacility(app, plant, { gln: '6901234000023' });
    await registerProduct(app, plant, { name: '巴氏杀菌乳', category: 'DAIRY', storage: 'CHILLED', gtin: '06901234000207' });
    const raw = 'https://id.gs1.org/01/06901234000108/10/RAW-1120';
    const farmDocument = {
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-11-20T08:00:00Z',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            action: 'ADD',
            bizStep: 'commissioning',
            eventTime: '2026-11-20T05:00:00+08:00',
            eventTimeZoneOffset: '+08:00',
            bizLocation: { id: 'urn:epc:id:sgln:6901234.00001.0' },
            quantityList: [{ epcClass: raw, quantity: 800, uom: 'KGM' }],
          },
          {
            type: 'ObjectEvent',
            action: 'OBSERVE',
            bizStep: 'sensor_reporting',
            eventTime: '2026-11-20T06:00:00+08:00',
            eventTimeZoneOffset: '+08:00',
            quantityList: [{ epcClass: raw }],
            sensorElementList: [
              {
                sensorMetadata: { deviceID: 'urn:epc:id:giai:6901234.tank7' },
                sensorReport: [4, 9.5, 11, 12, 10, 5].map((value, i) => ({ type: 'Temperature', time: `2026-11-19T22:${i}0:00Z`, value, uom: 'CEL' })),
              },
            ],
          },
          {
            type: 'ObjectEvent',
            action: 'OBSERVE',
            bizStep: 'shipping',
            eventTime: '2026-11-20T07:00:00+08:00',
            eventTimeZoneOffset: '+08:00',
            bizLocation: { id: 'urn:epc:id:sgln:6901234.00001.0' },
            quantityList: [{ epcClass: raw, quantity: 800, uom: 'KGM' }],
            bizTransactionList: [{ type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:6901234000016:SH-77' }],
            destinationList: [
              { type: 'owning_party', destination: `urn:uuid:${plant.id}` },
              { type: 'location', destination: 'urn:epc:id:sgln:6901234.00002.0' },
            ],
          },
        ],
      },
    };
    const shipped = await capture(farmDocument, farm.key);
    expect(shipped.status).toBe(202);
    expect(shipped.body.captured).toBe(3);
    const rawId = shipped.body.events[0].batchIds[0];
    expect(shipped.body.events.map((e: { batchIds: string[] }) => e.batchIds)).toEqual([[rawId], [rawId], [rawId]]);
    expect(await batchView(rawId, farm.key)).toMatchObject({ lotCode: 'RAW-1120', quantity: 800, unit: 'kg', status: 'IN_TRANSIT' });
    const cold = (await gqlOk(app, 'query($id: ID!) { batch(id: $id) { coldChainStatus excursions { kind maxC } } }', { id: rawId }, farm.key)).batch;
    expect(cold).toEqual({ coldChainStatus: 'EXCURSION', excursions: [{ kind: 'OUT_OF_RANGE', maxC: 12 }] });

    const plantDocument = {
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            action: 'OBSERVE',
            bizStep: 'https://ref.gs1.org/cbv/BizStep-receiving',
            eventTime: '2026-11-20T09:00:00+08:00',
            bizLocation: { id: 'https://id.gs1.org/414/6901234000023' },
            quantityList: [{ epcClass: raw, quantity: 795, uom: 'KGM' }],
          },
          {
            type: 'TransformationEvent',
            eventTime: '2026-11-20T12:00:00+08:00',
            bizLocation: { id: `urn:uuid:${dock}` },
            inputQuantityList: [{ epcClass: raw, quantity: 795, uom: 'KGM' }],
            outputQuantityList: [
              { epcClass: 'urn:epc:class:lgtin:6901234.000020.PM-1', quantity: 400, uom: 'LTR' },
              { epcClass: 'urn:epc:class:lgtin:6901234.000020.PM-2', quantity: 380, uom: 'LTR' },
            ],
          },
        ],
      },
    };
    const made = await capture(plantDocument, plant.key);
    expect(made.status).toBe(202);
    const outputs = made.body.events[1].batchIds.slice(1);
    const trace = (
      await gqlOk(
        app,
        'query($id: ID!) { trace(batchId: $id, direction: DOWNSTREAM) { nodes { batch { lotCode quantity unit custodian { id } } } } }',
        { id: rawId },
        plant.key,
      )
    ).trace;
    expect(trace.nodes.map((n: { batch: { lotCode: string } }) => n.batch.lotCode).sort()).toEqual(['PM-1', 'PM-2', 'RAW-1120']);
    expect(outputs).toHaveLength(2);
    expect(await batchView(outputs[0], plant.key)).toMatchObject({ lotCode: 'PM-1', quantity: 400, unit: 'L', custodian: { id: plant.id } });
    expect(await batchView(rawId, plant.key)).toMatchObject({ status: 'CONSUMED', quantity: 0 });
  });

  it('records the temperature report of a storing event for its lot, in Celsius, with times from the metadata or the event', async () => {
    const { app } = service;
    const store = await createOrg(app, 'PRODUCER', 'Cold store');
    const site = await registerFacility(app, store, { gln: '6901234000917' });
    const product = await registerProduct(app, store, { name: 'Chilled milk', category: 'DAIRY', storage: 'CHILLED', gtin: '06901234000917' });
    const lot = await registerBatch(app, store, product, site, { lotCode: 'CS-1', quantity: 100, unit: 'kg' });
    const storing = (sensorReport: object[], sensorMetadata: object = { deviceID: 'urn:epc:id:giai:6901234.room3' }) => ({
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            action: 'OBSERVE',
            bizStep: 'storing',
            eventTime: '2026-11-22T10:00:00Z',
            bizLocation: { id: 'urn:epc:id:sgln:6901234.00091.0' },
            quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234000917/10/CS-1', quantity: 100, uom: 'KGM' }],
            sensorElementList: [{ sensorMetadata, sensorReport }],
          },
        ],
      },
    });
    const storedReports = [
      { type: 'Temperature', time: '2026-11-22T09:00:00Z', value: 277.15, uom: 'KEL' },
      { type: 'Temperature', value: 39.2, uom: 'FAH' },
    ];
    const stored = await capture(storing(storedReports), store.key);
    expect(stored.status).toBe(202);
    expect(stored.body.events).toEqual([{ index: 0, eventID: null, batchIds: [lot.id] }]);
    const events = (await batchView(lot.id, store.key)).events as { type: string; payload: Record<string, unknown> }[];
    expect(events.slice(-2).map((e) => [e.type, e.payload.bizStep])).toEqual([
      ['EVENT_RECORDED', 'STORING'],
      ['TEMPERATURES_RECORDED', undefined],
    ]);
    expect(events.at(-1)!.payload).toMatchObject({
      sensorId: 'urn:epc:id:giai:6901234.room3',
      readings: [
        { at: '2026-11-22T09:00:00.000Z', celsius: 4 },
        // No time of its own and none in the metadata: the event's.
        { at: '2026-11-22T10:00:00.000Z', celsius: 4 },
      ],
    });

    // Sent again (a retry after a lost answer): the same answer, nothing written twice.
    const size = await ledgerSize();
    const again = await capture(storing(storedReports), store.key);
    expect(again.body.events).toEqual([{ index: 0, eventID: null, batchIds: [lot.id], repeat: true }]);
    expect(await ledgerSize()).toBe(size);

    const withMetadataTime = await capture(
      storing([{ type: 'Temperature', value: 5, uom: 'CEL' }], { deviceID: 'urn:epc:id:giai:6901234.room3', time: '2026-11-22T09:30:00Z' }),
      store.key,
    );
    expect(withMetadataTime.status).toBe(202);
    const latest = (await batchView(lot.id, store.key)).events.at(-1);
    expect(latest.payload.readings).toEqual([{ at: '2026-11-22T09:30:00.000Z', celsius: 5 }]);

    // On commissioning: the readings are recorded for the lot the event registers.
    const commissioned = await capture(
      {
        type: 'EPCISDocument',
        epcisBody: {
          eventList: [
            {
              type: 'ObjectEvent',
              action: 'ADD',
              bizStep: 'commissioning',
              eventTime: '2026-11-22T11:00:00Z',
              bizLocation: { id: 'urn:epc:id:sgln:6901234.00091.0' },
              quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234000917/10/CS-2', quantity: 50, uom: 'KGM' }],
              sensorElementList: [
                { sensorMetadata: { deviceID: 'urn:epc:id:giai:6901234.room3' }, sensorReport: [{ type: 'Temperature', value: 275.15, uom: 'KEL' }] },
              ],
            },
          ],
        },
      },
      store.key,
    );
    expect(commissioned.status).toBe(202);
    const newLot = commissioned.body.events[0].batchIds;
    expect(newLot).toHaveLength(1);
    const newEvents = (await batchView(newLot[0], store.key)).events as { type: string; payload: Record<string, unknown> }[];
    expect(newEvents.map((e) => e.type)).toEqual(['BATCH_REGISTERED', 'TEMPERATURES_RECORDED']);
    expect(newEvents[1].payload.readings).toEqual([{ at: '2026-11-22T11:00:00.000Z', celsius: 2 }]);

    const before = await ledgerSize();
    const refused = await capture(storing([{ type: 'Temperature', value: 40, uom: 'K' }]), store.key);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toContain('sensorElementList[0].sensorReport[0].uom "K": a temperature is captured in CEL, FAH or KEL');
    expect(await ledgerSize()).toBe(before);
  });

  it('records nothing when an event breaks a rule halfway, and names that event', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER');
    await registerFacility(app, farm, { gln: '6901234000030' });
    await registerProduct(app, farm, { gtin: '06901234000306' });
    const buyer = await createOrg(app, 'RETAILER');
    const lot = 'https://id.gs1.org/01/06901234000306/10/R-9';
    const before = await ledgerSize();
    const shipping = (quantity: number) => ({
      type: 'EPCISDocument',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            action: 'ADD',
            bizStep: 'commissioning',
            eventTime: '2026-11-20T05:00:00Z',
            bizLocation: { id: 'urn:epc:id:sgln:6901234.00003.0' },
            quantityList: [{ epcClass: lot, quantity: 100, uom: 'KGM' }],
          },
          {
            type: 'ObjectEvent',
            action: 'OBSERVE',
            bizStep: 'shipping',
            eventTime: '2026-11-20T06:00:00Z',
            bizLocation: { id: 'urn:epc:id:sgln:6901234.00003.0' },
            quantityList: [{ epcClass: lot, quantity, uom: 'KGM' }],
            bizTransactionList: [{ type: 'po', bizTransaction: 'urn:example:po:1' }],
            destinationList: [
              { type: 'owning_party', destination: `urn:uuid:${buyer.id}` },
              { type: 'location', destination: 'urn:example:shop' },
            ],
          },
        ],
      },
    });
    const res = await capture(shipping(150), farm.key);
    expect(res.status).toBe(409);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'INSUFFICIENT_QUANTITY', eventIndex: 1 });
    expect(res.body.errors[0].message).toMatch(/^eventList\[1\]: SHIPPING 150 kg is more than the 100 kg left/);
    expect(await ledgerSize()).toBe(before);
    // The lot of event 0 was not registered either: the same document goes through once the quantity is right.
    expect((await capture(shipping(100), farm.key)).status).toBe(202);
  });

  it('names the event that breaks a rule among events recorded together, with the message it would get alone', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER');
    await registerFacility(app, farm, { gln: '6901234000061' });
    await registerProduct(app, farm, { gtin: '06901234000504' });
    const buyer = await createOrg(app, 'RETAILER');
    const lot = 'https://id.gs1.org/01/06901234000504/10/R-10';
    const place = { id: 'urn:epc:id:sgln:6901234.00006.0' };
    const observe = (bizStep: string, quantity: number, more = {}) => ({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep,
      eventTime: '2026-11-20T06:00:00Z',
      bizLocation: place,
      quantityList: [{ epcClass: lot, quantity, uom: 'KGM' }],
      ...more,
    });
    const document = (shipped: number) => ({
      type: 'EPCISDocument',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            action: 'ADD',
            bizStep: 'commissioning',
            eventTime: '2026-11-20T05:00:00Z',
            bizLocation: place,
            quantityList: [{ epcClass: lot, quantity: 100, uom: 'KGM' }],
          },
          // Distinct events (an event sent twice, with the same content, is recorded once: epcis-idempotent-capture.e2e-spec.ts).
          observe('storing', 100),
          observe('storing', 100, { eventTime: '2026-11-20T06:10:00Z' }),
          observe('shipping', shipped, {
            bizTransactionList: [{ type: 'po', bizTransaction: 'urn:example:po:2' }],
            destinationList: [
              { type: 'owning_party', destination: `urn:uuid:${buyer.id}` },
              { type: 'location', destination: 'urn:example:shop' },
            ],
          }),
          observe('storing', 100, { eventTime: '2026-11-20T06:30:00Z' }),
        ],
      },
    });
    const before = await ledgerSize();
    const res = await capture(document(150), farm.key);
    expect(res.status).toBe(409);
    expect(res.body.errors[0].extensions).toMatchObject({ reason: 'INSUFFICIENT_QUANTITY', eventIndex: 3 });
    expect(res.body.errors[0].message).toMatch(/^eventList\[3\]: SHIPPING 150 kg is more than the 100 kg left/);
    expect(await ledgerSize()).toBe(before);
    // Event 4 (storing a lot in transit) breaks a rule once event 3 is right.
    const next = await capture(document(100), farm.key);
    expect(next.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', eventIndex: 4 });
    expect(next.body.errors[0].message).toMatch(/^eventList\[4\]: /);
    expect(await ledgerSize()).toBe(before);
  });

  it('registers a facility with a GLN only when its check digit is right, and each GLN once', async () => {
    const org = await createOrg(service.app, 'PRODUCER');
    const register = (gln: string) =>
      gql(service.app, 'mutation($input: RegisterFacilityInput!) { registerFacility(input: $input) { id gln } }', { input: { name: '仓库', gln } }, org.key);
    expect((await register('6901234000047')).data?.registerFacility.gln).toBe('6901234000047');
    const wrong = (await register('6901234000048')).errors?.[0];
    expect(wrong?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_GLN' });
    expect(wrong?.message).toBe('gln 6901234000048 is not a GLN: 13 digits, the last a valid GS1 check digit');
    expect((await register('6901234000047')).errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE_GLN' });
  });

  it('answers a clear error for no key, a body that is not JSON, and a document that is not EPCIS', async () => {
    const org = await createOrg(service.app, 'PRODUCER');
    const anonymous = await capture(example('Example_9.6.2-ObjectEvent.jsonld'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const broken = await capture('{"type": "EPCISDocument", ', org.key);
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.body)).not.toMatch(/at JSON\.parse|node_modules/);
    const notEpcis = await capture({ type: 'EPCISQueryDocument' }, org.key, 'application/json');
    expect(notEpcis.status).toBe(400);
    expect(notEpcis.body.errors[0].message).toBe('type must be "EPCISDocument", got "EPCISQueryDocument"');
    // A document sent as text or XML is answered 415, naming what was sent, by capture and by the event-hash utility alike.
    for (const path of ['/epcis/capture', '/epcis/event-hash']) {
      for (const type of ['text/plain', 'application/xml']) {
        const res = await request(service.app.getHttpServer())
          .post(path)
          .set('authorization', `Bearer ${org.key}`)
          .set('content-type', type)
          .send(JSON.stringify(example('Example_9.6.2-ObjectEvent.jsonld')));
        expect(res.status).toBe(415);
        expect(res.body.errors[0].extensions).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', reason: 'NOT_JSON' });
        expect(res.body.errors[0].message).toBe(`an EPCIS document is sent as application/ld+json or application/json, not "${type}"`);
      }
    }
    const unknownPlace = await capture(
      {
        type: 'EPCISDocument',
        epcisBody: {
          eventList: [
            {
              type: 'ObjectEvent',
              action: 'ADD',
              eventTime: '2026-11-20T05:00:00Z',
              bizLocation: { id: 'urn:epc:id:sgln:6901234.00099.0' },
              quantityList: [{ epcClass: 'https://id.gs1.org/01/06901234000306/10/X', quantity: 1 }],
            },
          ],
        },
      },
      org.key,
    );
    expect(unknownPlace.status).toBe(404);
    expect(unknownPlace.body.errors[0].message).toBe('eventList[0]: no facility has GLN 6901234000993; register the facility with its GLN first');
  });

  it('refuses a document nested thousands deep before walking it, and other organizations’ writes go on', async () => {
    const org = await createOrg(service.app, 'PRODUCER');
    // Written out as text: JSON.stringify itself would overflow on it.
    const owner = '{"type":"urn:epcglobal:cbv:sdt:owning_party","source":"urn:epc:id:pgln:6901234.00000"}';
    const nested = '{"sourceList":['.repeat(5000) + owner + ']}'.repeat(5000);
    const event = `{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-11-20T05:00:00Z","sourceList":[${nested}]}`;
    const document = `{"type":"EPCISDocument","epcisBody":{"eventList":[${event}]}}`;
    const before = await ledgerSize();
    const others = Array.from({ length: 5 }, () => createOrg(service.app, 'PRODUCER'));
    const deep = await capture(document, org.key);
    expect(deep.status).toBe(400);
    expect(deep.body.errors[0]).toMatchObject({
      message: 'the EPCIS document: JSON is nested more than 64 levels deep',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(await Promise.all(others)).toHaveLength(5);
    expect(await ledgerSize()).toBe(before + 5);
  });

  describe('bounded by the work a document makes the writer do, refused before the ledger lock', () => {
    const lotCount = 200;
    const lotClass = (i: number) => `https://id.gs1.org/01/06901234000405/10/SENSOR-${i}`;
    const commissioning = (lots: number) => ({
      type: 'ObjectEvent',
      action: 'ADD',
      bizStep: 'commissioning',
      eventTime: '2026-11-20T05:00:00Z',
      bizLocation: { id: 'https://id.gs1.org/414/6901234000054' },
      quantityList: Array.from({ length: lots }, (_, i) => ({ epcClass: lotClass(i), quantity: 10, uom: 'KGM' })),
    });
    // One logger's readings, reported for each lot the event names.
    const sensorReporting = (lots: number, reports = 1000) => ({
      type: 'ObjectEvent',
      action: 'OBSERVE',
      bizStep: 'sensor_reporting',
      eventTime: '2026-11-21T05:00:00Z',
      quantityList: Array.from({ length: lots }, (_, i) => ({ epcClass: lotClass(i) })),
      sensorElementList: [
        {
          sensorMetadata: { deviceID: 'urn:epc:id:giai:6901234.logger9' },
          sensorReport: Array.from({ length: reports }, (_, i) => ({
            type: 'Temperature',
            time: new Date(Date.UTC(2026, 10, 20, 6) + i * 60_000).toISOString(),
            value: 4,
          })),
        },
      ],
    });
    const epcisDocument = (...eventList: object[]) => ({ type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList } });
    let farm: Awaited<ReturnType<typeof createOrg>>;

    it('refuses the document of 200 lots × 1,000 reports (200,000 readings) naming the bound and by how much, and writes nothing', async () => {
      const { app } = service;
      farm = await createOrg(app, 'PRODUCER');
      await registerFacility(app, farm, { gln: '6901234000054' });
      await registerProduct(app, farm, { name: '冷藏牛乳', category: 'DAIRY', storage: 'CHILLED', gtin: '06901234000405' });
      expect((await capture(epcisDocument(commissioning(lotCount)), farm.key)).status).toBe(202);
      const before = await ledgerSize();

      const body = JSON.stringify(epcisDocument(sensorReporting(lotCount)));
      expect(body.length).toBeLessThan(100_000); // a small request, for the 200,000 rows it asks for
      const refused = await capture(body, farm.key);
      expect(refused.status).toBe(400);
      const [error] = refused.body.errors;
      expect(error.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'CAPTURE_TOO_COSTLY',
        bounds: [
          { bound: 'work', limit: 10_000, actual: 210_000 },
          { bound: 'storedBytes', limit: 2 * 1024 * 1024, actual: expect.any(Number) },
        ],
      });
      expect(error.message).toMatch(
        /^the EPCIS document would cost 210,000 units of work \(.*200 lots registered, read by a sensor or transformed × 50 \+ 200,000 temperature readings .*\), 200,000 more than the 10,000 one capture may/,
      );
      expect(error.message).toMatch(
        /; and [\d,]+ bytes of ledger payload \(each entry keeps its event’s members again\), [\d,]+ more than the 2,097,152 one capture may: /,
      );
      expect(error.message).toMatch(/nothing was recorded; send it as several smaller documents$/);
      expect(await ledgerSize()).toBe(before);
    });

    it('captures a document at the limit: 20 lots × 450 reports (20 lots × 50 + 9,000 readings = 10,000 units)', async () => {
      const before = await ledgerSize();
      expect((await capture(epcisDocument(sensorReporting(20, 451)), farm.key)).body.errors[0].message).toMatch(/^the EPCIS document would cost 10,020 units/);
      const atLimit = await capture(epcisDocument(sensorReporting(20, 450)), farm.key);
      expect(atLimit.status).toBe(202);
      expect(await ledgerSize()).toBe(before + 20);
      const batch = await batchView(atLimit.body.events[0].batchIds[19], farm.key);
      expect(batch.lotCode).toBe('SENSOR-19');
      expect(batch.events.at(-1)).toMatchObject({ type: 'TEMPERATURES_RECORDED', payload: { count: 450, sensorId: 'urn:epc:id:giai:6901234.logger9' } });
    });
  });
});
