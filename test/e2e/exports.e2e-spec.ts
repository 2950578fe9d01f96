import { readFixtureJson } from '../support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gqlOk, rawBody, useTestApp } from '../support/test-app.js';
import { entryHashOfEventId } from '../../src/epcis/ledger-event-id.js';
import { RECORD_EVENT, RECORD_TEMPERATURES, TRANSFORM_BATCHES } from '../support/documents.js';

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
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('FSMA 204 sortable spreadsheet', () => {
  const service = useTestApp();

  it('exports every event of every lot in a trace, and a product’s events in a date range, for regulators', async () => {
    const { app } = service;
    const farm = await createOrg(app, 'PRODUCER', '牧场一号', '91120221MA05K1234F');
    const yard = await registerFacility(app, farm);
    const product = await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
    const batch = await registerBatch(app, farm, product, yard, { quantity: 800, lotCode: 'RAW-7', producedAt: '2026-11-20T20:00:00.000Z' });
    const plant = await createOrg(app, 'PROCESSOR', '乳品厂', '91120116MA07X5678R');
    const dock = await registerFacility(app, plant);
    const record = (key: string, input: Record<string, unknown>) => gqlOk(app, RECORD_EVENT, { input: { batchId: batch.id, ...input } }, key);
    await record(farm.key, {
      bizStep: 'SHIPPING',
      eventTime: '2026-11-20T22:00:00.000Z',
      facilityId: yard,
      destinationOrganizationId: plant.id,
      quantity: 800,
      details: { shipToLocation: 'dock', referenceDocumentType: 'BOL', referenceDocumentNumber: 'BOL-42' },
    });
    await record(plant.key, { bizStep: 'RECEIVING', eventTime: '2026-11-21T00:00:00.000Z', facilityId: dock, quantity: 795 });
    const regulator = await createOrg(app, 'REGULATOR');
    const server = app.getHttpServer();

    const trace = await request(server).get(`/exports/trace.csv?batchId=${batch.id}&direction=upstream`).set('authorization', `Bearer ${regulator.key}`);
    expect(trace.status).toBe(200);
    expect(trace.headers['content-type']).toMatch(/^text\/csv/);
    expect(trace.headers['content-disposition']).toMatch(/attachment; filename="trace-/);
    const rows = parse(trace.text);
    const header = rows[0];
    expect(header.slice(0, 6)).toEqual(['Traceability Lot Code', 'Product Description', 'Quantity', 'Unit of Measure', 'Event Type', 'Event Date']);
    const byColumn = (row: string[]) => Object.fromEntries(header.map((name, i) => [name, row[i]]));
    const [commissioning, shipping, receiving] = rows.slice(1).map(byColumn);
    expect([commissioning, shipping, receiving].map((r) => r['Event Type'])).toEqual(['COMMISSIONING', 'SHIPPING', 'RECEIVING']);
    expect(shipping).toMatchObject({
      'Traceability Lot Code': 'RAW-7',
      'Product Description': '生牛乳',
      Quantity: '800',
      'Unit of Measure': 'kg',
      'Reference Document Type': 'BOL',
      'Reference Document Number': 'BOL-42',
      'Immediate Previous Source': '',
      'Immediate Subsequent Recipient': '乳品厂',
      '进货/出货 Inbound/Outbound': '出货 OUTBOUND',
      '记录方 Recorded By': '牧场一号',
      '记录方统一社会信用代码 Recorded By USCC': '91120221MA05K1234F',
      '供货者/购货者 Counterparty': '乳品厂',
      '对方统一社会信用代码 Counterparty USCC': '91120116MA07X5678R',
    });
    expect(receiving).toMatchObject({
      Quantity: '795',
      'Immediate Previous Source': '牧场一号',
      'Immediate Subsequent Recipient': '',
      '进货/出货 Inbound/Outbound': '进货 INBOUND',
      '记录方 Recorded By': '乳品厂',
      '记录方统一社会信用代码 Recorded By USCC': '91120116MA07X5678R',
      '供货者/购货者 Counterparty': '牧场一号',
      '对方统一社会信用代码 Counterparty USCC': '91120221MA05K1234F',
    });
    expect(commissioning['进货/出货 Inbound/Outbound']).toBe('');

    const events = await request(server)
      .get(`/exports/events.csv?productId=${product}&from=2026-11-20T21:00:00Z&to=2026-11-21T12:00:00Z`)
      .set('authorization', `Bearer ${regulator.key}`);
    expect(
      parse(events.text)
        .slice(1)
        .map((r) => r[4]),
    ).toEqual(['SHIPPING', 'RECEIVING']);

    // The same sheet as XLSX, read back with ExcelJS as a spreadsheet program would: the same cells, dates as
    // date cells in China time, a bold frozen filtered header, and a glossary.
    const book = await request(server)
      .get(`/exports/trace.xlsx?batchId=${batch.id}&direction=upstream`)
      .set('authorization', `Bearer ${regulator.key}`)
      .buffer(true)
      .parse(rawBody);
    expect(book.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(book.body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['FSMA 204', 'Glossary 说明']);
    const fsma = workbook.getWorksheet('FSMA 204')!;
    const sheetHeader = (fsma.getRow(1).values as unknown[]).slice(1);
    expect(sheetHeader).toEqual(header);
    const sheetRows = [2, 3, 4].map((r) => Object.fromEntries(header.map((name, c) => [name, fsma.getRow(r).getCell(c + 1).value ?? ''])));
    expect(fsma.rowCount).toBe(4);
    expect(sheetRows.map((r) => r['Event Type'])).toEqual(['COMMISSIONING', 'SHIPPING', 'RECEIVING']);
    expect(sheetRows[1]).toMatchObject({
      'Traceability Lot Code': 'RAW-7',
      Quantity: 800,
      'Immediate Subsequent Recipient': '乳品厂',
      '对方统一社会信用代码 Counterparty USCC': '91120116MA07X5678R',
    });
    expect(sheetRows[2]).toMatchObject({ Quantity: 795, 'Immediate Previous Source': '牧场一号', '进货/出货 Inbound/Outbound': '进货 INBOUND' });
    // Received at 00:00 UTC: the cell is a date showing 08:00, China's wall clock (ExcelJS gives it as a UTC Date).
    const received = fsma.getRow(4).getCell(header.indexOf('Event Date') + 1);
    expect(received.type).toBe(ExcelJS.ValueType.Date);
    expect((received.value as Date).toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect(received.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(fsma.getCell('A1').font?.bold).toBe(true);
    expect(fsma.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(fsma.autoFilter).toBe('A1:T4'); // twenty columns, the last "Declared Erroneous"
    expect(fsma.getColumn(header.indexOf('Entry Hash') + 1).width).toBeGreaterThan(60 - 1); // a 64-character hash, capped at 60
    const glossary = workbook.getWorksheet('Glossary 说明')!;
    const glossaryRows = glossary.getSheetValues().slice(2) as unknown[][];
    const explained = new Map(glossaryRows.map((row) => [row[1] as string, { chinese: row[2] as string, meaning: row[3] as string }]));
    for (const column of header) expect(explained.get(column)?.meaning).toBeTruthy();
    expect(explained.get('Immediate Subsequent Recipient')?.chinese).toBe('直接下游接收方');
    expect(explained.get('RECEIVING')?.chinese).toBe('收货');
    expect(explained.get('Time zone')?.meaning).toContain('Asia/Shanghai');

    expect((await request(server).get(`/exports/trace.csv?batchId=${batch.id}`).set('authorization', `Bearer ${farm.key}`)).status).toBe(403);
    expect((await request(server).get('/exports/events.csv?productId=x').set('authorization', `Bearer ${regulator.key}`)).status).toBe(400);
  });

  it("exports a trace as a GS1 EPCIS 2.0 document that validates against GS1's JSON Schema", async () => {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill, { gln: '6901234000061' });
    const paddyProduct = await registerProduct(app, mill, { name: '稻谷' });
    const riceProduct = await registerProduct(app, mill, { name: '大米', gtin: '6920000000029' });
    const paddy = await registerBatch(app, mill, paddyProduct, floor, { quantity: 1000, lotCode: 'P-1' });
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: {
          batchId: paddy.id,
          bizStep: 'HARVESTING',
          eventTime: '2026-10-06T03:00:00.000Z',
          facilityId: floor,
          quantity: 1000,
          details: { fieldName: 'Plot 7', harvestDate: '2026-10-06' },
        },
      },
      mill.key,
    );
    await gqlOk(
      app,
      RECORD_TEMPERATURES,
      {
        input: {
          batchId: paddy.id,
          sensorId: 'silo-3',
          readings: [
            { at: '2026-10-07T00:00:00.000Z', celsius: 14.5 },
            { at: '2026-10-07T06:00:00.000Z', celsius: 17 },
          ],
        },
      },
      mill.key,
    );
    await gqlOk(
      app,
      TRANSFORM_BATCHES,
      {
        input: {
          facilityId: floor,
          eventTime: '2026-10-10T02:00:00.000Z',
          inputs: [{ batchId: paddy.id, quantity: 1000 }],
          outputs: [{ productId: riceProduct, lotCode: 'R/1', quantity: 700, unit: 'kg' }],
        },
      },
      mill.key,
    );
    const regulator = await createOrg(app, 'REGULATOR');
    const res = await request(app.getHttpServer()).get(`/epcis/events?batchId=${paddy.id}`).set('authorization', `Bearer ${regulator.key}`);
    expect(res.status).toBe(200);
    const document = JSON.parse(res.text);
    // Both are CommonJS: their class and function arrive as `default` of the default export under ESM.
    const Ajv = (AjvModule as unknown as { default: typeof AjvModule.default }).default;
    const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const schema = readFixtureJson('epcis/EPCIS-JSON-Schema.json');
    const validate = ajv.compile(schema);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    const events = document.epcisBody.eventList;
    expect(events.map((e: { type: string; bizStep: string }) => `${e.type}:${e.bizStep.split('/').pop()}`)).toEqual([
      'ObjectEvent:commissioning',
      'ObjectEvent:harvesting',
      'ObjectEvent:sensor_reporting',
      'TransformationEvent:transforming',
    ]);
    expect(events[2]).toMatchObject({
      action: 'OBSERVE',
      eventTime: '2026-10-07T06:00:00.000Z',
      quantityList: [{ epcClass: `http://localhost:3000/q/${paddy.traceCode}` }],
      sensorElementList: [
        {
          sensorMetadata: { startTime: '2026-10-07T00:00:00.000Z', endTime: '2026-10-07T06:00:00.000Z', deviceID: 'http://localhost:3000/epcis/sensor/silo-3' },
          sensorReport: [
            { type: 'Temperature', time: '2026-10-07T00:00:00.000Z', value: 14.5, uom: 'CEL' },
            { type: 'Temperature', time: '2026-10-07T06:00:00.000Z', value: 17, uom: 'CEL' },
            { type: 'Temperature', minValue: 14.5, maxValue: 17, uom: 'CEL' },
          ],
        },
      ],
    });
    const transformation = events[3];
    expect(transformation.inputQuantityList).toEqual([{ epcClass: `http://localhost:3000/q/${paddy.traceCode}`, quantity: 1000, uom: 'KGM' }]);
    expect(transformation.outputQuantityList).toEqual([{ epcClass: 'https://id.gs1.org/01/06920000000029/10/R%2F1', quantity: 700, uom: 'KGM' }]);
    const byProduct = await request(app.getHttpServer())
      .get(`/epcis/events?productId=${paddyProduct}&from=2026-10-06T00:00:00Z&to=2026-10-07T00:00:00Z`)
      .set('authorization', `Bearer ${regulator.key}`);
    expect(validate(JSON.parse(byProduct.text)) ? [] : validate.errors).toEqual([]);
    expect(JSON.parse(byProduct.text).epcisBody.eventList.length).toBeGreaterThan(0);
    // Recorded through GraphQL: named by the GLN the facility was registered with, and by the ledger entry
    // behind each event (RFC 6920 ni: of the entry hash, no false claim to be a CBV 2.0 event hash).
    const entries = (await gqlOk(app, 'query($id: ID!) { batch(id: $id) { events { type hash } } }', { id: paddy.id }, mill.key)).batch.events;
    const hashOf = (type: string) => entries.find((e: { type: string }) => e.type === type).hash as string;
    expect(events[1]).toMatchObject({
      readPoint: { id: 'https://id.gs1.org/414/6901234000061' },
      bizLocation: { id: 'https://id.gs1.org/414/6901234000061' },
    });
    expect(transformation.bizLocation).toEqual({ id: 'https://id.gs1.org/414/6901234000061' });
    expect(events[0].eventID).toBe(`ni:///sha-256;${Buffer.from(hashOf('BATCH_REGISTERED'), 'hex').toString('base64url')}`);
    expect(entryHashOfEventId(events[1].eventID)).toBe(hashOf('EVENT_RECORDED'));
    expect(entryHashOfEventId(events[2].eventID)).toBe(hashOf('TEMPERATURES_RECORDED'));
    expect(new Set(events.map((e: { eventID: string }) => e.eventID)).size).toBe(events.length);
  });
});
