import { describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { TRANSFORMATION_LINES_FROM_LEDGER } from '../../migrations/1765705600000-transformation-lines.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, useTestApp } from '../support/test-app.js';
import { LEDGER_SIZE, RECORD_EVENT as RECORD, VERIFY_BATCH as VERIFY } from '../support/documents.js';

const TRANSFORM = `mutation($input: TransformBatchesInput!) {
  transformBatches(input: $input) {
    outputs { id lotCode traceCode quantity unit status custodian { id } product { name } }
    entries { seq type batchId payload } } }`;

describe('transformBatches', () => {
  const service = useTestApp();

  it('pools raw milk from two farms at a plant, then splits it into retail lots, with lineage for trace', async () => {
    const { app } = service;
    const plant = await createOrg(app, 'PROCESSOR');
    const plantDock = await registerFacility(app, plant);
    const uht = await registerProduct(app, plant, { name: 'UHT 纯牛奶 1L', category: 'DAIRY', storage: 'AMBIENT' });
    const farms = [];
    for (const litres of [3000, 5000]) {
      const farm = await createOrg(app, 'PRODUCER');
      const yard = await registerFacility(app, farm);
      const rawMilk = await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED' });
      const batch = await registerBatch(app, farm, rawMilk, yard, { quantity: litres, unit: 'kg' });
      await gqlOk(
        app,
        RECORD,
        {
          input: {
            batchId: batch.id,
            bizStep: 'SHIPPING',
            eventTime: '2026-11-20T22:00:00.000Z',
            facilityId: yard,
            destinationOrganizationId: plant.id,
            quantity: litres,
            details: { shipToLocation: 'intake', referenceDocumentType: 'BOL', referenceDocumentNumber: `B-${litres}` },
          },
        },
        farm.key,
      );
      await gqlOk(
        app,
        RECORD,
        { input: { batchId: batch.id, bizStep: 'RECEIVING', eventTime: '2026-11-21T00:00:00.000Z', facilityId: plantDock, quantity: litres } },
        plant.key,
      );
      farms.push({ farm, batch, litres });
    }

    const pooled = (
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: plantDock,
            eventTime: '2026-11-21T02:00:00.000Z',
            inputs: farms.map((f) => ({ batchId: f.batch.id, quantity: f.litres })),
            outputs: [{ productId: uht, lotCode: 'UHT-20261121-A', quantity: 7950, unit: 'kg' }],
          },
        },
        plant.key,
      )
    ).transformBatches;
    const [pool] = pooled.outputs;
    expect(pool).toMatchObject({
      lotCode: 'UHT-20261121-A',
      quantity: 7950,
      status: 'ACTIVE',
      custodian: { id: plant.id },
      product: { name: 'UHT 纯牛奶 1L' },
    });
    expect(pool.traceCode).toMatch(/^[23456789ABCDEFGHJKMNPQRSTWXYZ]{12}$/);
    expect(pooled.entries.map((e: { type: string }) => e.type)).toEqual(['EVENT_RECORDED', 'EVENT_RECORDED', 'BATCH_REGISTERED']);
    expect(pooled.entries[0].payload).toMatchObject({ bizStep: 'TRANSFORMING', quantity: 3000, quantityLeft: 0, outputs: [{ batchId: pool.id }] });
    expect(pooled.entries[2].payload).toMatchObject({
      batchId: pool.id,
      inputs: [
        { batchId: farms[0].batch.id, quantity: 3000 },
        { batchId: farms[1].batch.id, quantity: 5000 },
      ],
    });

    const split = (
      await gqlOk(
        app,
        TRANSFORM,
        {
          input: {
            facilityId: plantDock,
            eventTime: '2026-11-21T06:00:00.000Z',
            inputs: [{ batchId: pool.id, quantity: 7950 }],
            outputs: [
              { productId: uht, lotCode: 'UHT-20261121-A1', quantity: 4000, unit: 'kg' },
              { productId: uht, lotCode: 'UHT-20261121-A2', quantity: 3950, unit: 'kg' },
            ],
          },
        },
        plant.key,
      )
    ).transformBatches;
    expect(split.outputs.map((b: { quantity: number }) => b.quantity)).toEqual([4000, 3950]);

    const edges = await app.get(DataSource).query('SELECT from_batch_id, to_batch_id, quantity FROM lineage_edge ORDER BY quantity');
    expect(edges).toEqual(
      expect.arrayContaining([
        { from_batch_id: farms[0].batch.id, to_batch_id: pool.id, quantity: 3000 },
        { from_batch_id: farms[1].batch.id, to_batch_id: pool.id, quantity: 5000 },
        { from_batch_id: pool.id, to_batch_id: split.outputs[0].id, quantity: 4000 },
        { from_batch_id: pool.id, to_batch_id: split.outputs[1].id, quantity: 3950 },
      ]),
    );
    // The mass-balance lines, as written with the entries, and as the migration derives them from the ledger.
    const sql = app.get(DataSource);
    const lines = await sql.query('SELECT seq, transformation_id, side, batch_id, quantity, unit FROM transformation_line ORDER BY seq');
    expect(lines.map((l: { side: string; batch_id: string; quantity: number; unit: string }) => [l.side, l.batch_id, l.quantity, l.unit])).toEqual([
      ['input', farms[0].batch.id, 3000, 'kg'],
      ['input', farms[1].batch.id, 5000, 'kg'],
      ['output', pool.id, 7950, 'kg'],
      ['input', pool.id, 7950, 'kg'],
      ['output', split.outputs[0].id, 4000, 'kg'],
      ['output', split.outputs[1].id, 3950, 'kg'],
    ]);
    await sql.transaction(async (tx) => {
      await tx.query('DELETE FROM transformation_line');
      await tx.query(TRANSFORMATION_LINES_FROM_LEDGER);
      expect(await tx.query('SELECT seq, transformation_id, side, batch_id, quantity, unit FROM transformation_line ORDER BY seq')).toEqual(lines);
    });

    for (const id of [...farms.map((f) => f.batch.id), pool.id, ...split.outputs.map((b: { id: string }) => b.id)]) {
      expect((await gqlOk(app, VERIFY, { id })).verifyBatch.valid).toBe(true);
    }
    // The consumed inputs take no more events; taking from them again is refused with what is left.
    const again = await gql(
      app,
      TRANSFORM,
      {
        input: {
          facilityId: plantDock,
          eventTime: '2026-11-21T07:00:00.000Z',
          inputs: [{ batchId: pool.id, quantity: 1 }],
          outputs: [{ productId: uht, lotCode: 'X', quantity: 1, unit: 'kg' }],
        },
      },
      plant.key,
    );
    expect(again.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' } });
    expect(again.errors?.[0].message).toMatch(/is CONSUMED/);
  });

  it('refuses a GI product made from an input without the indication, recording nothing', async () => {
    const { app } = service;
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill);
    const giPaddy = await registerProduct(app, mill, { name: '小站稻 稻谷', geographicIndication: '小站稻' });
    const otherPaddy = await registerProduct(app, mill, { name: '普通稻谷' });
    const giRice = await registerProduct(app, mill, { name: '小站稻 大米', geographicIndication: '小站稻' });
    const a = await registerBatch(app, mill, giPaddy, floor, { quantity: 1000 });
    const b = await registerBatch(app, mill, otherPaddy, floor, { quantity: 1000 });
    const size = async () => (await gqlOk(app, LEDGER_SIZE)).ledgerInfo.size;
    const before = await size();
    const res = await gql(
      app,
      TRANSFORM,
      {
        input: {
          facilityId: floor,
          eventTime: '2026-10-12T02:00:00.000Z',
          inputs: [
            { batchId: a.id, quantity: 1000 },
            { batchId: b.id, quantity: 1000 },
          ],
          outputs: [{ productId: giRice, lotCode: 'MIX-1', quantity: 1400, unit: 'kg' }],
        },
      },
      mill.key,
    );
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'GI_NOT_CARRIED' } });
    expect(res.errors?.[0].message).toContain(`input batch ${b.id} does not carry it`);
    expect(await size()).toBe(before);

    const milled = await gqlOk(
      app,
      TRANSFORM,
      {
        input: {
          facilityId: floor,
          eventTime: '2026-10-12T02:00:00.000Z',
          inputs: [{ batchId: a.id, quantity: 1000 }],
          outputs: [{ productId: giRice, lotCode: 'XZD-M-1', quantity: 700, unit: 'kg' }],
        },
      },
      mill.key,
    );
    expect(milled.transformBatches.outputs[0]).toMatchObject({ lotCode: 'XZD-M-1', product: { name: '小站稻 大米' } });
  });

  it('refuses inputs not in the caller’s custody and malformed lines', async () => {
    const { app } = service;
    const owner = await createOrg(app);
    const ownerYard = await registerFacility(app, owner);
    const product = await registerProduct(app, owner);
    const batch = await registerBatch(app, owner, product, ownerYard);
    const other = await createOrg(app, 'PROCESSOR');
    const otherFloor = await registerFacility(app, other);
    const otherProduct = await registerProduct(app, other);
    const input = (extra: Record<string, unknown>) => ({
      facilityId: otherFloor,
      eventTime: '2026-10-12T02:00:00.000Z',
      inputs: [{ batchId: batch.id, quantity: 1 }],
      outputs: [{ productId: otherProduct, lotCode: 'O-1', quantity: 1, unit: 'kg' }],
      ...extra,
    });
    const notHeld = await gql(app, TRANSFORM, { input: input({}) }, other.key);
    expect(notHeld.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', reason: 'BATCH_NOT_IN_CUSTODY' } });
    const negative = await gql(app, TRANSFORM, { input: input({ inputs: [{ batchId: batch.id, quantity: -1 }] }) }, other.key);
    expect(negative.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const none = await gql(app, TRANSFORM, { input: input({ outputs: [] }) }, other.key);
    expect(none.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(none.errors?.[0].message).toMatch(/outputs/);
  });
});
