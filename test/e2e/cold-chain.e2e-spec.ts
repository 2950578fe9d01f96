import { describe, expect, it } from '@jest/globals';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { BATCHES_WITH_EXCURSIONS, RECORD_EVENT, VERIFY_BATCH } from '../support/documents.js';

const RECORD = 'mutation($input: RecordTemperaturesInput!) { recordTemperatures(input: $input) { seq type payload } }';
const COLD = 'query($id: ID!) { batch(id: $id) { coldChainStatus meanKineticTemperatureC excursions { kind start end minutes minC maxC } } }';
const every10 = (start: string, temps: number[]) => temps.map((celsius, i) => ({ at: new Date(Date.parse(start) + i * 600_000).toISOString(), celsius }));

describe('cold chain', () => {
  const service = useTestApp();

  it('records readings in the ledger, finds an excursion against the product range, and lists it for regulators', async () => {
    const { app } = service;
    const farm = await createOrg(app);
    const yard = await registerFacility(app, farm);
    const milk = await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
    const batch = await registerBatch(app, farm, milk, yard, { quantity: 5000 });
    expect((await gqlOk(app, COLD, { id: batch.id }, farm.key)).batch.coldChainStatus).toBe('NO_DATA');

    const ok = await gqlOk(
      app,
      RECORD,
      { input: { batchId: batch.id, sensorId: 'tank-1', readings: every10('2026-11-20T20:00:00.000Z', [3.5, 4, 4.2, 3.9]) } },
      farm.key,
    );
    expect(ok.recordTemperatures).toMatchObject({ type: 'TEMPERATURES_RECORDED', payload: { sensorId: 'tank-1', count: 4, minC: 3.5, maxC: 4.2 } });
    expect((await gqlOk(app, COLD, { id: batch.id }, farm.key)).batch.coldChainStatus).toBe('OK');

    // The truck's cooling fails for 40 minutes.
    await gqlOk(
      app,
      RECORD,
      { input: { batchId: batch.id, sensorId: 'truck-7', readings: every10('2026-11-20T21:00:00.000Z', [4, 9.5, 11, 12.4, 10, 6, 4]) } },
      farm.key,
    );
    const cold = (await gqlOk(app, COLD, { id: batch.id }, farm.key)).batch;
    expect(cold.coldChainStatus).toBe('EXCURSION');
    expect(cold.excursions).toEqual([
      { kind: 'OUT_OF_RANGE', start: '2026-11-20T21:10:00.000Z', end: '2026-11-20T21:50:00.000Z', minutes: 40, minC: 9.5, maxC: 12.4 },
    ]);
    expect(cold.meanKineticTemperatureC).toBeGreaterThan(5.5);

    const regulator = await createOrg(app, 'REGULATOR');
    const listed = await gqlOk(app, BATCHES_WITH_EXCURSIONS, undefined, regulator.key);
    expect(listed.batchesWithExcursions).toEqual([{ id: batch.id }]);
    expect((await gql(app, BATCHES_WITH_EXCURSIONS, undefined, farm.key)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gqlOk(app, '{ batchesWithExcursions(first: 5) { id } }', undefined, TEST_ADMIN_KEY)).batchesWithExcursions).toHaveLength(1);

    const again = await gql(app, RECORD, { input: { batchId: batch.id, sensorId: 'truck-7', readings: every10('2026-11-20T21:00:00.000Z', [4]) } }, farm.key);
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'DUPLICATE_READING' } });

    const verified = await gqlOk(app, VERIFY_BATCH, { id: batch.id });
    expect(verified.verifyBatch).toEqual({ valid: true, checkedEntries: 3 });
  });

  it('takes readings from the custodian or the organization the batch is in transit to, and nobody else', async () => {
    const { app } = service;
    const farm = await createOrg(app);
    const yard = await registerFacility(app, farm);
    const milk = await registerProduct(app, farm, { category: 'DAIRY', storage: 'CHILLED' });
    const batch = await registerBatch(app, farm, milk, yard);
    const plant = await createOrg(app, 'PROCESSOR');
    const stranger = await createOrg(app, 'LOGISTICS');
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: {
          batchId: batch.id,
          bizStep: 'SHIPPING',
          eventTime: '2026-11-20T22:00:00.000Z',
          facilityId: yard,
          destinationOrganizationId: plant.id,
          quantity: 1000,
          details: { shipToLocation: 'intake', referenceDocumentType: 'BOL', referenceDocumentNumber: 'B-9' },
        },
      },
      farm.key,
    );
    const readings = every10('2026-11-20T22:10:00.000Z', [3, 3.2]);
    await gqlOk(app, RECORD, { input: { batchId: batch.id, sensorId: 'plant-logger', readings } }, plant.key);
    const refused = await gql(app, RECORD, { input: { batchId: batch.id, sensorId: 'x', readings } }, stranger.key);
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'BATCH_NOT_IN_CUSTODY' } });
  });

  it('refuses more than 10,000 readings, readings from the future and two at one instant; ambient goods have no cold chain', async () => {
    const { app } = service;
    const farm = await createOrg(app);
    const yard = await registerFacility(app, farm);
    const rice = await registerProduct(app, farm, { storage: 'AMBIENT' });
    const batch = await registerBatch(app, farm, rice, yard);
    const tooMany = every10('2026-01-01T00:00:00.000Z', Array(10_001).fill(20));
    expect((await gql(app, RECORD, { input: { batchId: batch.id, readings: tooMany } }, farm.key)).errors?.[0]).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const future = [{ at: new Date(Date.now() + 3600_000).toISOString(), celsius: 20 }];
    expect((await gql(app, RECORD, { input: { batchId: batch.id, readings: future } }, farm.key)).errors?.[0].message).toMatch(/in the future/);
    const twice = [
      { at: '2026-11-01T00:00:00.000Z', celsius: 20 },
      { at: '2026-11-01T00:00:00.000Z', celsius: 21 },
    ];
    expect((await gql(app, RECORD, { input: { batchId: batch.id, readings: twice } }, farm.key)).errors?.[0].message).toMatch(/two readings of sensor/);
    await gqlOk(app, RECORD, { input: { batchId: batch.id, readings: every10('2026-11-01T00:00:00.000Z', [35, 36]) } }, farm.key);
    expect((await gqlOk(app, COLD, { id: batch.id }, farm.key)).batch).toMatchObject({ coldChainStatus: 'NOT_APPLICABLE', excursions: [] });
  });
});
