import { describe, expect, it } from '@jest/globals';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gqlOk, rawBody, useTestApp } from '../support/test-app.js';

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

    // The same sheet as XLSX: a real zip whose worksheet holds the same cells (checked with Debian's unzip).
    const book = await request(server).get(`/exports/trace.xlsx?batchId=${batch.id}&direction=upstream`).set('authorization', `Bearer ${regulator.key}`).buffer(true).parse(rawBody);
    expect(book.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const dir = mkdtempSync(join(tmpdir(), 'suyuan-xlsx-'));
    writeFileSync(join(dir, 'trace.xlsx'), book.body as Buffer);
    execFileSync('unzip', ['-tq', join(dir, 'trace.xlsx')]); // the archive is intact (CRCs)
    const sheet = execFileSync('unzip', ['-p', join(dir, 'trace.xlsx'), 'xl/worksheets/sheet1.xml']).toString();
    rmSync(dir, { recursive: true, force: true });
    const cells = [...sheet.matchAll(/<row r="(\d+)">(.*?)<\/row>/g)].map(([, , row]) => [...row.matchAll(/<c r="([A-Z]+)\d+"[^>]*>(?:<is><t[^>]*>(.*?)<\/t><\/is>|<v>(.*?)<\/v>)<\/c>/g)].map((m) => m[2] ?? m[3]));
    expect(cells[0][0]).toBe('Traceability Lot Code');
    expect(cells.slice(1).map((r) => r[4])).toEqual(['COMMISSIONING', 'SHIPPING', 'RECEIVING']);
    expect(cells[2].slice(0, 4)).toEqual(['RAW-7', '生牛乳', '800', 'kg']);

    expect((await request(server).get(`/exports/trace.csv?batchId=${batch.id}`).set('authorization', `Bearer ${farm.key}`)).status).toBe(403);
    expect((await request(server).get('/exports/events.csv?productId=x').set('authorization', `Bearer ${regulator.key}`)).status).toBe(400);
  });

  it('exports a trace as a GS1 EPCIS 2.0 document that validates against GS1\'s JSON Schema', async () => {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill);
    const paddyProduct = await registerProduct(app, mill, { name: '稻谷' });
    const riceProduct = await registerProduct(app, mill, { name: '大米', gtin: '6920000000029' });
    const paddy = await registerBatch(app, mill, paddyProduct, floor, { quantity: 1000, lotCode: 'P-1' });
    await gqlOk(app, 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }', {
      input: { batchId: paddy.id, bizStep: 'HARVESTING', eventTime: '2026-10-06T03:00:00.000Z', facilityId: floor, quantity: 1000, details: { fieldName: 'Plot 7', harvestDate: '2026-10-06' } },
    }, mill.key);
    await gqlOk(app, 'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id } } }', {
      input: { facilityId: floor, eventTime: '2026-10-10T02:00:00.000Z', inputs: [{ batchId: paddy.id, quantity: 1000 }], outputs: [{ productId: riceProduct, lotCode: 'R 1', quantity: 700, unit: 'kg' }] },
    }, mill.key);
    const regulator = await createOrg(app, 'REGULATOR');
    const res = await request(app.getHttpServer()).get(`/epcis/events?batchId=${paddy.id}`).set('authorization', `Bearer ${regulator.key}`);
    expect(res.status).toBe(200);
    const document = JSON.parse(res.text);
    // Both are CommonJS: their class and function arrive as `default` of the default export under ESM.
    const Ajv = (AjvModule as unknown as { default: typeof AjvModule.default }).default;
    const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(new URL('../../../shared/epcis/EPCIS-JSON-Schema.json', import.meta.url), 'utf8'));
    const validate = ajv.compile(schema);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    const events = document.epcisBody.eventList;
    expect(events.map((e: { type: string; bizStep: string }) => `${e.type}:${e.bizStep.split('/').pop()}`)).toEqual(['ObjectEvent:commissioning', 'ObjectEvent:harvesting', 'TransformationEvent:transforming']);
    const transformation = events[2];
    expect(transformation.inputQuantityList).toEqual([{ epcClass: `http://localhost:3000/q/${paddy.traceCode}`, quantity: 1000, uom: 'KGM' }]);
    expect(transformation.outputQuantityList).toEqual([{ epcClass: 'https://id.gs1.org/01/06920000000029/10/R%201', quantity: 700, uom: 'KGM' }]);
    const byProduct = await request(app.getHttpServer()).get(`/epcis/events?productId=${paddyProduct}&from=2026-10-06T00:00:00Z&to=2026-10-07T00:00:00Z`).set('authorization', `Bearer ${regulator.key}`);
    expect(validate(JSON.parse(byProduct.text)) ? [] : validate.errors).toEqual([]);
    expect(JSON.parse(byProduct.text).epcisBody.eventList.length).toBeGreaterThan(0);
    expect(events[0].eventID).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
  });
});
