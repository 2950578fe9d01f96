import { randomInt } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, useTestApp } from '../support/test-app.js';
import { RECALL_ID, RECORD_EVENT as RECORD, TRANSFORM_BATCHES_TRACE_CODES } from '../support/documents.js';

const RECALL = `mutation($input: InitiateRecallInput!) {
  initiateRecall(input: $input) { id level reason status initiatedAt startBy completeBy affectedBatches { id status } } }`;
const SCAN = 'query($code: String!) { scan(code: $code) { status recall { level reason } timeline { bizStep organization } verification { valid } } }';

describe('recalls', () => {
  const service = useTestApp();

  /** A mill's paddy lot milled into two rice lots, R-1 and R-2 (`rice`: more of the rice product's registration). */
  async function millChain(rice: { name?: string; gtin?: string } = {}) {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR', '津南米业');
    const floor = await registerFacility(app, mill);
    const paddy = await registerBatch(app, mill, await registerProduct(app, mill, { name: '稻谷' }), floor, { quantity: 1000 });
    const riceId = await registerProduct(app, mill, { name: '大米', ...rice });
    const outputs = (
      await gqlOk(
        app,
        TRANSFORM_BATCHES_TRACE_CODES,
        {
          input: {
            facilityId: floor,
            eventTime: '2026-10-12T02:00:00.000Z',
            inputs: [{ batchId: paddy.id, quantity: 1000 }],
            outputs: [
              { productId: riceId, lotCode: 'R-1', quantity: 300, unit: 'kg' },
              { productId: riceId, lotCode: 'R-2', quantity: 300, unit: 'kg' },
            ],
          },
        },
        mill.key,
      )
    ).transformBatches.outputs as { id: string; traceCode: string }[];
    return { mill, floor, paddy, riceId, outputs };
  }

  it('a regulator recalls a batch and everything made from it; every scan shows the notice at once', async () => {
    const { app } = service;
    const { mill, floor, paddy, outputs } = await millChain();
    const shop = await createOrg(app, 'RETAILER');
    const shelf = await registerFacility(app, shop);
    // One lot is on the road when the recall comes.
    await gqlOk(
      app,
      RECORD,
      {
        input: {
          batchId: outputs[1].id,
          bizStep: 'SHIPPING',
          eventTime: '2026-10-13T01:00:00.000Z',
          facilityId: floor,
          destinationOrganizationId: shop.id,
          quantity: 300,
          details: { shipToLocation: 'shop', referenceDocumentType: 'DN', referenceDocumentNumber: '9' },
        },
      },
      mill.key,
    );
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');

    const recall = (await gqlOk(app, RECALL, { input: { batchIds: [paddy.id], level: 'LEVEL_1', reason: '镉含量超标（GB 2762-2022）' } }, regulator.key))
      .initiateRecall;
    expect(recall).toMatchObject({ level: 'LEVEL_1', status: 'OPEN', reason: '镉含量超标（GB 2762-2022）' });
    expect(Date.parse(recall.startBy) - Date.parse(recall.initiatedAt)).toBe(24 * 3600_000);
    expect(Date.parse(recall.completeBy)).toBeGreaterThan(Date.parse(recall.initiatedAt) + 10 * 24 * 3600_000);
    const statuses = Object.fromEntries(recall.affectedBatches.map((b: { id: string; status: string }) => [b.id, b.status]));
    expect(statuses).toEqual({ [paddy.id]: 'RECALLED', [outputs[0].id]: 'RECALLED', [outputs[1].id]: 'IN_TRANSIT' });

    const scanned = (await gqlOk(app, SCAN, { code: outputs[0].traceCode })).scan;
    expect(scanned).toMatchObject({ status: 'RECALLED', recall: { level: 'LEVEL_1', reason: '镉含量超标（GB 2762-2022）' }, verification: { valid: true } });
    expect(scanned.timeline.at(-1)).toEqual({ bizStep: 'RECALLING', organization: '天津市市场监督管理局' });

    // The lot on the road is recalled on arrival, and a recalled lot cannot be sold.
    await gqlOk(
      app,
      RECORD,
      { input: { batchId: outputs[1].id, bizStep: 'RECEIVING', eventTime: '2026-10-13T05:00:00.000Z', facilityId: shelf, quantity: 300 } },
      shop.key,
    );
    expect((await gqlOk(app, SCAN, { code: outputs[1].traceCode })).scan.status).toBe('RECALLED');
    const sell = await gql(
      app,
      RECORD,
      { input: { batchId: outputs[1].id, bizStep: 'RETAIL_SELLING', eventTime: '2026-10-14T05:00:00.000Z', facilityId: shelf, quantity: 1 } },
      shop.key,
    );
    expect(sell.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'BATCH_NOT_RELEASED' } });

    // The public 消费警示 lists it, as a page and as an Atom feed.
    const page = await request(app.getHttpServer()).get('/recalls');
    expect(page.status).toBe(200);
    expect(page.text).toContain('一级召回');
    expect(page.text).toContain('镉含量超标（GB 2762-2022）');
    expect(page.text).toContain(`/q/${outputs[0].traceCode}`);
    expect(page.text).toContain('R-1');
    const atom = await request(app.getHttpServer()).get('/recalls.atom');
    expect(atom.headers['content-type']).toMatch(/^application\/atom\+xml/);
    expect(atom.text).toContain(`<id>urn:uuid:${recall.id}</id>`);

    // The shop holding a recalled lot sees the recall; an uninvolved organization does not.
    expect((await gqlOk(app, RECALL_ID, { id: recall.id }, shop.key)).recall.id).toBe(recall.id);
    const stranger = await createOrg(app);
    expect((await gql(app, RECALL_ID, { id: recall.id }, stranger.key)).errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // Holders report what they recovered; the recall shows effectiveness per holder.
    const REPORT = `mutation($input: ReportRecallRecoveryInput!) {
      reportRecallRecovery(input: $input) { effectiveness { organizationId unit affected recovered percent } } }`;
    const report = (key: string, batchId: string, quantity: number, disposition = 'RETURNED') =>
      gql(app, REPORT, { input: { recallId: recall.id, batchId, quantity, disposition } }, key);
    expect((await report(mill.key, outputs[1].id, 10)).errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect((await report(shop.key, outputs[1].id, 301)).errors?.[0].message).toBe(
      `reporting 301 kg is more than the 300 kg still to recover of batch ${outputs[1].id}`,
    );
    await report(shop.key, outputs[1].id, 300);
    const after = (await report(mill.key, outputs[0].id, 150, 'DESTROYED')).data!.reportRecallRecovery.effectiveness;
    expect(after).toEqual(
      expect.arrayContaining([
        { organizationId: shop.id, unit: 'kg', affected: 300, recovered: 300, percent: 100 },
        { organizationId: mill.id, unit: 'kg', affected: 300 + 0, recovered: 150, percent: 50 },
      ]),
    );

    // A regulator closes it: the batches stay RECALLED, the notice leaves their pages and the public list.
    const CLOSE = 'mutation($input: CloseRecallInput!) { closeRecall(input: $input) { status } }';
    expect((await gql(app, CLOSE, { input: { recallId: recall.id, note: 'x' } }, mill.key)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gqlOk(app, CLOSE, { input: { recallId: recall.id, note: '召回完成，涉事产品已全部退回或销毁' } }, regulator.key)).closeRecall.status).toBe(
      'CLOSED',
    );
    expect((await gql(app, CLOSE, { input: { recallId: recall.id, note: 'again' } }, regulator.key)).errors?.[0].extensions?.reason).toBe('RECALL_CLOSED');
    expect((await gqlOk(app, SCAN, { code: outputs[0].traceCode })).scan).toMatchObject({ status: 'RECALLED', recall: null });
    expect((await request(app.getHttpServer()).get('/recalls')).text).not.toContain(outputs[0].traceCode);
  });

  it('a producer recalls only its own batches', async () => {
    const { app } = service;
    const { mill, paddy } = await millChain();
    const other = await millChain();
    const refused = await gql(app, RECALL, { input: { batchIds: [paddy.id, other.paddy.id], level: 'LEVEL_3', reason: '标签错误' } }, mill.key);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'NOT_OWNER' } });
    const own = (await gqlOk(app, RECALL, { input: { batchIds: [paddy.id], level: 'LEVEL_3', reason: '标签错误' } }, mill.key)).initiateRecall;
    expect(own.affectedBatches).toHaveLength(3);
    expect(Date.parse(own.startBy) - Date.parse(own.initiatedAt)).toBe(72 * 3600_000);
  });
  it('lists every recalled GTIN + lot for tills to block, as JSON and CSV, until the lots are no longer recalled', async () => {
    const { app } = service;
    const body = `69${String(randomInt(10 ** 10)).padStart(10, '0')}0`;
    const gtin = body + gtinCheckDigit(body);
    const { mill, floor, paddy, riceId, outputs } = await millChain({ name: '小站稻 大米', gtin });
    const untouched = await registerBatch(app, mill, riceId, floor, { lotCode: 'R-3' });
    const server = app.getHttpServer();
    type Listed = { gtin: string; lot: string; recallId: string; level: string; recallStatus: string; page: string };
    const listed = async (): Promise<{ lots: Listed[]; lotsWithoutGtin: number }> => (await request(server).get('/recalls/blocklist').expect(200)).body;
    const before = await listed();
    expect(before.lots.filter((l) => l.gtin === gtin)).toEqual([]);

    const regulator = await createOrg(app, 'REGULATOR');
    const recall = (await gqlOk(app, RECALL, { input: { batchIds: [paddy.id], level: 'LEVEL_2', reason: '黄曲霉毒素超标' } }, regulator.key)).initiateRecall;
    const res = await request(server).get('/recalls/blocklist');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const after = res.body as { lots: Listed[]; lotsWithoutGtin: number; count: number };
    // Both rice lots made from the recalled paddy, by GTIN and lot as printed on the pack; not the lot that was not recalled.
    expect(after.lots.filter((l) => l.gtin === gtin)).toEqual([
      expect.objectContaining({
        lot: 'R-1',
        recallId: recall.id,
        level: 'LEVEL_2',
        recallStatus: 'OPEN',
        page: expect.stringContaining(`/q/${outputs[0].traceCode}`),
      }),
      expect.objectContaining({ lot: 'R-2', recallId: recall.id, recallStatus: 'OPEN', page: expect.stringContaining(`/q/${outputs[1].traceCode}`) }),
    ]);
    expect(after.lots.some((l) => l.lot === untouched.lotCode)).toBe(false);
    // The paddy has no GTIN: no till can match it, so it is counted, not listed.
    expect(after.lotsWithoutGtin).toBe(before.lotsWithoutGtin + 1);
    expect(after.count).toBe(after.lots.length);
    // A till polling with the ETag hears "nothing new" until something is.
    expect((await request(server).get('/recalls/blocklist').set('if-none-match', res.headers.etag)).status).toBe(304);

    const csv = await request(server).get('/recalls/blocklist.csv').expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csv.text.replace(/^\ufeff/, '').split('\r\n');
    expect(rows[0]).toBe('gtin,lot,product_name,recall_id,level,recall_status,recalled_at,page');
    expect(rows.filter((r) => r.startsWith(`${gtin},`)).map((r) => r.split(',').slice(0, 6))).toEqual([
      [gtin, 'R-1', '小站稻 大米', recall.id, 'LEVEL_2', 'OPEN'],
      [gtin, 'R-2', '小站稻 大米', recall.id, 'LEVEL_2', 'OPEN'],
    ]);

    // Closing the recall leaves the lots recalled, so a till still blocks them.
    const CLOSE = 'mutation($input: CloseRecallInput!) { closeRecall(input: $input) { status } }';
    await gqlOk(app, CLOSE, { input: { recallId: recall.id, note: '召回完成' } }, regulator.key);
    const closed = await listed();
    expect(closed.lots.filter((l) => l.gtin === gtin).map((l) => [l.lot, l.recallStatus])).toEqual([
      ['R-1', 'CLOSED'],
      ['R-2', 'CLOSED'],
    ]);
  });
});
