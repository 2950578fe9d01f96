import { describe, expect, it } from '@jest/globals';
import type { Caller } from '../../src/auth/caller.js';
import type { RecordEventInput } from '../../src/events/dto/record-event.input.js';
import { EventsService } from '../../src/events/events.service.js';
import { InspectionsService } from '../../src/inspections/inspections.service.js';
import { ADMIN, useTestServices } from '../support/test-services.js';

const at = (hour: number) => new Date(Date.UTC(2026, 9, 8, hour));
const BILL = { shipToLocation: 'dock 2', referenceDocumentType: 'BOL', referenceDocumentNumber: 'B-1' };

/** Custody rules at the service: who records what on whose batch, and what each step leaves behind. */
describe('custody (EventsService)', () => {
  const world = useTestServices();
  const record = (caller: Caller, input: RecordEventInput) => world.get(EventsService).record(caller, [input]);
  const recordAll = (caller: Caller, inputs: RecordEventInput[]) => world.get(EventsService).record(caller, inputs);

  it('a shipment moves custody only when the named organization receives it, with what it received', async () => {
    const { org: farm, facilityId: yard, batch } = await world.producerWithBatch();
    const plant = await world.organization('PROCESSOR');
    const dock = await world.facility(plant);

    const [shipped] = await record(farm, {
      batchId: batch.id,
      bizStep: 'SHIPPING',
      eventTime: at(1),
      facilityId: yard,
      destinationOrganizationId: plant.organizationId,
      quantity: 600,
      details: BILL,
    });
    expect(shipped).toMatchObject({ type: 'EVENT_RECORDED', batchId: batch.id });
    expect(JSON.parse(shipped.payload!)).toMatchObject({ bizStep: 'SHIPPING', quantity: 600, unit: 'kg', destinationOrganizationId: plant.organizationId });
    // In transit the sender is still the custodian; the quantity is what it holds until received.
    expect(await world.batchNow(batch.id)).toMatchObject({ status: 'IN_TRANSIT', custodianId: farm.organizationId, quantity: 1000 });

    const [received] = await record(plant, { batchId: batch.id, bizStep: 'RECEIVING', eventTime: at(2), facilityId: dock, quantity: 590 });
    expect(JSON.parse(received.payload!)).toMatchObject({ bizStep: 'RECEIVING', quantity: 590, unit: 'kg', immediatePreviousSource: farm.organizationId });
    expect(await world.batchNow(batch.id)).toMatchObject({ status: 'ACTIVE', custodianId: plant.organizationId, quantity: 590 });

    // The new custodian records; the producer no longer does, and is told nothing of the batch's state now.
    await record(plant, { batchId: batch.id, bizStep: 'STORING', eventTime: at(3), facilityId: dock });
    await world.refused(
      () => record(farm, { batchId: batch.id, bizStep: 'STORING', eventTime: at(4), facilityId: yard }),
      'BATCH_NOT_IN_CUSTODY',
      `batch ${batch.id} is not in your custody and was not shipped to you; ` +
        'only its custodian records its events, and only the organization it is shipped to its RECEIVING',
    );
  });

  it('refuses a RECEIVING without a shipment, a shipment to oneself or to nobody, and leaves the batch as it was', async () => {
    const { org: farm, facilityId: yard, batch } = await world.producerWithBatch();
    const shipping = { batchId: batch.id, bizStep: 'SHIPPING' as const, eventTime: at(1), facilityId: yard, quantity: 10, details: BILL };

    await world.refused(
      () => record(farm, { batchId: batch.id, bizStep: 'RECEIVING', eventTime: at(1), facilityId: yard, quantity: 10 }),
      'NOT_IN_TRANSIT',
      `batch ${batch.id} is not in transit (it is ACTIVE); RECEIVING follows a SHIPPING`,
    );
    await world.refused(
      () => record(farm, { ...shipping, destinationOrganizationId: farm.organizationId }),
      'INVALID_INPUT',
      'destinationOrganizationId is your own organization: a batch is shipped to another one',
    );
    const nobody = '00000000-0000-4000-8000-000000000000';
    await world.refused(
      () => record(farm, { ...shipping, destinationOrganizationId: nobody }),
      'ORGANIZATION_NOT_FOUND',
      `destinationOrganizationId: no organization has id ${nobody}`,
    );
    const shop = await world.organization('RETAILER');
    await world.refused(
      () => record(farm, { ...shipping, facilityId: nobody, destinationOrganizationId: shop.organizationId }),
      'FACILITY_NOT_FOUND',
      `facilityId: no facility has id ${nobody}`,
    );
    await world.refused(
      () => record(farm, { batchId: nobody, bizStep: 'STORING', eventTime: at(1), facilityId: yard }),
      'BATCH_NOT_FOUND',
      `batchId: no batch has id ${nobody}`,
    );
    expect(await world.batchNow(batch.id)).toMatchObject({ status: 'ACTIVE', custodianId: farm.organizationId, quantity: 1000 });
  });

  it('only an organization records events, and RECALLING has its own operation', async () => {
    const { org, facilityId, batch } = await world.producerWithBatch();
    const storing = { batchId: batch.id, bizStep: 'STORING' as const, eventTime: at(1), facilityId };
    await world.refused(() => record(ADMIN, storing), 'ORGANIZATION_ONLY', 'this is done by an organization with its own API key, not with the admin key');
    await world.refused(() => record({ kind: 'anonymous' }, storing), 'AUTHENTICATION_REQUIRED', /needs an organization's API key/);
    await world.refused(() => record(org, { ...storing, bizStep: 'RECALLING' }), 'INVALID_INPUT', /initiateRecall/);
  });

  it('a lab or regulator records an INSPECTING on a batch it does not hold, and custody stays where it was', async () => {
    const { org: farm, batch } = await world.producerWithBatch();
    const lab = await world.organization('LAB');
    const bench = await world.facility(lab);
    const [entry] = await record(lab, { batchId: batch.id, bizStep: 'INSPECTING', eventTime: at(1), facilityId: bench });
    expect(JSON.parse(entry.payload!)).toMatchObject({ bizStep: 'INSPECTING', facilityId: bench });
    expect(await world.batchNow(batch.id)).toMatchObject({ status: 'ACTIVE', custodianId: farm.organizationId, quantity: 1000 });
    // Another kind of organization does not.
    const shop = await world.organization('RETAILER');
    await world.refused(
      () => world.get(EventsService).record(shop, [{ batchId: batch.id, bizStep: 'INSPECTING', eventTime: at(1), facilityId: bench }]),
      'BATCH_NOT_IN_CUSTODY',
      /only its custodian records its events/,
    );
  });

  it('a held batch is neither shipped nor sold until a regulator releases it; shipped while held, it arrives held', async () => {
    const { org: farm, facilityId: yard, batch } = await world.producerWithBatch();
    const shop = await world.organization('RETAILER');
    const regulator = await world.organization('REGULATOR');
    const inspections = world.get(InspectionsService);
    const ship = (quantity: number) =>
      record(farm, {
        batchId: batch.id,
        bizStep: 'SHIPPING',
        eventTime: at(2),
        facilityId: yard,
        destinationOrganizationId: shop.organizationId,
        quantity,
        details: BILL,
      });

    await inspections.record(regulator, {
      batchId: batch.id,
      verdict: 'FAIL',
      items: [{ name: '镉 (Cd)', value: 0.4, limit: 0.2, unit: 'mg/kg', passed: false }],
    });
    expect((await world.batchNow(batch.id)).status).toBe('ON_HOLD');
    await world.refused(() => ship(100), 'BATCH_NOT_RELEASED', `batch ${batch.id} is ON_HOLD: it cannot be shipped or sold until it is released`);
    await world.refused(
      () => record(farm, { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: at(2), facilityId: yard, quantity: 1 }),
      'BATCH_NOT_RELEASED',
      /ON_HOLD/,
    );
    // Ordinary events on a held batch are still recorded (it is stored while it waits).
    await record(farm, { batchId: batch.id, bizStep: 'STORING', eventTime: at(2), facilityId: yard });

    await world.refused(
      () => inspections.release(farm, { batchId: batch.id, reason: 'retested' }),
      'ROLE_NOT_ALLOWED',
      'only a REGULATOR releases a held batch',
    );
    expect(await inspections.release(regulator, { batchId: batch.id, reason: '复检合格' })).toMatchObject({ status: 'ACTIVE' });
    await world.refused(() => inspections.release(regulator, { batchId: batch.id, reason: 'again' }), 'NOT_HELD', `batch ${batch.id} is not held`);
    await ship(100);

    // Held on the road: it stays IN_TRANSIT, and is ON_HOLD when it arrives.
    await inspections.record(regulator, { batchId: batch.id, verdict: 'FAIL', items: [{ name: '镉 (Cd)', passed: false }] });
    expect((await world.batchNow(batch.id)).status).toBe('IN_TRANSIT');
    await record(shop, { batchId: batch.id, bizStep: 'RECEIVING', eventTime: at(3), facilityId: await world.facility(shop), quantity: 100 });
    expect(await world.batchNow(batch.id)).toMatchObject({ status: 'ON_HOLD', custodianId: shop.organizationId, quantity: 100 });
  });

  it('selling all that is left closes the batch; selling part of it does not', async () => {
    const { org, facilityId, batch } = await world.producerWithBatch();
    const [sold] = await record(org, { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: at(1), facilityId, quantity: 400 });
    expect(JSON.parse(sold.payload!)).toMatchObject({ quantity: 400, unit: 'kg', quantityLeft: 600 });
    expect(await world.batchNow(batch.id)).toMatchObject({ status: 'ACTIVE', quantity: 600 });
    await world.refused(
      () => record(org, { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: at(2), facilityId, quantity: 601 }),
      'INSUFFICIENT_QUANTITY',
      `RETAIL_SELLING 601 kg is more than the 600 kg left in batch ${batch.id}`,
    );
    await record(org, { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: at(2), facilityId, quantity: 600 });
    expect(await world.batchNow(batch.id)).toMatchObject({ status: 'CONSUMED', quantity: 0 });
    await world.refused(
      () => record(org, { batchId: batch.id, bizStep: 'STORING', eventTime: at(3), facilityId }),
      'BATCH_CLOSED',
      `batch ${batch.id} is CONSUMED: nothing more can happen to it`,
    );
  });

  it('a call of several events is all or nothing, and names the event it refuses', async () => {
    const { org, facilityId, productId, batch } = await world.producerWithBatch();
    const other = await world.batch(org, productId, facilityId, { quantity: 5 });
    await world.refused(
      () =>
        recordAll(org, [
          { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: at(1), facilityId, quantity: 1000 },
          { batchId: other.id, bizStep: 'RETAIL_SELLING', eventTime: at(1), facilityId, quantity: 6 },
        ]),
      'INSUFFICIENT_QUANTITY',
      `events[1].batchId: RETAIL_SELLING 6 kg is more than the 5 kg left in batch ${other.id}`,
    );
    // The first event's sale did not happen either.
    expect(await world.batchNow(batch.id)).toMatchObject({ status: 'ACTIVE', quantity: 1000 });

    // Later events of a call see what earlier ones did.
    await world.refused(
      () =>
        recordAll(org, [
          { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: at(1), facilityId, quantity: 1000 },
          { batchId: batch.id, bizStep: 'STORING', eventTime: at(2), facilityId },
        ]),
      'BATCH_CLOSED',
      `events[1].batchId: batch ${batch.id} is CONSUMED: nothing more can happen to it`,
    );
    await world.refused(() => recordAll(org, []), 'INVALID_INPUT', 'recordEvents takes 1 to 1000 events, got 0');
  });

  it('an idempotency key returns the entry it made, once per call', async () => {
    const { org, facilityId, batch } = await world.producerWithBatch();
    const sale = { batchId: batch.id, bizStep: 'RETAIL_SELLING' as const, eventTime: at(1), facilityId, quantity: 100, idempotencyKey: 'sale-0001' };
    const [first] = await record(org, sale);
    const size = await world.ledgerSize();
    const [again] = await record(org, sale);
    expect(again).toEqual(first);
    expect(await world.ledgerSize()).toBe(size);
    expect((await world.batchNow(batch.id)).quantity).toBe(900);
    await world.refused(() => recordAll(org, [sale, sale]), 'INVALID_INPUT', 'idempotencyKey "sale-0001" appears more than once in one call');
  });
});
