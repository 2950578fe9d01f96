import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Database } from '../../src/database/database.js';
import { hashLeaf, verifyInclusion } from '../../src/ledger/merkle-verify.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { leafHashesOf, serialsTree } from '../../src/units/serials-merkle.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { INITIATE_RECALL } from '../support/documents.js';
import { gql, gqlOk, rawBody, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { readPdf } from '../support/pdf-reader.js';
import { withAdminClient } from '../../src/database/postgres-server.js';

const BASE = 'http://localhost:3000';
const COMMISSION = `mutation($input: CommissionUnitsInput!) {
  commissionUnits(input: $input) { id batchId count serialsRoot entry { seq type payload } }
}`;
const RECORD = 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq type payload } }';
const RECORD_MANY = 'mutation($input: [RecordEventInput!]!) { recordEvents(input: $input) { seq } }';
const UNIT = `query($gtin: String!, $serial: String!) {
  unit(gtin: $gtin, serial: $serial) { serial events { seq bizStep eventTime facilityName } sale { seq bizStep eventTime facilityName } }
}`;

/** Units named by their producer and events that name units (issue 18, points 3 and 5), over HTTP against the whole app. */
describe('serials a producer names, and events naming units', () => {
  const service = useTestApp();
  let gtins = 0;
  const sql = (text: string, params?: unknown[]) => service.app.get(Database).query(text, params);
  const ledgerSize = async () => Number((await sql('SELECT count(*) AS n FROM ledger_entry')).rows[0].n);
  const unitRows = async () =>
    Number((await sql('SELECT (SELECT count(*) FROM unit) + (SELECT count(*) FROM unit_event) + (SELECT count(*) FROM unit_sale) AS n')).rows[0].n);

  /** A producer with a GTIN product (counted in pieces) and one lot of it. */
  async function gtinLot(lotCode = `S-${process.pid}-${++gtins}`) {
    const { app } = service;
    const org = await createOrg(app, 'PRODUCER', '茅台酒厂');
    const facility = await registerFacility(app, org, { name: `仁怀酒厂 ${gtins}` });
    const body = `69500000${String(++gtins).padStart(4, '0')}`;
    const gtin = `0${body}${gtinCheckDigit(body)}`;
    const productId = await registerProduct(app, org, { name: '飞天茅台', category: 'OTHER', gtin });
    const batch = await registerBatch(app, org, productId, facility, { lotCode, quantity: 100, unit: 'bottle' });
    return { org, facility, gtin, productId, batch, lotCode };
  }
  const commission = (key: string, input: Record<string, unknown>) => gql(service.app, COMMISSION, { input }, key);
  const refusal = (res: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }) => {
    expect(res.data ?? null).toBeNull();
    return { reason: res.errors![0].extensions!.reason, message: res.errors![0].message };
  };

  it('commissions serials the producer names: the same one entry and root (leaf = SHA-256(0x00 ‖ serial)), the CSV and proofs as for minted ones', async () => {
    const { org, gtin, batch } = await gtinLot('L/9');
    const serials = ['2017', 'A,B"1', 'x/y%z', '12345678901234567890'];
    const res = await commission(org.key, { batchId: batch.id, count: 4, serials });
    expect(res.errors).toBeUndefined();
    const c = res.data!.commissionUnits;
    expect(c.entry.payload).toEqual({ commissioningId: c.id, gtin, count: 4, serialsRoot: serialsTree(leafHashesOf(serials)).root.toString('hex') });

    const csv = await request(service.app.getHttpServer()).get(`/units/${c.id}.csv`).set('authorization', `Bearer ${org.key}`);
    const lines = csv.text
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(new RegExp(`^2017,${BASE}/01/${gtin}/10/L%2F9/21/2017,[2-9A-HJ-NP-Z]{10}$`));
    // Set 82's punctuation is quoted in the CSV and percent-encoded in the link.
    expect(lines[2]).toMatch(new RegExp(`^"A,B""1",${BASE}/01/${gtin}/10/L%2F9/21/A%2CB%221,[2-9A-HJ-NP-Z]{10}$`));
    expect(lines[3].startsWith(`x/y%z,${BASE}/01/${gtin}/10/L%2F9/21/x%2Fy%25z,`)).toBe(true);

    for (const [index, serial] of serials.entries()) {
      const proof = await request(service.app.getHttpServer()).get(`/u/${gtin}/${encodeURIComponent(serial)}/proof.json`);
      expect(proof.status).toBe(200);
      expect([proof.body.serial, proof.body.leafIndex, proof.body.treeSize]).toEqual([serial, index, 4]);
      const path = (proof.body.path as string[]).map((h) => Buffer.from(h, 'hex'));
      expect(verifyInclusion(hashLeaf(Buffer.from(serial, 'latin1')), index, 4, path, Buffer.from(c.serialsRoot, 'hex'))).toBe(true);
    }
    expect((await gqlOk(service.app, UNIT, { gtin, serial: '2017' })).unit).toEqual({ serial: '2017', events: [], sale: null });
  });

  it('prints given serials on the label sheet as named, with the codes (its first download)', async () => {
    const { org, batch } = await gtinLot();
    const serials = ['2017', 'A/B-9', 'LONG-SERIAL-12345678'];
    const c = (await gqlOk(service.app, COMMISSION, { input: { batchId: batch.id, count: 3, serials } }, org.key)).commissionUnits;
    const res = await request(service.app.getHttpServer()).get(`/units/${c.id}.pdf`).set('authorization', `Bearer ${org.key}`).buffer(true).parse(rawBody);
    expect(res.status).toBe(200);
    expect(res.headers['units-check-codes']).toMatch(/^included/);
    const { text } = readPdf(res.body as Buffer);
    for (const serial of serials) expect(text).toContain(serial);
  });

  it('proves given serials across blocks (3,000 of them: the proof reads 20-byte slices)', async () => {
    const { org, gtin, batch } = await gtinLot();
    const serials = Array.from({ length: 3000 }, (_, i) => `N${i}`);
    const c = (await gqlOk(service.app, COMMISSION, { input: { batchId: batch.id, count: 3000, serials } }, org.key)).commissionUnits;
    for (const index of [0, 1023, 1024, 2999]) {
      const proof = (await request(service.app.getHttpServer()).get(`/u/${gtin}/N${index}/proof.json`)).body;
      const path = (proof.path as string[]).map((h) => Buffer.from(h, 'hex'));
      expect(verifyInclusion(hashLeaf(Buffer.from(`N${index}`, 'latin1')), index, 3000, path, Buffer.from(c.serialsRoot, 'hex'))).toBe(true);
    }
  });

  it('refuses a serial outside AI 21, a repeated one, one already taken, and a count that is not their number, writing nothing', async () => {
    const { org, batch } = await gtinLot();
    const other = await gtinLot();
    await gqlOk(service.app, COMMISSION, { input: { batchId: batch.id, count: 2, serials: ['TAKEN-1', 'TAKEN-2'] } }, org.key);
    const [entries, rows] = [await ledgerSize(), await unitRows()];
    expect(refusal(await commission(org.key, { batchId: batch.id, count: 2, serials: ['OK1', 'bad serial'] }))).toEqual({
      reason: 'INVALID_SERIAL',
      message: expect.stringMatching(/^serials\[1\]: serial "bad serial" is not a GS1 serial number \(AI 21\)/),
    });
    expect(refusal(await commission(org.key, { batchId: batch.id, count: 1, serials: ['A'.repeat(21)] })).reason).toBe('INVALID_SERIAL');
    expect(refusal(await commission(org.key, { batchId: batch.id, count: 1, serials: ['序列'] })).reason).toBe('INVALID_SERIAL');
    expect(refusal(await commission(org.key, { batchId: batch.id, count: 3, serials: ['R1', 'R2', 'R1'] }))).toEqual({
      reason: 'INVALID_SERIAL',
      message: 'serials[2]: serial "R1" is named twice (also serials[0])',
    });
    expect(refusal(await commission(org.key, { batchId: batch.id, count: 2, serials: ['NEW-1', 'TAKEN-2'] }))).toEqual({
      reason: 'SERIAL_TAKEN',
      message: expect.stringContaining('serial "TAKEN-2" of GTIN'),
    });
    expect(refusal(await commission(org.key, { batchId: batch.id, count: 3, serials: ['C1', 'C2'] }))).toEqual({
      reason: 'INVALID_INPUT',
      message: 'count (3) must be the number of serials given (2): one unit per serial',
    });
    // Another producer's lot, as for minted serials.
    expect(refusal(await commission(other.org.key, { batchId: batch.id, count: 1, serials: ['Z1'] })).reason).toBe('NOT_OWNER');
    expect([await ledgerSize(), await unitRows()]).toEqual([entries, rows]);
    // NEW-1 was not kept by the refusal: it can be commissioned now.
    await gqlOk(service.app, COMMISSION, { input: { batchId: batch.id, count: 1, serials: ['NEW-1'] } }, org.key);
  });

  it('answers a repeated idempotency key with the first commissioning of given serials; the same key with other serials is a conflict', async () => {
    const { org, batch } = await gtinLot();
    const input = { batchId: batch.id, count: 2, serials: ['K1', 'K2'], idempotencyKey: `given-${process.pid}` };
    const first = (await commission(org.key, input)).data!.commissionUnits;
    const entries = await ledgerSize();
    expect((await commission(org.key, input)).data!.commissionUnits).toEqual(first);
    expect(refusal(await commission(org.key, { ...input, serials: ['K1', 'K3'] })).reason).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await ledgerSize()).toBe(entries);
  });

  it('records an event naming units: its entry carries the serials (a private member), unit() and the unit’s page show it', async () => {
    const { org, facility, gtin, batch } = await gtinLot();
    await gqlOk(service.app, COMMISSION, { input: { batchId: batch.id, count: 3, serials: ['U1', 'U2', 'U3'] } }, org.key);
    const storing = (
      await gqlOk(
        service.app,
        RECORD,
        { input: { batchId: batch.id, bizStep: 'STORING', eventTime: '2026-11-02T08:00:00.000Z', facilityId: facility, serials: ['U1', 'U2'] } },
        org.key,
      )
    ).recordEvent;
    expect(storing.payload.serials).toEqual(['U1', 'U2']);
    // Selling names units; the quantity defaults to their number.
    const sale = (
      await gqlOk(
        service.app,
        RECORD,
        { input: { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-03T09:30:00.000Z', facilityId: facility, serials: ['U1'] } },
        org.key,
      )
    ).recordEvent;
    expect(sale.payload).toMatchObject({ bizStep: 'RETAIL_SELLING', quantity: 1, quantityLeft: 99, serials: ['U1'] });

    const facilityName = `仁怀酒厂 ${gtins - 1}`;
    const u1 = (await gqlOk(service.app, UNIT, { gtin, serial: 'U1' })).unit;
    expect(u1).toEqual({
      serial: 'U1',
      events: [
        { seq: storing.seq, bizStep: 'STORING', eventTime: '2026-11-02T08:00:00.000Z', facilityName },
        { seq: sale.seq, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-03T09:30:00.000Z', facilityName },
      ],
      sale: { seq: sale.seq, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-03T09:30:00.000Z', facilityName },
    });
    expect((await gqlOk(service.app, UNIT, { gtin, serial: 'U2' })).unit).toMatchObject({ events: [{ seq: storing.seq }], sale: null });
    expect((await gqlOk(service.app, UNIT, { gtin, serial: 'U3' })).unit).toMatchObject({ events: [], sale: null });

    const page = await request(service.app.getHttpServer()).get(`/u/${gtin}/U1?lang=zh`);
    expect(page.text).toContain(`data-unit-sold="${sale.seq}">已售出：2026年11月3日 17:30，${facilityName}`);
    expect(page.text).toContain(`<li data-unit-event="${storing.seq}">`);
    const en = await request(service.app.getHttpServer()).get(`/u/${gtin}/U1?lang=en`);
    expect(en.text).toContain(`Sold: 3 Nov 2026, 17:30, at ${facilityName}`);
    expect((await request(service.app.getHttpServer()).get(`/u/${gtin}/U3?lang=en`)).text).not.toContain('id="unit-events"');

    // The lot's public page does not list the serials (they are a private member of the entry).
    const lotPage = await request(service.app.getHttpServer()).get(`/q/${batch.traceCode}?lang=en`);
    expect(lotPage.status).toBe(200);
    expect(lotPage.text).not.toContain('"U2"');
  });

  it('refuses selling a unit twice, units of another lot or none at all, bad serials and a recalled lot’s units, writing nothing', async () => {
    const { org, facility, gtin, batch, productId } = await gtinLot();
    const other = await registerBatch(service.app, org, productId, facility, { quantity: 10, unit: 'bottle' });
    await gqlOk(service.app, COMMISSION, { input: { batchId: batch.id, count: 3, serials: ['V1', 'V2', 'V3'] } }, org.key);
    await gqlOk(service.app, COMMISSION, { input: { batchId: other.id, count: 1, serials: ['W1'] } }, org.key);
    const sell = (serials: string[], batchId = batch.id) =>
      gql(
        service.app,
        RECORD,
        { input: { batchId, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-03T09:30:00.000Z', facilityId: facility, serials } },
        org.key,
      );
    expect((await sell(['V1'])).errors).toBeUndefined();
    const [entries, rows] = [await ledgerSize(), await unitRows()];

    expect(refusal(await sell(['V2', 'V1']))).toEqual({
      reason: 'UNIT_ALREADY_SOLD',
      message: expect.stringMatching(/^serials\[1\]: the unit with serial "V1" was sold already \(ledger entry \d+\)$/),
    });
    expect(refusal(await sell(['W1']))).toEqual({
      reason: 'UNIT_NOT_FOUND',
      message: expect.stringMatching(/^serials\[0\]: serial "W1" is no commissioned unit of batch .* \(it is a unit of another lot\)$/),
    });
    expect(refusal(await sell(['NOPE']))).toEqual({ reason: 'UNIT_NOT_FOUND', message: expect.stringContaining('serial "NOPE" is no commissioned unit') });
    expect(refusal(await sell(['V2', 'V2'])).reason).toBe('INVALID_SERIAL');
    expect(refusal(await sell(['bad serial'])).reason).toBe('INVALID_SERIAL');
    expect(refusal(await sell(Array.from({ length: 1001 }, (_, i) => `X${i}`))).message).toMatch(/at most 1,?000 units per event/);
    // Two sales of one unit in one call: the second is refused, and with it the call.
    const twice = await gql(
      service.app,
      RECORD_MANY,
      {
        input: [0, 1].map(() => ({
          batchId: batch.id,
          bizStep: 'RETAIL_SELLING',
          eventTime: '2026-11-03T09:30:00.000Z',
          facilityId: facility,
          serials: ['V2'],
        })),
      },
      org.key,
    );
    expect(refusal(twice)).toEqual({
      reason: 'UNIT_ALREADY_SOLD',
      message: expect.stringMatching(/^events\[1\]\.serials\[0\]: .* \(by an earlier event of this call\)$/),
    });

    // A recalled lot's units are not sold: the lot's own rule refuses first.
    const regulator = await createOrg(service.app, 'REGULATOR');
    await gqlOk(service.app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_1', reason: '瓶盖密封不良' } }, regulator.key);
    const afterRecall = [await ledgerSize(), await unitRows()];
    expect(refusal(await sell(['V3'])).reason).toBe('BATCH_NOT_RELEASED');
    expect([await ledgerSize(), await unitRows()]).toEqual(afterRecall);
    expect(afterRecall[1]).toBe(rows);
    expect(afterRecall[0]).toBeGreaterThan(entries);
    expect((await gqlOk(service.app, UNIT, { gtin, serial: 'V3' })).unit.sale).toBeNull();
  });

  it('audits the units’ event index against the entries that name units: a sale or an event row changed in its table is named', async () => {
    const { org, facility, gtin, batch } = await gtinLot();
    await gqlOk(service.app, COMMISSION, { input: { batchId: batch.id, count: 2, serials: ['Q1', 'Q2'] } }, org.key);
    const sale = (
      await gqlOk(
        service.app,
        RECORD,
        { input: { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-03T09:30:00.000Z', facilityId: facility, serials: ['Q1'] } },
        org.key,
      )
    ).recordEvent;
    const verify = async () =>
      (await gqlOk(service.app, '{ verifyLedger { projections { clean disagreements firstDisagreement { table id column reason } } } }', {}, TEST_ADMIN_KEY))
        .verifyLedger.projections;
    expect(await verify()).toMatchObject({ clean: true, disagreements: 0 });
    const admin = (text: string, params: unknown[]) => withAdminClient(service.db.url, (c) => c.query(text, params));
    const id = `${gtin}/Q1@${sale.seq}`;

    await admin('DELETE FROM unit_sale WHERE gtin = $1 AND serial = $2', [gtin, 'Q1']);
    try {
      expect(await verify()).toMatchObject({
        clean: false,
        disagreements: 1,
        firstDisagreement: { table: 'unit_sale', id, column: 'entry_seq', reason: expect.stringContaining('the entry sells the unit, the table has no sale') },
      });
    } finally {
      await admin('INSERT INTO unit_sale (gtin, serial, entry_seq) VALUES ($1, $2, $3)', [gtin, 'Q1', sale.seq]);
    }
    // A row naming an entry that does not name the unit.
    await admin('INSERT INTO unit_event (gtin, serial, entry_seq) VALUES ($1, $2, $3)', [gtin, 'Q2', sale.seq]);
    try {
      expect((await verify()).firstDisagreement).toMatchObject({ table: 'unit_event', id: `${gtin}/Q2@${sale.seq}`, column: null });
    } finally {
      await admin('DELETE FROM unit_event WHERE gtin = $1 AND serial = $2', [gtin, 'Q2']);
    }
    expect(await verify()).toMatchObject({ clean: true, disagreements: 0 });
  });
});
