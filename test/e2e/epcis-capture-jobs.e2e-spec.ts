import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrg, Org, registerFacility, registerProduct } from '../support/builders.js';
import { LEDGER_SIZE, RECORD_EVENT } from '../support/documents.js';
import { verifyWholeLedger } from '../support/hostile-values.js';
import { gql, gqlOk, useTestApp } from '../support/test-app.js';

/**
 * EPCIS 2.0 capture jobs (issue 15): 202 with the Location of a finished job that its organization
 * alone reads, GS1-Capture-Error-Behaviour rollback and proceed, every reason of every refused event,
 * and a stranger's capture on another organization's lot told nothing of that lot.
 */
describe('EPCIS capture jobs', () => {
  const service = useTestApp();
  const ledgerSize = async () => (await gqlOk(service.app, LEDGER_SIZE)).ledgerInfo.size as number;
  const capture = (body: object, key: string, behaviour?: string) => {
    const req = request(service.app.getHttpServer()).post('/epcis/capture').set('content-type', 'application/ld+json').set('authorization', `Bearer ${key}`);
    if (behaviour !== undefined) req.set('GS1-Capture-Error-Behaviour', behaviour);
    return req.send(JSON.stringify(body));
  };
  const get = (path: string, key?: string, accept?: string) => {
    const req = request(service.app.getHttpServer()).get(path);
    if (key) req.set('authorization', `Bearer ${key}`);
    if (accept) req.set('accept', accept);
    return req;
  };
  const document = (...eventList: object[]) => ({ type: 'EPCISDocument', schemaVersion: '2.0', epcisBody: { eventList } });

  // GS1 keys with their check digits; SGLN urn:epc:id:sgln:6901234.0000N.0 is GLN 690123400000N + check digit.
  const FARM_GLN = { gln: '6901234000016', sgln: 'urn:epc:id:sgln:6901234.00001.0' };
  const SHOP_GLN = { gln: '6901234000023', sgln: 'urn:epc:id:sgln:6901234.00002.0' };
  const RICE = '06901234000108';
  const TEA = '06901234000207';
  /** What an organization that neither holds a lot nor receives it is told about it, after its name. */
  const STRANGER =
    'is not in your custody and was not shipped to you; only its custodian records its events, and only the organization it is shipped to its RECEIVING';
  const lotOf = (gtin: string, lot: string) => `https://id.gs1.org/01/${gtin}/10/${lot}`;

  const commissioning = (sgln: string, gtin: string, lot: string, quantity = 100) => ({
    type: 'ObjectEvent',
    action: 'ADD',
    bizStep: 'commissioning',
    eventTime: '2026-11-20T05:00:00Z',
    bizLocation: { id: sgln },
    quantityList: [{ epcClass: lotOf(gtin, lot), quantity, uom: 'KGM' }],
  });
  const observing = (bizStep: string, sgln: string, lines: { epcClass: string; quantity?: number }[], more: object = {}) => ({
    type: 'ObjectEvent',
    action: 'OBSERVE',
    bizStep,
    eventTime: '2026-11-20T06:00:00Z',
    bizLocation: { id: sgln },
    quantityList: lines.map((l) => ({ uom: 'KGM', ...l })),
    ...more,
  });

  let farm: Org;
  let shop: Org;
  let mill: Org;
  const world = async () => {
    if (farm) return;
    farm = await createOrg(service.app, 'PRODUCER');
    await registerFacility(service.app, farm, { gln: FARM_GLN.gln });
    await registerProduct(service.app, farm, { gtin: RICE });
    shop = await createOrg(service.app, 'RETAILER');
    await registerFacility(service.app, shop, { gln: SHOP_GLN.gln });
    await registerProduct(service.app, shop, { gtin: TEA });
    mill = await createOrg(service.app, 'PROCESSOR');
  };

  it('answers 202 with the Location of a finished job that its organization reads again, and no other organization can', async () => {
    await world();
    const res = await capture(document(commissioning(FARM_GLN.sgln, RICE, 'J-1')), farm.key);
    expect(res.status).toBe(202);
    const location = res.headers.location as string;
    expect(location).toMatch(/^\/epcis\/capture\/[0-9a-f-]{36}$/);
    expect(res.body).toMatchObject({ captureID: location.split('/').at(-1), running: false, success: true, captureErrorBehaviour: 'rollback', errors: [] });
    expect(Date.parse(res.body.finishedAt)).toBeGreaterThanOrEqual(Date.parse(res.body.createdAt));

    const again = await get(location, farm.key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(res.body);

    // Another organization's job answers as an unknown one does.
    const foreign = await get(location, shop.key);
    const unknown = await get('/epcis/capture/00000000-0000-4000-8000-000000000000', shop.key);
    const malformed = await get('/epcis/capture/not-a-job', shop.key);
    for (const answer of [foreign, unknown, malformed]) {
      expect(answer.status).toBe(404);
      expect(answer.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'CAPTURE_JOB_NOT_FOUND' });
      expect(answer.body.errors[0].message).toMatch(/^no capture job \S+ of your organization$/);
    }
    expect(JSON.stringify(foreign.body)).not.toContain(farm.id);
    expect((await get(location)).status).toBe(401);
  });

  it('answers 406 to an Accept header that excludes JSON, and 415 stays for a body that is not JSON', async () => {
    await world();
    const made = await capture(document(commissioning(FARM_GLN.sgln, RICE, 'J-2')), farm.key);
    for (const path of [made.headers.location as string, '/epcis/capture']) {
      for (const accept of ['text/html', 'application/xml, text/*', 'application/json;q=0, */*']) {
        const res = await get(path, farm.key, accept);
        expect([path, accept, res.status]).toEqual([path, accept, 406]);
        expect(res.body.errors[0].extensions).toMatchObject({ code: 'NOT_ACCEPTABLE', reason: 'NOT_ACCEPTABLE' });
        expect(res.body.errors[0].message).toContain(JSON.stringify(accept));
      }
      expect((await get(path, farm.key, 'application/json')).status).toBe(200);
      expect((await get(path, farm.key, '*/*')).status).toBe(200);
    }
    const text = await request(service.app.getHttpServer())
      .post('/epcis/capture')
      .set('authorization', `Bearer ${farm.key}`)
      .set('content-type', 'text/plain')
      .send('{}');
    expect(text.status).toBe(415);
  });

  it('lists the caller’s jobs newest first, a page at a time, refused captures included', async () => {
    const org = await createOrg(service.app, 'PRODUCER');
    const ids: string[] = [];
    for (const lot of ['A', 'B', 'C']) {
      // No place: refused, and on record as a job.
      const res = await capture(document({ ...commissioning(FARM_GLN.sgln, RICE, lot), bizLocation: undefined }), org.key);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBe(`/epcis/capture/${res.body.errors[0].extensions.captureID}`);
      ids.push(res.body.errors[0].extensions.captureID);
    }
    const first = await get('/epcis/capture?perPage=2', org.key);
    expect(first.status).toBe(200);
    expect(first.body.map((j: { captureID: string }) => j.captureID)).toEqual([ids[2], ids[1]]);
    const next = /^<(\/epcis\/capture\?perPage=2&nextPageToken=[\w-]+)>; rel="next"$/.exec(first.headers.link as string);
    expect(next).not.toBeNull();
    const second = await get(next![1], org.key);
    expect(second.body.map((j: { captureID: string }) => j.captureID)).toEqual([ids[0]]);
    expect(second.headers.link).toBeUndefined();
    expect(second.body[0]).toMatchObject({ success: false, captured: 0, events: [], errors: [{ eventIndex: 0, code: 'EPCIS_NOT_MODELLED' }] });
    // Only the caller's own.
    expect(
      (await get('/epcis/capture?perPage=100', shop?.key ?? (await createOrg(service.app)).key)).body.map((j: { captureID: string }) => j.captureID),
    ).not.toContain(ids[0]);

    for (const bad of ['perPage=0', 'perPage=101', 'perPage=two', 'nextPageToken=bm90LWEtdG9rZW4', 'perPage=1&perPage=2']) {
      const res = await get(`/epcis/capture?${bad}`, org.key);
      expect([bad, res.status, res.body.errors[0].extensions.code]).toEqual([bad, 400, 'BAD_USER_INPUT']);
    }
  });

  it('rollback (the default): records nothing of a refused document, and its job lists every reason of every refused event', async () => {
    await world();
    const before = await ledgerSize();
    const res = await capture(
      document(
        commissioning(FARM_GLN.sgln, RICE, 'R-1'),
        // Breaks the standard twice (a time not in its format, a quantity that is no number) and names no place Suyuan reads.
        {
          ...observing('storing', FARM_GLN.sgln, [{ epcClass: lotOf(RICE, 'R-1'), quantity: 'ten' as unknown as number }]),
          eventTime: 'today',
          bizLocation: undefined,
        },
        // Valid EPCIS that Suyuan does not record.
        { type: 'AssociationEvent', action: 'ADD', eventTime: '2026-11-20T06:00:00Z', parentID: 'urn:epc:id:sscc:0614141.1234567890', childEPCs: [] },
      ),
      farm.key,
    );
    expect(res.status).toBe(400);
    const [error] = res.body.errors;
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'EPCIS_INVALID', captureID: expect.any(String) });
    expect(error.extensions.events.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'EPCIS_INVALID'],
      [2, 'EPCIS_NOT_MODELLED'],
    ]);
    expect(await ledgerSize()).toBe(before);

    const job = (await get(res.headers.location as string, farm.key)).body;
    expect(job).toMatchObject({ success: false, captureErrorBehaviour: 'rollback', captured: 0, events: [] });
    expect(job.errors.map((e: { eventIndex: number; type: string; status: number }) => [e.eventIndex, e.type, e.status])).toEqual([
      [1, 'epcisException:ValidationException', 400],
      [2, 'epcisException:ValidationException', 400],
    ]);
    expect(job.errors[0].reasons.map((r: { code: string; reason: string }) => [r.code, r.reason.split(/[ :]/)[0]])).toEqual([
      ['EPCIS_INVALID', 'quantityList[0].quantity'],
      ['EPCIS_INVALID', 'eventTime'],
      ['EPCIS_NOT_MODELLED', 'bizLocation'],
    ]);
    expect(job.errors[1].reasons).toEqual([{ code: 'EPCIS_NOT_MODELLED', reason: expect.stringMatching(/^type "AssociationEvent" is not modelled/) }]);
  });

  it('refuses a body that is no EPCIS document as invalid EPCIS, before any job exists; one too large for a capture is not called invalid', async () => {
    await world();
    for (const [body, message] of [
      [{ type: 'EPCISQueryDocument', epcisBody: { eventList: [{}] } }, 'type must be "EPCISDocument", got "EPCISQueryDocument"'],
      [{ type: 'EPCISDocument', schemaVersion: '1.2', epcisBody: { eventList: [{}] } }, 'schemaVersion must be "2.0", got "1.2"'],
      [{ type: 'EPCISDocument', epcisBody: {} }, 'epcisBody.eventList must list at least one event'],
    ] as const) {
      const res = await capture(body, farm.key, 'proceed');
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT', reason: 'EPCIS_INVALID' } });
      expect(res.headers.location).toBeUndefined();
    }
    const tooMany = await capture(document(...Array.from({ length: 1001 }, () => ({}))), farm.key);
    expect(tooMany.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' });
  });

  it('refuses a GS1-Capture-Error-Behaviour other than rollback or proceed, naming the header, before anything is read', async () => {
    await world();
    const before = await ledgerSize();
    for (const value of ['Proceed', 'continue', 'rollback, proceed', '']) {
      const res = await capture(document(commissioning(FARM_GLN.sgln, RICE, 'H-1')), farm.key, value);
      expect([value, res.status]).toEqual([value, 400]);
      expect(res.body.errors[0].message).toMatch(/^GS1-Capture-Error-Behaviour must be rollback or proceed, got /);
      expect(res.headers.location).toBeUndefined();
    }
    expect(await ledgerSize()).toBe(before);
    expect((await capture(document(commissioning(FARM_GLN.sgln, RICE, 'H-1')), farm.key, 'rollback')).status).toBe(202);
  });

  it('proceed: captures each event that can be, whole, and reports the others with their reasons; a repeat writes nothing', async () => {
    await world();
    // The shop's lot, which the farm may not record on.
    expect((await capture(document(commissioning(SHOP_GLN.sgln, TEA, 'S-1')), shop.key)).status).toBe(202);
    const mixed = document(
      commissioning(FARM_GLN.sgln, RICE, 'P-1'),
      // Its first lot could be stored, its second is the shop's: the event is refused whole.
      observing('storing', FARM_GLN.sgln, [
        { epcClass: lotOf(RICE, 'P-1'), quantity: 10 },
        { epcClass: lotOf(TEA, 'S-1'), quantity: 1 },
      ]),
      { ...observing('storing', FARM_GLN.sgln, [{ epcClass: lotOf(RICE, 'P-1') }]), epcList: ['urn:epc:id:sgtin:6901234.000010.1'] },
      observing('shipping', FARM_GLN.sgln, [{ epcClass: lotOf(RICE, 'P-1'), quantity: 150 }], {
        bizTransactionList: [{ type: 'po', bizTransaction: 'urn:example:po:1' }],
        destinationList: [
          { type: 'owning_party', destination: `urn:uuid:${mill.id}` },
          { type: 'location', destination: 'urn:example:mill' },
        ],
      }),
      observing('storing', FARM_GLN.sgln, [{ epcClass: lotOf(RICE, 'P-1'), quantity: 100 }], { eventTime: '2026-11-20T07:00:00Z' }),
      observing('storing', FARM_GLN.sgln, [{ epcClass: lotOf(RICE, 'NO-SUCH-LOT') }]),
    );
    const before = await ledgerSize();
    const res = await capture(mixed, farm.key, 'proceed');
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/epcis/capture/${res.body.captureID}`);
    expect(res.body).toMatchObject({ success: false, captureErrorBehaviour: 'proceed', captured: 2 });
    expect(res.body.events.map((e: { index: number }) => e.index)).toEqual([0, 4]);
    expect(res.body.errors.map((e: { eventIndex: number; code: string; status: number }) => [e.eventIndex, e.code, e.status])).toEqual([
      [1, 'BATCH_NOT_IN_CUSTODY', 403],
      // A unit never commissioned: the event is refused whole (its lot's storing too).
      [2, 'UNIT_NOT_FOUND', 404],
      [3, 'INSUFFICIENT_QUANTITY', 409],
      [5, 'BATCH_NOT_FOUND', 404],
    ]);
    expect(res.body.errors[0].type).toBe('epcisException:SecurityException');
    // The shop's lot is named as the document named it, not by its internal id, and nothing of its state is told.
    const shopLot = res.body.errors[0].detail as string;
    expect(shopLot).toMatch(/^eventList\[1\]: lot S-1 of GTIN 06901234000207 is not in your custody and was not shipped to you/);
    expect(shopLot).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|ACTIVE/);

    // Exactly the two events captured: the lot's registration and its one storing (not event 1's storing of it).
    expect(await ledgerSize()).toBe(before + 2);
    const [lotId] = res.body.events[0].batchIds;
    const batch = (await gqlOk(service.app, 'query($id: ID!) { batch(id: $id) { quantity events { type payload } } }', { id: lotId }, farm.key)).batch;
    expect(batch.quantity).toBe(100);
    expect(
      batch.events.map((e: { type: string; payload: { bizStep?: string; quantity?: number } }) => [
        e.type,
        e.payload.bizStep ?? null,
        e.payload.quantity ?? null,
      ]),
    ).toEqual([
      ['BATCH_REGISTERED', null, 100],
      ['EVENT_RECORDED', 'STORING', 100],
    ]);
    expect(await verifyWholeLedger(service.app)).toMatchObject({ valid: true });

    // The same document again: the captured events are repeats, the others refused again, nothing written.
    const again = await capture(mixed, farm.key, 'proceed');
    expect(again.status).toBe(202);
    expect(again.body.events).toEqual([
      { index: 0, eventID: null, batchIds: [lotId], repeat: true },
      { index: 4, eventID: null, batchIds: [lotId], repeat: true },
    ]);
    expect(again.body.errors.map((e: { eventIndex: number }) => e.eventIndex)).toEqual([1, 2, 3, 5]);
    expect(await ledgerSize()).toBe(before + 2);
    // A document proceed captures whole is a success.
    const whole = await capture(document(commissioning(FARM_GLN.sgln, RICE, 'P-2')), farm.key, 'proceed');
    expect(whole.body).toMatchObject({ success: true, errors: [], captured: 1 });
  });

  it('proceed: an event later in the document that needs a refused one is refused too, and a lot an undone event registered is not found', async () => {
    await world();
    const before = await ledgerSize();
    const res = await capture(
      document(
        // Registers Q-1, but its second line is a lot number no lot may have: refused whole, Q-1 is not registered.
        {
          ...commissioning(FARM_GLN.sgln, RICE, 'Q-1'),
          quantityList: [
            { epcClass: lotOf(RICE, 'Q-1'), quantity: 5, uom: 'KGM' },
            { epcClass: lotOf(RICE, 'Q-1'), quantity: 5, uom: 'KGM' },
          ],
        },
        observing('storing', FARM_GLN.sgln, [{ epcClass: lotOf(RICE, 'Q-1') }]),
        // The same storing again (same content, so the same event): refused as the first was.
        observing('storing', FARM_GLN.sgln, [{ epcClass: lotOf(RICE, 'Q-1') }]),
      ),
      farm.key,
      'proceed',
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ success: false, captured: 0, events: [] });
    expect(res.body.errors.map((e: { eventIndex: number; code: string }) => [e.eventIndex, e.code])).toEqual([
      [0, 'DUPLICATE_LOT_CODE'],
      [1, 'BATCH_NOT_FOUND'],
      [2, 'BATCH_NOT_FOUND'],
    ]);
    expect(res.body.errors[2].detail).toMatch(
      /^eventList\[2\]: repeats eventList\[1\], which was refused: eventList\[1\]: no lot Q-1 of GTIN 06901234000108 is registered/,
    );
    expect(await ledgerSize()).toBe(before);
  });

  it('another organization’s lot: capture and GraphQL refuse alike, and neither tells its state or where it goes', async () => {
    await world();
    const made = await capture(document(commissioning(FARM_GLN.sgln, RICE, 'X-1')), farm.key);
    const lotId = made.body.events[0].batchIds[0] as string;
    const shopFacility = await registerFacility(service.app, shop);
    const receiving = observing('receiving', SHOP_GLN.sgln, [{ epcClass: lotOf(RICE, 'X-1'), quantity: 10 }]);
    const viaGraphql = async () =>
      (
        await gql(
          service.app,
          RECORD_EVENT,
          { input: { batchId: lotId, bizStep: 'RECEIVING', eventTime: '2026-11-20T08:00:00Z', facilityId: shopFacility, quantity: 10 } },
          shop.key,
        )
      ).errors![0];

    const check = async (state: RegExp) => {
      const res = await capture(document(receiving), shop.key);
      expect(res.status).toBe(403);
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'BATCH_NOT_IN_CUSTODY', eventIndex: 0 });
      expect(res.body.errors[0].message).toBe(`eventList[0]: lot X-1 of GTIN 06901234000108 ${STRANGER}`);
      const graphql = await viaGraphql();
      expect(graphql.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'BATCH_NOT_IN_CUSTODY' });
      // GraphQL was given the lot by its id, so it names it so; neither says more.
      expect(graphql.message).toBe(`batch ${lotId} ${STRANGER}`);
      for (const text of [JSON.stringify(res.body), graphql.message]) expect(text).not.toMatch(state);
    };
    // Never shipped: nothing says it is ACTIVE.
    await check(/ACTIVE|not in transit/);
    // Shipped to the mill: nothing names the mill or the transit.
    const shipped = await capture(
      document(
        observing('shipping', FARM_GLN.sgln, [{ epcClass: lotOf(RICE, 'X-1'), quantity: 40 }], {
          bizTransactionList: [{ type: 'po', bizTransaction: 'urn:example:po:2' }],
          destinationList: [
            { type: 'owning_party', destination: `urn:uuid:${mill.id}` },
            { type: 'location', destination: 'urn:example:mill' },
          ],
        }),
      ),
      farm.key,
    );
    expect(shipped.status).toBe(202);
    await check(new RegExp(`${mill.id}|IN_TRANSIT|in transit|\\b40\\b`));
  });
});
