import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { LEDGER_SIZE } from '../support/documents.js';
import { readFixture } from '../support/fixtures.js';
import { gqlOk, useTestApp } from '../support/test-app.js';

/**
 * Issue 15, point 1: capture is idempotent by event id (the eventID, or the CBV 2.0 hash ID of an event
 * sent without one). A repeat answers with the record it made and writes nothing; the same eventID with
 * other content is a 409 naming the event. And the public utility that answers those hash IDs.
 */
describe('idempotent EPCIS capture and POST /epcis/event-hash', () => {
  const service = useTestApp();
  const ledgerSize = async () => (await gqlOk(service.app, LEDGER_SIZE)).ledgerInfo.size as number;
  const post = (path: string, body: unknown, key?: string) => {
    const req = request(service.app.getHttpServer()).post(path).set('content-type', 'application/ld+json');
    if (key) req.set('authorization', `Bearer ${key}`);
    return req.send(JSON.stringify(body));
  };
  const capture = (body: unknown, key: string) => post('/epcis/capture', body, key);

  let shops = 0;
  /** A shop with a 100 kg lot of a product with a GTIN, at a facility with a GLN (new ones each time). */
  async function shop() {
    const { app } = service;
    const n = ++shops;
    const gln = withCheckDigit(`69012340${String(n).padStart(3, '0')}0`);
    const gtin = withCheckDigit(`069012341${String(n).padStart(3, '0')}0`);
    const org = await createOrg(app, 'RETAILER', `Idempotent shop ${n}`);
    const site = await registerFacility(app, org, { gln });
    const product = await registerProduct(app, org, { name: 'Rice', gtin });
    const lot = await registerBatch(app, org, product, site, { lotCode: 'SALE-1', quantity: 100, unit: 'kg' });
    const soldKg = async () => {
      const data = await gqlOk(app, 'query($id: ID!) { batch(id: $id) { events { type payload } } }', { id: lot.id }, org.key);
      return (data.batch.events as { payload: { bizStep?: string; quantity?: number } }[])
        .filter((e) => e.payload.bizStep === 'RETAIL_SELLING')
        .reduce((kg, e) => kg + (e.payload.quantity ?? 0), 0);
    };
    const sale = (overrides: Record<string, unknown> = {}) => ({
      type: 'ObjectEvent',
      eventID: 'urn:uuid:6b1c0a5e-3f1d-4c1e-9d1a-000000000001',
      action: 'OBSERVE',
      bizStep: 'retail_selling',
      eventTime: '2026-11-20T10:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      bizLocation: { id: `https://id.gs1.org/414/${gln}` },
      quantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}/10/SALE-1`, quantity: 10, uom: 'KGM' }],
      ...overrides,
    });
    return { org, lot, soldKg, sale, gtin };
  }

  const documentOf = (...events: unknown[]) => ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-20T10:05:00Z',
    epcisBody: { eventList: events },
  });

  it('records a 10 kg sale sent twice once: the repeat answers with the first record, the lot stays at 10 kg sold, the ledger does not grow', async () => {
    const { org, lot, soldKg, sale } = await shop();
    const first = await capture(documentOf(sale()), org.key);
    expect(first.status).toBe(202);
    expect(first.body.events).toEqual([{ index: 0, eventID: sale().eventID, batchIds: [lot.id] }]);
    const size = await ledgerSize();

    const again = await capture(documentOf(sale()), org.key);
    expect(again.status).toBe(202);
    expect(again.body.events).toEqual([{ index: 0, eventID: sale().eventID, batchIds: [lot.id], repeat: true }]);
    expect(await ledgerSize()).toBe(size);
    expect(await soldKg()).toBe(10);

    // The same event in other JSON (members in another order, the time in UTC) is the same event.
    const reordered = Object.fromEntries(Object.entries(sale({ eventTime: '2026-11-20T02:00:00.000Z' })).reverse());
    expect((await capture(documentOf(reordered), org.key)).body.events[0].repeat).toBe(true);
    expect(await ledgerSize()).toBe(size);
  });

  it('refuses the same eventID with other content with a 409 naming the event, and records nothing of its document', async () => {
    const { org, soldKg, sale, gtin } = await shop();
    const id = 'urn:uuid:6b1c0a5e-3f1d-4c1e-9d1a-000000000002';
    expect((await capture(documentOf(sale({ eventID: id })), org.key)).status).toBe(202);
    const size = await ledgerSize();
    const changed = sale({ eventID: id, quantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}/10/SALE-1`, quantity: 20, uom: 'KGM' }] });
    const fresh = sale({ eventID: 'urn:uuid:6b1c0a5e-3f1d-4c1e-9d1a-000000000003' });
    const res = await capture(documentOf(fresh, changed), org.key);
    expect(res.status).toBe(409);
    const [error] = res.body.errors;
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', reason: 'EVENT_ID_CONFLICT', eventIndex: 1, eventID: id });
    expect(error.message).toContain(`eventList[1]: event ${id} was captured by an earlier capture with other content`);
    expect(await ledgerSize()).toBe(size);
    expect(await soldKg()).toBe(10);
  });

  it('knows the same event twice in one document: recorded once, or a 409 when its content differs', async () => {
    const { org, soldKg, sale } = await shop();
    const id = 'urn:uuid:6b1c0a5e-3f1d-4c1e-9d1a-000000000004';
    const before = await ledgerSize();
    const res = await capture(documentOf(sale({ eventID: id }), sale({ eventID: id })), org.key);
    expect(res.status).toBe(202);
    expect(res.body.events.map((e: { repeat?: true }) => e.repeat ?? false)).toEqual([false, true]);
    expect(await ledgerSize()).toBe(before + 1);
    expect(await soldKg()).toBe(10);

    const other = 'urn:uuid:6b1c0a5e-3f1d-4c1e-9d1a-000000000005';
    const conflict = await capture(documentOf(sale({ eventID: other }), sale({ eventID: other, eventTime: '2026-11-20T11:00:00+08:00' })), org.key);
    expect(conflict.status).toBe(409);
    expect(conflict.body.errors[0].message).toContain(`eventList[1]: event ${other} was captured by eventList[0] of the same document with other content`);
    expect(await ledgerSize()).toBe(before + 1);
  });

  it('records an event without eventID sent twice once, known by its CBV 2.0 hash ID', async () => {
    const { org, soldKg, sale } = await shop();
    const anonymous = Object.fromEntries(Object.entries(sale()).filter(([member]) => member !== 'eventID'));
    const first = await capture(documentOf(anonymous), org.key);
    expect(first.status).toBe(202);
    const size = await ledgerSize();
    const again = await capture(documentOf(anonymous), org.key);
    expect(again.status).toBe(202);
    expect(again.body.events[0]).toMatchObject({ eventID: null, repeat: true });
    expect(await ledgerSize()).toBe(size);
    expect(await soldKg()).toBe(10);

    const { body } = await post('/epcis/event-hash', documentOf(anonymous));
    const db = new pg.Client({ connectionString: service.db.url });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT event_id, hash_id FROM epcis_captured_event WHERE hash_id = $1', [body.events[0].hashId]);
      expect(rows).toEqual([{ event_id: body.events[0].hashId, hash_id: body.events[0].hashId }]);
    } finally {
      await db.end();
    }
  });

  it('lets only one of two identical captures sent at once write', async () => {
    const { org, soldKg, sale } = await shop();
    const before = await ledgerSize();
    const document = documentOf(sale({ eventID: 'urn:uuid:6b1c0a5e-3f1d-4c1e-9d1a-000000000006' }));
    const answers = await Promise.all([capture(document, org.key), capture(document, org.key), capture(document, org.key)]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(answers.filter((a) => a.body.events[0].repeat === true)).toHaveLength(2);
    expect(await ledgerSize()).toBe(before + 1);
    expect(await soldKg()).toBe(10);
  });

  it('answers every event’s hash ID without a key, with its pre-hash on request; a bad document is a 400 with the reason', async () => {
    const name = 'epcisDocWithShippingAndTransportingEvent';
    const document = JSON.parse(readFixture(`epcis/event-hash/${name}.jsonld`));
    const hashes = readFixture(`epcis/event-hash/${name}.hashes`).split('\n').filter(Boolean);
    const prehashes = readFixture(`epcis/event-hash/${name}.prehashes`).split('\n').filter(Boolean);
    const before = await ledgerSize();

    const plain = await post('/epcis/event-hash', document);
    expect(plain.status).toBe(200);
    expect(plain.body).toEqual({ events: hashes.map((hashId, index) => ({ index, eventID: null, hashId })) });
    const withPrehash = await post('/epcis/event-hash?prehash=true', document);
    expect(withPrehash.body.events.map((e: { prehash: string }) => e.prehash)).toEqual(prehashes);

    const bad = await post('/epcis/event-hash', { epcisBody: { eventList: [document.epcisBody.eventList[0], { type: 'ObjectEvent', eventTime: 'soon' }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT', events: [{ index: 1 }] });
    expect(bad.body.errors[0].message).toContain("eventList[1]: 'soon' is not a date-time");
    expect((await post('/epcis/event-hash', [])).status).toBe(400);
    expect((await post('/epcis/event-hash?prehash=yes', document)).status).toBe(400);
    expect(await ledgerSize()).toBe(before);
  });
});

function withCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return digits + String((10 - (sum % 10)) % 10);
}
