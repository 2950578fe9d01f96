import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gqlOk, useTestApp } from '../support/test-app.js';

/** An RFC 4180 reader, as a spreadsheet program reads the file. */
function parse(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const text = csv.replace(/^\ufeff/, '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\r' && text[i + 1] === '\n') (row.push(field), rows.push(row), (row = []), (field = ''), i++);
    else field += c;
  }
  return rows;
}

describe('FSMA 204 sortable spreadsheet', () => {
  const service = useTestApp();

  it('exports every event of every lot in a trace, and a product’s events in a date range, for regulators', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER', '牧场一号');
    const yard = await registerFacility(app, farm);
    const product = await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
    const batch = await registerBatch(app, farm, product, yard, { quantity: 800, lotCode: 'RAW-7', producedAt: '2026-11-20T20:00:00.000Z' });
    const plant = await createOrg(app, 'PROCESSOR', '乳品厂');
    const dock = await registerFacility(app, plant);
    const record = (key: string, input: Record<string, unknown>) => gqlOk(app, 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }', { input: { batchId: batch.id, ...input } }, key);
    await record(farm.key, { bizStep: 'SHIPPING', eventTime: '2026-11-20T22:00:00.000Z', facilityId: yard, destinationOrganizationId: plant.id, quantity: 800, details: { shipToLocation: 'dock', referenceDocumentType: 'BOL', referenceDocumentNumber: 'BOL-42' } });
    await record(plant.key, { bizStep: 'RECEIVING', eventTime: '2026-11-21T00:00:00.000Z', facilityId: dock, quantity: 795 });
    const regulator = await createOrg(app, 'REGULATOR');
    const server = app.getHttpServer();

    const trace = await request(server).get(`/exports/trace.csv?batchId=${batch.id}&direction=upstream`).set('authorization', `Bearer ${regulator.key}`);
    expect(trace.status).toBe(200);
    expect(trace.headers['content-type']).toMatch(/^text\/csv/);
    expect(trace.headers['content-disposition']).toMatch(/attachment; filename="trace-/);
    const rows = parse(trace.text);
    expect(rows[0].slice(0, 6)).toEqual(['Traceability Lot Code', 'Product Description', 'Quantity', 'Unit of Measure', 'Event Type', 'Event Date']);
    expect(rows.slice(1).map((r) => r[4])).toEqual(['COMMISSIONING', 'SHIPPING', 'RECEIVING']);
    const [shipping, receiving] = [rows[2], rows[3]];
    expect(shipping.slice(0, 4)).toEqual(['RAW-7', '生牛乳', '800', 'kg']);
    expect(shipping.slice(8, 10)).toEqual(['BOL', 'BOL-42']);
    expect(receiving[2]).toBe('795');
    expect(receiving[10]).toBe('牧场一号'); // immediate previous source
    expect(receiving[11]).toBe('乳品厂');

    const events = await request(server).get(`/exports/events.csv?productId=${product}&from=2026-11-20T21:00:00Z&to=2026-11-21T12:00:00Z`).set('authorization', `Bearer ${regulator.key}`);
    expect(parse(events.text).slice(1).map((r) => r[4])).toEqual(['SHIPPING', 'RECEIVING']);

    expect((await request(server).get(`/exports/trace.csv?batchId=${batch.id}`).set('authorization', `Bearer ${farm.key}`)).status).toBe(403);
    expect((await request(server).get('/exports/events.csv?productId=x').set('authorization', `Bearer ${regulator.key}`)).status).toBe(400);
  });
});
