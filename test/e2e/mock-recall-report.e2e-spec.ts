import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, type Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { readPdf } from '../support/pdf-reader.js';
import { gqlOk, rawBody, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import {
  INITIATE_RECALL as RECALL,
  RECORD_EVENT as RECORD,
  RECORD_INSPECTION as INSPECT,
  RECORD_TEMPERATURES as TEMPERATURES,
  TRANSFORM_BATCHES_LOT_CODES as TRANSFORM,
} from '../support/documents.js';

let gtins = 0;
const every10 = (start: string, temps: number[]) => temps.map((celsius, i) => ({ at: new Date(Date.parse(start) + i * 600_000).toISOString(), celsius }));

describe('mock recall report', () => {
  const service = useTestApp();

  /**
   * Two farms' raw milk shipped to a dairy and pooled; the pool split into two retail lots, one
   * shipped to a supermarket and partly sold. One farm's tanker logged a 40-minute excursion; the
   * lot left at the dairy failed a lab's inspection and the regulator recalled it.
   */
  async function dairyStory() {
    const { app } = service;
    const farm1 = await createOrg(app, 'PRODUCER', '宁河牧场');
    const farm2 = await createOrg(app, 'PRODUCER', '武清奶牛场');
    const plant = await createOrg(app, 'PROCESSOR', '海河乳业');
    const shop = await createOrg(app, 'RETAILER', '家乐超市');
    const lab = await createOrg(app, 'LAB', '天津市食品检验所');
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    const [yard1, yard2, dock, store] = [
      await registerFacility(app, farm1),
      await registerFacility(app, farm2),
      await registerFacility(app, plant),
      await registerFacility(app, shop),
    ];
    const chilled = { category: 'DAIRY', storage: 'CHILLED' };
    const f1 = await registerBatch(app, farm1, await registerProduct(app, farm1, { name: '生牛乳', ...chilled }), yard1, {
      lotCode: 'NH-1120',
      quantity: 5000,
      producedAt: '2026-11-20T20:00:00.000Z',
    });
    const f2 = await registerBatch(app, farm2, await registerProduct(app, farm2, { name: '生牛乳', ...chilled }), yard2, {
      lotCode: 'WQ-1120',
      quantity: 3000,
      producedAt: '2026-11-20T20:00:00.000Z',
    });
    await gqlOk(
      app,
      TEMPERATURES,
      { input: { batchId: f1.id, sensorId: 'tanker-7', readings: every10('2026-11-20T21:00:00.000Z', [4, 9.5, 11, 12.4, 10, 6, 4]) } },
      farm1.key,
    );
    await gqlOk(
      app,
      TEMPERATURES,
      { input: { batchId: f2.id, sensorId: 'tanker-9', readings: every10('2026-11-20T21:00:00.000Z', [3.8, 4, 4.1]) } },
      farm2.key,
    );

    const ship = (farm: Org, batchId: string, from: string, to: Org, quantity: number, document: string) =>
      gqlOk(
        app,
        RECORD,
        {
          input: {
            batchId,
            bizStep: 'SHIPPING',
            eventTime: '2026-11-20T22:30:00.000Z',
            facilityId: from,
            destinationOrganizationId: to.id,
            quantity,
            details: { shipToLocation: 'intake', referenceDocumentType: 'BOL', referenceDocumentNumber: document },
          },
        },
        farm.key,
      );
    const receive = (org: Org, batchId: string, facilityId: string, quantity: number) =>
      gqlOk(app, RECORD, { input: { batchId, bizStep: 'RECEIVING', eventTime: '2026-11-21T00:00:00.000Z', facilityId, quantity } }, org.key);
    await ship(farm1, f1.id, yard1, plant, 5000, 'B-1');
    await ship(farm2, f2.id, yard2, plant, 3000, 'B-2');
    await receive(plant, f1.id, dock, 5000);
    await receive(plant, f2.id, dock, 3000);

    const pooledMilk = await registerProduct(app, plant, { name: '混合生乳', ...chilled });
    const body = `69012345${String(++gtins).padStart(4, '0')}`;
    const bottled = await registerProduct(app, plant, { name: '巴氏杀菌乳', ...chilled, gtin: `0${body}${gtinCheckDigit(body)}` });
    const [pool] = (
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: dock,
            eventTime: '2026-11-21T01:00:00.000Z',
            inputs: [
              { batchId: f1.id, quantity: 5000 },
              { batchId: f2.id, quantity: 3000 },
            ],
            outputs: [{ productId: pooledMilk, lotCode: 'HH-P-1121', quantity: 7920, unit: 'kg' }],
          },
        },
        plant.key,
      )
    ).transformBatches.outputs as { id: string }[];
    const [retailA, retailB] = (
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: dock,
            eventTime: '2026-11-21T03:00:00.000Z',
            inputs: [{ batchId: pool.id, quantity: 7920 }],
            outputs: [
              { productId: bottled, lotCode: 'HH-950-A', quantity: 3960, unit: 'kg' },
              { productId: bottled, lotCode: 'HH-950-B', quantity: 3762, unit: 'kg' },
            ],
          },
        },
        plant.key,
      )
    ).transformBatches.outputs as { id: string }[];

    await ship(plant, retailA.id, dock, shop, 3960, 'DN-7');
    await receive(shop, retailA.id, store, 3960);
    await gqlOk(
      app,
      RECORD,
      { input: { batchId: retailA.id, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-22T02:00:00.000Z', facilityId: store, quantity: 60 } },
      shop.key,
    );
    await gqlOk(
      app,
      INSPECT,
      {
        input: {
          batchId: retailB.id,
          agency: '天津市食品检验所',
          standard: 'GB 19645-2010',
          verdict: 'FAIL',
          items: [
            { name: '菌落总数', value: 250000, limit: 100000, unit: 'CFU/g', passed: false },
            { name: '蛋白质', value: 3.1, limit: 2.9, unit: 'g/100g', passed: true },
          ],
        },
      },
      lab.key,
    );
    await gqlOk(app, RECALL, { input: { batchIds: [retailB.id], level: 'LEVEL_2', reason: '菌落总数超标（GB 19645-2010）' } }, regulator.key);
    return { farm1, plant, shop, lab, regulator, f1, f2, pool, retailA, retailB };
  }

  const get = (path: string, key?: string) => {
    const req = request(service.app.getHttpServer()).get(path);
    return key ? req.set('authorization', `Bearer ${key}`) : req;
  };
  /** The text of a summary row (its label's Chinese). */
  const summary = (html: string, label: string) => new RegExp(`<tr><th>${label} <span lang="en">[^<]*</span></th><td[^>]*>([^<]*)</td></tr>`).exec(html)?.[1];

  it('gives a regulator the whole exercise for a lot, as a page and as a PDF, in well under the 4 hours BRCGS allows', async () => {
    const { regulator, pool } = await dairyStory();

    const page = await get(`/reports/mock-recall/${pool.id}.html`, regulator.key);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    const html = page.text;
    // Header: the lot, its producer, who asked, and how long it took.
    expect(html).toContain('混合生乳 HH-P-1121');
    expect(html).toContain('<dd>天津市市场监督管理局</dd>');
    const elapsed = Number(/<dd id="elapsed">(\d+) ms/.exec(html)?.[1]);
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(elapsed).toBeLessThan(10_000);
    expect(page.headers['server-timing']).toBe(`report;dur=${elapsed};desc="mock recall report"`);

    // Summary: two farm batches upstream, two retail lots downstream, two holders with stock, what is left, and the findings.
    expect(summary(html, '上游批次')).toBe('2（其中源头批次 2 of which origin batches）');
    expect(summary(html, '下游批次')).toBe('2');
    expect(summary(html, '尚有库存的持有方')).toBe('2');
    expect(summary(html, '本批次及下游剩余')).toBe('7,662 kg'); // the pool is used up; 3,900 kg at the shop, 3,762 kg at the dairy
    expect(summary(html, '冷链异常批次')).toBe('生牛乳 NH-1120');
    expect(summary(html, '检验不合格批次')).toBe('巴氏杀菌乳 HH-950-B');
    expect(summary(html, '已召回批次')).toBe('巴氏杀菌乳 HH-950-B');
    expect(summary(html, '未结召回')).toMatch(
      /^二级召回 Level 2：菌落总数超标（GB 19645-2010）（天津市市场监督管理局, 2026-\d\d-\d\d \d\d:\d\d；巴氏杀菌乳 HH-950-B）$/,
    );

    // Upstream to the farms, downstream to every retail lot and who holds it now.
    const section = (heading: string) => html.slice(html.indexOf(`<h2>${heading}`), html.indexOf('<h2>', html.indexOf(`<h2>${heading}`) + 4));
    const upstream = section('上游追溯');
    for (const text of ['NH-1120', '宁河牧场', 'WQ-1120', '武清奶牛场']) expect(upstream).toContain(text);
    const downstream = section('下游追溯');
    expect(downstream).toMatch(/<td>HH-950-A<\/td>.*<td>家乐超市<\/td><td class="num">3,900 kg<\/td><td>正常 Active<\/td>/s);
    expect(downstream).toMatch(/<td>HH-950-B<\/td>.*<td>海河乳业<\/td><td class="num">3,762 kg<\/td><td class="bad">已召回 Recalled<\/td>/s);
    expect(section('持有方')).toMatch(/<td>家乐超市<\/td><td>巴氏杀菌乳 HH-950-A: 3,900 kg<\/td>/);

    // Mass balance: 8,000 kg of farm milk pooled into 7,920 kg (99%), split into 7,722 kg of retail lots (97.5%).
    const balance = section('物料平衡');
    expect(balance).toContain('8,000 → 7,920 kg');
    expect(balance).toContain('99%');
    expect(balance).toContain('7,920 → 7,722 kg');
    expect(balance).toContain('97.5%');
    expect(section('流向')).toMatch(/<td>生牛乳 NH-1120<\/td><td>混合生乳 HH-P-1121<\/td><td class="num">5,000 kg<\/td>/);

    // Per batch: the tanker's excursion, the failed inspection, the hold and the recall.
    const checks = html.slice(html.indexOf('<h2>冷链、检验、暂停与召回'));
    expect(checks).toMatch(
      /温度异常 Excursion（7 条读数 readings, MKT [\d.]+ °C）<br>超出温度范围 out of range 2026-11-21 05:10 ~ 2026-11-21 05:50, 40 min, 9.5~12.4 °C/,
    );
    expect(checks).toContain('不合格 FAIL：菌落总数 250000 &gt; 100000 CFU/g（GB 19645-2010, 天津市食品检验所, ');
    expect(checks).toContain('暂停销售 held<br>二级召回 Level 2：菌落总数超标（GB 19645-2010）');

    // The PDF says the same; pdftotext (poppler-utils) reads its Chinese text back.
    const pdf = await get(`/reports/mock-recall/${pool.id.toUpperCase()}.pdf`, regulator.key).buffer(true).parse(rawBody);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const dir = mkdtempSync(join(tmpdir(), 'suyuan-mock-recall-'));
    try {
      writeFileSync(join(dir, 'report.pdf'), bytes);
      const info = execFileSync('pdfinfo', [join(dir, 'report.pdf')]).toString();
      expect(info).toMatch(/Page size:\s+842 x 595 pts \(A4\)/);
      expect(info).toContain('模拟召回报告');
      const text = execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-']).toString();
      for (const words of [
        '模拟召回报告 Mock recall report',
        'HH-P-1121',
        'NH-1120',
        'WQ-1120',
        '宁河牧场',
        '武清奶牛场',
        'HH-950-A',
        'HH-950-B',
        '家乐超市',
        '海河乳业',
        '7,662 kg',
        '97.5%',
        '40 min',
        '菌落总数 250000 > 100000 CFU/g',
      ]) {
        expect(text).toContain(words);
      }
      expect(text).toMatch(/HH-950-A .*家乐超市 +3,900 kg/);
      expect(text).toMatch(/生成用时 Time to produce +\d+ ms/);
      // Its font travels with it (a subset), and it draws the trace and the farm milk's temperatures from the ledger's readings.
      const read = readPdf(bytes);
      for (const font of read.fonts) expect(font).toMatchObject({ embedded: true, subset: true, unicode: true });
      for (const inked of read.inked) expect(inked).toBeGreaterThan(0.005);
      expect(read.rawText).toContain('追溯图（上游 → 本批次 → 下游） Trace picture (upstream → this lot → downstream)');
      expect(read.rawText).toContain('温度记录 Temperature record');
      expect(read.rawText).toMatch(/异常时段 Excursion \(1\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets a site run it on the lots it produced or holds, and nobody else but regulators and the admin', async () => {
    const { farm1, plant, shop, lab, f1, pool, retailA } = await dairyStory();
    const path = (id: string, ext = 'html') => `/reports/mock-recall/${id}.${ext}`;

    // The farm produced its milk (the dairy holds it now): its mock recall reaches the shop's shelf.
    const farmReport = await get(path(f1.id), farm1.key);
    expect(farmReport.status).toBe(200);
    expect(farmReport.text).toContain('HH-950-A');
    expect(farmReport.text).toContain('<dd>宁河牧场</dd>');
    expect((await get(path(pool.id), plant.key)).status).toBe(200);
    expect((await get(path(retailA.id), shop.key)).status).toBe(200);
    const admin = await get(path(pool.id, 'pdf'), TEST_ADMIN_KEY);
    expect(admin.status).toBe(200);

    const refused = async (url: string, key: string | undefined, status: number, message: RegExp) => {
      const res = await get(url, key);
      expect(res.status).toBe(status);
      expect(res.body.errors[0].message).toMatch(message);
    };
    await refused(path(pool.id), undefined, 401, /needs an API key/);
    await refused(path(pool.id), shop.key, 403, /neither produced nor held by your organization/);
    await refused(path(pool.id), (await createOrg(service.app)).key, 403, /neither produced nor held by your organization/);
    await refused(path(pool.id), lab.key, 403, /for regulators, the admin, and the lot's producer or current custodian/);
    await refused(path('0b3f1d2e-9c8a-4b7d-8e6f-5a4b3c2d1e0f'), plant.key, 404, /no batch has id 0b3f1d2e-9c8a-4b7d-8e6f-5a4b3c2d1e0f/);
    await refused('/reports/mock-recall/not-a-batch.html', plant.key, 400, /\/reports\/mock-recall\/<batch id \(a UUID\)>\.html or \.pdf/);
    await refused(path(pool.id, 'docx'), plant.key, 400, /\.html or \.pdf/);
    await refused(`${path(pool.id)}?maxDepth=0`, plant.key, 400, /maxDepth must be from 1 to 50/);
  });
});
