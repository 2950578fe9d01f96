import { describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import type { App } from 'supertest/types.js';
import { createOrg, Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, useTestApp } from '../support/test-app.js';
import {
  ATTACH_CERTIFICATE,
  ATTEST_CERTIFICATE,
  RECORD_EVENT,
  RECORD_TEMPERATURES,
  TRANSFORM_BATCHES_LOT_CODES,
  VERIFY_BATCH_VALID,
} from '../support/documents.js';

/** Two whole supply chains through GraphQL, each ending with every batch's story verified. */
describe('stories', () => {
  const service = useTestApp();

  const record = (app: INestApplication<App>, org: Org, input: Record<string, unknown>) => gqlOk(app, RECORD_EVENT, { input }, org.key);
  const transform = async (app: INestApplication<App>, org: Org, input: Record<string, unknown>) =>
    (await gqlOk(app, TRANSFORM_BATCHES_LOT_CODES, { input }, org.key)).transformBatches.outputs as { id: string; lotCode: string }[];
  const temperatures = (app: INestApplication<App>, org: Org, batchId: string, sensorId: string, start: string, temps: number[]) =>
    gqlOk(
      app,
      RECORD_TEMPERATURES,
      {
        input: { batchId, sensorId, readings: temps.map((celsius, i) => ({ at: new Date(Date.parse(start) + i * 600_000).toISOString(), celsius })) },
      },
      org.key,
    );
  const ship = (batchId: string, from: string, to: Org, quantity: number, at: string, doc: string) => ({
    batchId,
    bizStep: 'SHIPPING',
    eventTime: at,
    facilityId: from,
    destinationOrganizationId: to.id,
    quantity,
    details: { shipToLocation: 'receiving dock', referenceDocumentType: 'BOL', referenceDocumentNumber: doc },
  });
  const expectAllVerified = async (app: INestApplication<App>, ids: string[]) => {
    for (const id of ids) expect((await gqlOk(app, VERIFY_BATCH_VALID, { id })).verifyBatch.valid).toBe(true);
  };

  it('dairy: three farms cool and ship raw milk, a plant pools and packs it, it goes cold to a shop with one excursion, and is sold', async () => {
    const { app } = service;
    const plant = await createOrg(app, 'PROCESSOR', '海河乳品加工厂');
    const intake = await registerFacility(app, plant);
    const shop = await createOrg(app, 'RETAILER', '津门优选超市');
    const shopFloor = await registerFacility(app, shop);
    const rawBatches: string[] = [];
    for (const [i, kg] of [2000, 3000, 2500].entries()) {
      const farm = await createOrg(app, 'PRODUCER', `牧场 ${i + 1}`);
      const yard = await registerFacility(app, farm);
      const raw = await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
      const batch = await registerBatch(app, farm, raw, yard, { quantity: kg, producedAt: '2026-11-20T20:00:00.000Z' });
      await record(app, farm, {
        batchId: batch.id,
        bizStep: 'COOLING',
        eventTime: '2026-11-20T20:30:00.000Z',
        facilityId: yard,
        details: { coolingDate: '2026-11-20' },
      });
      await temperatures(app, farm, batch.id, `tank-${i}`, '2026-11-20T20:30:00.000Z', [6, 4.5, 3.8, 3.6]);
      await record(app, farm, ship(batch.id, yard, plant, kg, '2026-11-20T21:30:00.000Z', `RAW-${i}`));
      await record(app, plant, { batchId: batch.id, bizStep: 'RECEIVING', eventTime: '2026-11-20T23:00:00.000Z', facilityId: intake, quantity: kg - 5 });
      rawBatches.push(batch.id);
    }

    const pasteurised = await registerProduct(app, plant, { name: '巴氏杀菌乳 950mL', category: 'DAIRY', storage: 'CHILLED', gtin: '6901234567892' });
    const [pool] = await transform(app, plant, {
      facilityId: intake,
      eventTime: '2026-11-21T01:00:00.000Z',
      inputs: rawBatches.map((batchId, i) => ({ batchId, quantity: [2000, 3000, 2500][i] - 5 })),
      outputs: [{ productId: pasteurised, lotCode: 'HH-20261121-P', quantity: 7400, unit: 'kg' }],
    });
    const lots = await transform(app, plant, {
      facilityId: intake,
      eventTime: '2026-11-21T04:00:00.000Z',
      inputs: [{ batchId: pool.id, quantity: 7400 }],
      outputs: [
        { productId: pasteurised, lotCode: 'HH-20261121-P1', quantity: 4000, unit: 'bottle' },
        { productId: pasteurised, lotCode: 'HH-20261121-P2', quantity: 3700, unit: 'bottle' },
      ],
    });
    const lot = lots[0].id;
    await record(app, plant, {
      batchId: lot,
      bizStep: 'PACKING',
      eventTime: '2026-11-21T05:00:00.000Z',
      facilityId: intake,
      details: { lotCode: 'HH-20261121-P1' },
    });
    await record(app, plant, ship(lot, intake, shop, 4000, '2026-11-21T06:00:00.000Z', 'DN-77'));
    // In the cold truck, the cooling unit fails for 40 minutes.
    await temperatures(app, plant, lot, 'truck-3', '2026-11-21T06:00:00.000Z', [3, 4, 9.8, 11.2, 10.5, 8.6, 5, 4]);
    await record(app, shop, { batchId: lot, bizStep: 'RECEIVING', eventTime: '2026-11-21T08:00:00.000Z', facilityId: shopFloor, quantity: 4000 });
    await record(app, shop, { batchId: lot, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-21T12:00:00.000Z', facilityId: shopFloor, quantity: 1200 });

    const sold = (
      await gqlOk(
        app,
        'query($id: ID!) { batch(id: $id) { status quantity coldChainStatus excursions { minutes maxC } custodian { name } } }',
        { id: lot },
        shop.key,
      )
    ).batch;
    expect(sold).toMatchObject({ status: 'ACTIVE', quantity: 2800, coldChainStatus: 'EXCURSION', custodian: { name: '津门优选超市' } });
    expect(sold.excursions).toEqual([{ minutes: 40, maxC: 11.2 }]);
    await expectAllVerified(app, [...rawBatches, pool.id, ...lots.map((l) => l.id)]);
  });

  it('小站稻: harvest, milling, packing with a GI certificate, retail', async () => {
    const { app } = service;
    const coop = await createOrg(app, 'PRODUCER', '天津市小站稻种植专业合作社');
    const paddyField = await registerFacility(app, coop);
    const mill = await registerFacility(app, coop);
    const paddyProduct = await registerProduct(app, coop, { name: '小站稻 稻谷', geographicIndication: '小站稻' });
    const riceProduct = await registerProduct(app, coop, { name: '小站稻 大米 5kg', geographicIndication: '小站稻', gtin: '6920000000012' });
    const giVerified = async () =>
      (
        await gqlOk(
          app,
          'query($id: ID!) { batch(id: $id) { product { geographicIndicationVerified certificates { kind protectedName } } } }',
          { id: paddy.id },
          coop.key,
        )
      ).batch.product;

    const paddy = await registerBatch(app, coop, paddyProduct, paddyField, { quantity: 10000, producedAt: '2026-10-06T02:00:00.000Z' });
    expect((await giVerified()).geographicIndicationVerified).toBe(false);
    await gqlOk(
      app,
      ATTACH_CERTIFICATE,
      {
        input: {
          productId: paddyProduct,
          kind: 'GEOGRAPHIC_INDICATION',
          number: 'AGI00123',
          issuer: '农业农村部',
          protectedName: '小站稻',
          validFrom: '2020-01-01T00:00:00.000Z',
          validUntil: '2030-01-01T00:00:00.000Z',
          documentSha256: 'ab'.repeat(32),
        },
      },
      coop.key,
    );
    // The cooperative's own certificate is its declaration: the claim is certified once the regulator attests it.
    expect(await giVerified()).toEqual({ geographicIndicationVerified: false, certificates: [{ kind: 'GEOGRAPHIC_INDICATION', protectedName: '小站稻' }] });
    const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理局');
    const [declared] = (await gqlOk(app, 'query($id: ID!) { batch(id: $id) { product { certificates { id } } } }', { id: paddy.id }, coop.key)).batch.product
      .certificates;
    await gqlOk(app, ATTEST_CERTIFICATE, { input: { certificateId: declared.id, documentSha256: 'ab'.repeat(32) } }, regulator.key);
    expect(await giVerified()).toEqual({ geographicIndicationVerified: true, certificates: [{ kind: 'GEOGRAPHIC_INDICATION', protectedName: '小站稻' }] });

    await record(app, coop, {
      batchId: paddy.id,
      bizStep: 'HARVESTING',
      eventTime: '2026-10-06T03:00:00.000Z',
      facilityId: paddyField,
      quantity: 10000,
      details: { fieldName: '7 号稻田', harvestDate: '2026-10-06' },
    });
    const [rice] = await transform(app, coop, {
      facilityId: mill,
      eventTime: '2026-10-10T02:00:00.000Z',
      inputs: [{ batchId: paddy.id, quantity: 10000 }],
      outputs: [{ productId: riceProduct, lotCode: 'XZD-2026-0042', quantity: 1400, unit: 'bag' }],
    });
    await record(app, coop, {
      batchId: rice.id,
      bizStep: 'PACKING',
      eventTime: '2026-10-11T02:00:00.000Z',
      facilityId: mill,
      details: { lotCode: 'XZD-2026-0042' },
    });
    await gqlOk(
      app,
      ATTACH_CERTIFICATE,
      {
        input: {
          batchId: rice.id,
          kind: 'COMMITMENT',
          number: 'HG-2026-0042',
          issuer: '天津市小站稻种植专业合作社',
          validFrom: '2026-10-11T00:00:00.000Z',
          validUntil: '2027-10-11T00:00:00.000Z',
          documentSha256: 'cd'.repeat(32),
        },
      },
      coop.key,
    );
    const shop = await createOrg(app, 'RETAILER');
    const shelf = await registerFacility(app, shop);
    await record(app, coop, ship(rice.id, mill, shop, 1400, '2026-10-12T01:00:00.000Z', 'XZD-DN-1'));
    await record(app, shop, { batchId: rice.id, bizStep: 'RECEIVING', eventTime: '2026-10-12T05:00:00.000Z', facilityId: shelf, quantity: 1400 });
    await record(app, shop, { batchId: rice.id, bizStep: 'RETAIL_SELLING', eventTime: '2026-10-20T05:00:00.000Z', facilityId: shelf, quantity: 1400 });

    const final = (
      await gqlOk(
        app,
        'query($id: ID!) { batch(id: $id) { status quantity certificates { kind number } product { geographicIndicationVerified } } }',
        { id: rice.id },
        shop.key,
      )
    ).batch;
    expect(final).toMatchObject({ status: 'CONSUMED', quantity: 0, product: { geographicIndicationVerified: false } });
    expect(final.certificates).toEqual([{ kind: 'COMMITMENT', number: 'HG-2026-0042' }]);
    await expectAllVerified(app, [paddy.id, rice.id]);
  });

  it('refuses a certificate with a malformed number, or on a product of another organization', async () => {
    const { app } = service;
    const owner = await createOrg(app);
    const product = await registerProduct(app, owner);
    const other = await createOrg(app);
    const attach = (org: Org, input: Record<string, unknown>) =>
      gql(
        app,
        ATTACH_CERTIFICATE,
        {
          input: {
            productId: product,
            issuer: '中绿华夏有机产品认证中心',
            validFrom: '2026-01-01T00:00:00.000Z',
            validUntil: '2027-01-01T00:00:00.000Z',
            documentSha256: 'ef'.repeat(32),
            ...input,
          },
        },
        org.key,
      );
    const short = await attach(owner, { kind: 'ORGANIC', number: '1234567890123456' });
    expect(short.errors?.[0]).toMatchObject({
      message: 'number: a ORGANIC certificate number is 17 digits, got "1234567890123456"',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const green = await attach(owner, { kind: 'GREEN_FOOD', number: 'GF12011620034X' });
    expect(green.errors?.[0].message).toMatch(/"GF" followed by 12 digits/);
    const foreign = await attach(other, { kind: 'ORGANIC', number: '12345678901234567' });
    expect(foreign.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'NOT_OWNER' } });
    expect((await attach(owner, { kind: 'ORGANIC', number: '12345678901234567' })).errors).toBeUndefined();
  });
});
