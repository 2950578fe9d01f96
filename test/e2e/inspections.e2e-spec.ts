import { describe, expect, it } from '@jest/globals';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, useTestApp } from '../support/test-app.js';
import { RECORD_EVENT as RECORD, TRANSFORM_BATCHES } from '../support/documents.js';

const INSPECT = 'mutation($input: RecordInspectionInput!) { recordInspection(input: $input) { seq type payload } }';
const RELEASE = 'mutation($input: ReleaseBatchInput!) { releaseBatch(input: $input) { status } }';
const STATUS = 'query($id: ID!) { batch(id: $id) { status inspections { verdict agency standard items { name value limit unit passed } } events { type } } }';
const cadmium = (value: number) => ({ name: '镉 (Cd)', value, limit: 0.2, unit: 'mg/kg', passed: value <= 0.2 });

describe('inspections and holds', () => {
  const service = useTestApp();

  it('a failed inspection holds the batch and what was made from it, until a regulator releases them', async () => {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill);
    const paddy = await registerBatch(app, mill, await registerProduct(app, mill, { name: '稻谷' }), floor, { quantity: 1000 });
    const riceProduct = await registerProduct(app, mill, { name: '大米' });
    const milled = (
      await gqlOk(
        app,
        TRANSFORM_BATCHES,
        {
          input: {
            facilityId: floor,
            eventTime: '2026-10-12T02:00:00.000Z',
            inputs: [{ batchId: paddy.id, quantity: 600 }],
            outputs: [{ productId: riceProduct, lotCode: 'M-1', quantity: 420, unit: 'kg' }],
          },
        },
        mill.key,
      )
    ).transformBatches.outputs[0].id;
    const lab = await createOrg(app, 'LAB');
    const regulator = await createOrg(app, 'REGULATOR');

    const failed = await gqlOk(
      app,
      INSPECT,
      {
        input: {
          batchId: paddy.id,
          agency: '天津市食品检验所',
          standard: 'GB 2762-2022',
          verdict: 'FAIL',
          items: [cadmium(0.35), { name: '铅 (Pb)', value: 0.05, limit: 0.2, unit: 'mg/kg', passed: true }],
        },
      },
      lab.key,
    );
    expect(failed.recordInspection).toMatchObject({ type: 'INSPECTION_RECORDED', payload: { verdict: 'FAIL', standard: 'GB 2762-2022' } });
    const paddyNow = (await gqlOk(app, STATUS, { id: paddy.id }, regulator.key)).batch;
    expect(paddyNow.status).toBe('ON_HOLD');
    expect(paddyNow.inspections[0]).toMatchObject({
      verdict: 'FAIL',
      agency: '天津市食品检验所',
      items: [{ name: '镉 (Cd)', value: 0.35, passed: false }, { passed: true }],
    });
    const milledNow = (await gqlOk(app, STATUS, { id: milled }, regulator.key)).batch;
    expect(milledNow.status).toBe('ON_HOLD');
    expect(milledNow.events.map((e: { type: string }) => e.type)).toEqual(['BATCH_REGISTERED', 'BATCH_HELD']);

    const shop = await createOrg(app, 'RETAILER');
    const ship = {
      batchId: milled,
      bizStep: 'SHIPPING',
      eventTime: '2026-10-13T02:00:00.000Z',
      facilityId: floor,
      destinationOrganizationId: shop.id,
      quantity: 420,
      details: { shipToLocation: 'shop', referenceDocumentType: 'DN', referenceDocumentNumber: '1' },
    };
    expect((await gql(app, RECORD, { input: ship }, mill.key)).errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'BATCH_NOT_RELEASED' } });
    expect((await gql(app, RELEASE, { input: { batchId: milled, reason: 'x' } }, mill.key)).errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });

    const released = await gqlOk(app, RELEASE, { input: { batchId: milled, reason: '复检合格：镉 0.12 mg/kg（GB 2762-2022）' } }, regulator.key);
    expect(released.releaseBatch.status).toBe('ACTIVE');
    expect((await gql(app, RELEASE, { input: { batchId: milled, reason: 'again' } }, regulator.key)).errors?.[0]).toMatchObject({
      extensions: { reason: 'NOT_HELD' },
    });
    await gqlOk(app, RECORD, { input: ship }, mill.key);
    expect((await gqlOk(app, STATUS, { id: paddy.id }, regulator.key)).batch.status).toBe('ON_HOLD');
  });

  it('a batch in transit when its inspection fails arrives on hold', async () => {
    const { app } = service;
    const farm = await createOrg(app);
    const yard = await registerFacility(app, farm);
    const batch = await registerBatch(app, farm, await registerProduct(app, farm), yard, { quantity: 100 });
    const plant = await createOrg(app, 'PROCESSOR');
    const dock = await registerFacility(app, plant);
    await gqlOk(
      app,
      RECORD,
      {
        input: {
          batchId: batch.id,
          bizStep: 'SHIPPING',
          eventTime: '2026-10-13T02:00:00.000Z',
          facilityId: yard,
          destinationOrganizationId: plant.id,
          quantity: 100,
          details: { shipToLocation: 'dock', referenceDocumentType: 'DN', referenceDocumentNumber: '2' },
        },
      },
      farm.key,
    );
    const regulator = await createOrg(app, 'REGULATOR');
    await gqlOk(app, INSPECT, { input: { batchId: batch.id, verdict: 'FAIL', items: [cadmium(0.5)] } }, regulator.key);
    expect((await gqlOk(app, STATUS, { id: batch.id }, regulator.key)).batch.status).toBe('IN_TRANSIT');
    await gqlOk(
      app,
      RECORD,
      { input: { batchId: batch.id, bizStep: 'RECEIVING', eventTime: '2026-10-13T05:00:00.000Z', facilityId: dock, quantity: 100 } },
      plant.key,
    );
    expect((await gqlOk(app, STATUS, { id: batch.id }, regulator.key)).batch.status).toBe('ON_HOLD');
  });

  it('only labs and regulators inspect, and a verdict must agree with its items', async () => {
    const { app } = service;
    const farm = await createOrg(app);
    const batch = await registerBatch(app, farm, await registerProduct(app, farm), await registerFacility(app, farm));
    expect((await gql(app, INSPECT, { input: { batchId: batch.id, verdict: 'PASS', items: [cadmium(0.1)] } }, farm.key)).errors?.[0]).toMatchObject({
      extensions: { code: 'FORBIDDEN', reason: 'ROLE_NOT_ALLOWED' },
    });
    const lab = await createOrg(app, 'LAB');
    const pass = await gql(app, INSPECT, { input: { batchId: batch.id, verdict: 'PASS', items: [cadmium(0.3)] } }, lab.key);
    expect(pass.errors?.[0].message).toBe('items[0] (镉 (Cd)) did not pass, so the verdict cannot be PASS');
    const fail = await gql(app, INSPECT, { input: { batchId: batch.id, verdict: 'FAIL', items: [cadmium(0.1)] } }, lab.key);
    expect(fail.errors?.[0].message).toMatch(/every item passed/);
    await gqlOk(app, INSPECT, { input: { batchId: batch.id, verdict: 'PASS', items: [cadmium(0.1)] } }, lab.key);
    expect((await gqlOk(app, STATUS, { id: batch.id }, farm.key)).batch.status).toBe('ACTIVE');
  });
});
