import { describe, expect, it } from '@jest/globals';
import { createOrg, producerWithBatch, registerBatch, registerFacility } from '../support/builders.js';
import { gql, gqlOk, useTestApp } from '../support/test-app.js';
import { LEDGER_SIZE, VERIFY_BATCH } from '../support/documents.js';

// Not documents.ts's RECORD_EVENT: the tests read what custody adds to the payload.
const RECORD = 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq payload } }';
const BATCH = 'query($id: ID!) { batch(id: $id) { status quantity custodian { id } } }';

/** Custody through GraphQL: who may record what, in which order, and how much. */
describe('custody and quantities', () => {
  const service = useTestApp();

  it('ships to a named organization, which alone receives it; quantities never go below zero', async () => {
    const { app } = service;
    const { org: farm, facilityId: farmYard, batch } = await producerWithBatch(app); // 1000 kg
    const plant = await createOrg(app, 'PROCESSOR');
    const plantDock = await registerFacility(app, plant);
    const shop = await createOrg(app, 'RETAILER');
    const shopFloor = await registerFacility(app, shop);
    const size = async () => (await gqlOk(app, LEDGER_SIZE)).ledgerInfo.size as number;
    const at = (hour: number) => `2026-10-08T${String(hour).padStart(2, '0')}:00:00.000Z`;
    const refused = async (key: string, input: Record<string, unknown>, code: string, message: RegExp) => {
      const before = await size();
      const res = await gql(app, RECORD, { input: { batchId: batch.id, ...input } }, key);
      expect(res.errors?.[0]).toMatchObject({ extensions: { code } });
      expect(res.errors?.[0].message).toMatch(message);
      expect(await size()).toBe(before);
    };
    const shipping = {
      bizStep: 'SHIPPING',
      eventTime: at(1),
      facilityId: farmYard,
      destinationOrganizationId: plant.id,
      details: { shipToLocation: 'plant dock 2', referenceDocumentType: 'BOL', referenceDocumentNumber: 'B-1' },
    };

    await refused(farm.key, { ...shipping, quantity: 1200 }, 'CONFLICT', /SHIPPING 1200 kg is more than the 1000 kg left/);
    await refused(
      farm.key,
      { ...shipping, quantity: 900, details: { shipToLocation: 'plant dock 2' } },
      'BAD_USER_INPUT',
      /details.referenceDocumentType is required for SHIPPING/,
    );
    await refused(farm.key, { ...shipping, quantity: 900, facilityId: plantDock }, 'FORBIDDEN', /facilityId: .* is not one of your facilities/);
    await gqlOk(app, RECORD, { input: { batchId: batch.id, ...shipping, quantity: 900 } }, farm.key);
    expect((await gqlOk(app, BATCH, { id: batch.id }, farm.key)).batch).toMatchObject({ status: 'IN_TRANSIT', custodian: { id: farm.id } });

    const receiving = { bizStep: 'RECEIVING', eventTime: at(3), quantity: 895 };
    // A stranger to the batch is told only that: not where it is going (issue 15).
    await refused(shop.key, { ...receiving, facilityId: shopFloor }, 'FORBIDDEN', /^batch \S+ is not in your custody and was not shipped to you; /);
    // The shipper, which holds it until it is received, is told where it went.
    await refused(
      farm.key,
      { ...receiving, facilityId: farmYard },
      'FORBIDDEN',
      new RegExp(`shipped to organization ${plant.id}; only that organization records its RECEIVING`),
    );
    await refused(farm.key, { bizStep: 'STORING', eventTime: at(2), facilityId: farmYard }, 'CONFLICT', /in transit to organization .*received before/);
    await refused(plant.key, { ...receiving, quantity: 901, facilityId: plantDock }, 'CONFLICT', /RECEIVING 901 kg is more than the 900 kg shipped/);
    const received = await gqlOk(app, RECORD, { input: { batchId: batch.id, ...receiving, facilityId: plantDock } }, plant.key);
    expect(received.recordEvent.payload).toMatchObject({ bizStep: 'RECEIVING', quantity: 895, unit: 'kg', immediatePreviousSource: farm.id });
    expect((await gqlOk(app, BATCH, { id: batch.id }, plant.key)).batch).toMatchObject({ status: 'ACTIVE', quantity: 895, custodian: { id: plant.id } });

    await refused(farm.key, { bizStep: 'STORING', eventTime: at(4), facilityId: farmYard }, 'FORBIDDEN', /only its custodian records its events/);
    await refused(
      plant.key,
      { bizStep: 'DESTROYING', eventTime: at(5), facilityId: plantDock, quantity: 896 },
      'CONFLICT',
      /896 kg is more than the 895 kg left/,
    );
    await gqlOk(app, RECORD, { input: { batchId: batch.id, bizStep: 'DESTROYING', eventTime: at(5), facilityId: plantDock, quantity: 895 } }, plant.key);
    expect((await gqlOk(app, BATCH, { id: batch.id }, plant.key)).batch).toMatchObject({ status: 'DESTROYED', quantity: 0 });
    await refused(plant.key, { bizStep: 'STORING', eventTime: at(6), facilityId: plantDock }, 'CONFLICT', /DESTROYED: nothing more can happen to it/);

    const verified = await gqlOk(app, VERIFY_BATCH, { id: batch.id });
    expect(verified.verifyBatch).toEqual({ valid: true, checkedEntries: 4 });
  });

  it('refuses an event dated in the future and steps that have their own operation', async () => {
    const { app } = service;
    const { org, facilityId, batch } = await producerWithBatch(app);
    const future = new Date(Date.now() + 3600_000).toISOString();
    const res = await gql(app, RECORD, { input: { batchId: batch.id, bizStep: 'STORING', eventTime: future, facilityId } }, org.key);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(res.errors?.[0].message).toMatch(/is in the future/);
    const transforming = await gql(
      app,
      RECORD,
      { input: { batchId: batch.id, bizStep: 'TRANSFORMING', eventTime: '2026-10-08T00:00:00.000Z', facilityId } },
      org.key,
    );
    expect(transforming.errors?.[0].message).toMatch(/transformBatches/);
  });

  it('calls made at once see what the ones before them did, and each stays all or nothing', async () => {
    const { app } = service;
    const { org, facilityId, productId, batch: sold } = await producerWithBatch(app); // 1000 kg
    const stored = await registerBatch(app, org, productId, facilityId);
    const RECORD_MANY = 'mutation($input: [RecordEventInput!]!) { recordEvents(input: $input) { seq payload } }';
    const eventTime = '2026-10-08T10:00:00.000Z';
    // Twelve calls of a STORING and a sale of 100 kg each, at once: the writer takes them in groups,
    // so later calls of a group must see the quantity the earlier ones left.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        gql(
          app,
          RECORD_MANY,
          {
            input: [
              { batchId: stored.id, bizStep: 'STORING', eventTime, facilityId },
              { batchId: sold.id, bizStep: 'RETAIL_SELLING', eventTime, facilityId, quantity: 100 },
            ],
          },
          org.key,
        ),
      ),
    );
    const recorded = answers.filter((a) => !a.errors);
    const refused = answers.filter((a) => a.errors);
    expect(recorded).toHaveLength(10);
    expect(recorded.map((a) => a.data!.recordEvents[1].payload.quantityLeft).sort((x: number, y: number) => y - x)).toEqual([
      900, 800, 700, 600, 500, 400, 300, 200, 100, 0,
    ]);
    for (const a of refused) {
      expect(a.errors![0]).toMatchObject({ extensions: { code: 'CONFLICT', reason: 'BATCH_CLOSED' } });
      expect(a.errors![0].message).toMatch(/^events\[1\]\.batchId: batch .* is CONSUMED/);
    }
    expect((await gqlOk(app, BATCH, { id: sold.id }, org.key)).batch).toMatchObject({ status: 'CONSUMED', quantity: 0 });
    // A refused call's STORING was not recorded either.
    expect((await gqlOk(app, VERIFY_BATCH, { id: stored.id })).verifyBatch).toEqual({ valid: true, checkedEntries: 11 });
    expect((await gqlOk(app, VERIFY_BATCH, { id: sold.id })).verifyBatch).toEqual({ valid: true, checkedEntries: 11 });
  });
});
