import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { withAdminClient } from '../../src/database/postgres-server.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { ENTRY_TYPES } from '../../src/ledger/entry-types.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

const TRANSFORM = 'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id } } }';
const INSPECT = 'mutation($input: RecordInspectionInput!) { recordInspection(input: $input) { seq } }';
const RELEASE = 'mutation($input: ReleaseBatchInput!) { releaseBatch(input: $input) { status } }';
const RECALL = 'mutation($input: InitiateRecallInput!) { initiateRecall(input: $input) { id } }';
const RECOVERY = 'mutation($input: ReportRecallRecoveryInput!) { reportRecallRecovery(input: $input) { effectiveness { recovered } } }';
const CLOSE = 'mutation($input: CloseRecallInput!) { closeRecall(input: $input) { status } }';

/**
 * The vocabulary (src/ledger/entry-types.ts) is what the service writes: every command that appends,
 * run once, leaves exactly the vocabulary's entry types in the ledger: none it does not name (a draft
 * that went around newEntry), none it names that nothing writes.
 */
describe('the ledger vocabulary', () => {
  const service = useTestApp();

  it('names every entry type the service writes, and only those', async () => {
    const { app, db } = service;
    // Organizations, facilities, products, batches, events, cold chain, a certificate and a recall.
    await seedDemo(app);
    // What the demo does not do: a transformation, a failed inspection that holds its output, a release, a recovery, a closed recall.
    const mill = await createOrg(app, 'PROCESSOR');
    const floor = await registerFacility(app, mill);
    const paddy = await registerBatch(app, mill, await registerProduct(app, mill, { name: '稻谷' }), floor, { quantity: 1000 });
    const input = {
      facilityId: floor,
      eventTime: '2026-10-12T02:00:00.000Z',
      inputs: [{ batchId: paddy.id, quantity: 600 }],
      outputs: [{ productId: await registerProduct(app, mill, { name: '大米' }), lotCode: 'M-1', quantity: 420, unit: 'kg' }],
    };
    const milled = (await gqlOk(app, TRANSFORM, { input }, mill.key)).transformBatches.outputs[0].id;
    const lab = await createOrg(app, 'LAB');
    const regulator = await createOrg(app, 'REGULATOR');
    const items = [{ name: '镉 (Cd)', value: 0.35, limit: 0.2, unit: 'mg/kg', passed: false }];
    await gqlOk(app, INSPECT, { input: { batchId: paddy.id, verdict: 'FAIL', items } }, lab.key);
    await gqlOk(app, RELEASE, { input: { batchId: milled, reason: '复检合格' } }, regulator.key);
    const recall = (await gqlOk(app, RECALL, { input: { batchIds: [paddy.id], level: 'LEVEL_2', reason: '镉含量超标' } }, mill.key)).initiateRecall;
    await gqlOk(app, RECOVERY, { input: { recallId: recall.id, batchId: milled, quantity: 100, disposition: 'RETURNED' } }, mill.key);
    await gqlOk(app, CLOSE, { input: { recallId: recall.id, note: '召回完成' } }, regulator.key);
    // Through EPCIS capture: a lot linked to a purchase order (TransactionEvent), and a storing event declared erroneous.
    const sack = await registerBatch(app, mill, await registerProduct(app, mill, { name: '米糠' }), floor, { quantity: 10 });
    const storing = {
      type: 'ObjectEvent',
      eventID: 'urn:uuid:0b7c6d5e-4f3a-4b2c-9d1e-0f1a2b3c4d5e',
      eventTime: '2026-10-13T02:00:00.000Z',
      action: 'OBSERVE',
      bizStep: 'storing',
      bizLocation: { id: `urn:uuid:${floor}` },
      quantityList: [{ epcClass: `http://localhost:3000/q/${sack.traceCode}`, quantity: 10 }],
    };
    const linking = {
      ...storing,
      type: 'TransactionEvent',
      eventID: undefined,
      action: 'ADD',
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:x:po:1' }],
    };
    const declared = { ...storing, errorDeclaration: { declarationTime: '2026-10-13T03:00:00.000Z', reason: 'incorrect_data' } };
    const captured = await request(app.getHttpServer())
      .post('/epcis/capture')
      .set('content-type', 'application/ld+json')
      .set('authorization', `Bearer ${mill.key}`)
      .send(JSON.stringify({ type: 'EPCISDocument', epcisBody: { eventList: [storing, linking, declared] } }));
    expect(captured.status).toBe(202);
    // Serialized units of a GTIN lot: one UNITS_COMMISSIONED entry.
    const formula = await registerProduct(app, mill, { name: '配方奶粉', gtin: '06930000000028' });
    const cans = await registerBatch(app, mill, formula, floor, { quantity: 10 });
    const commissioning = await gqlOk(
      app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      { input: { batchId: cans.id, count: 3 } },
      mill.key,
    );
    // Packing them under the mill's GS1 company prefix, shipping the case to a shop, which receives and unpacks it.
    await gqlOk(app, 'mutation($id: ID!) { setGs1CompanyPrefix(organizationId: $id, gs1CompanyPrefix: "6930000") { seq } }', { id: mill.id }, TEST_ADMIN_KEY);
    const serials = await withAdminClient(db.url, (c) =>
      c.query<{ serial: string }>('SELECT serial FROM unit WHERE commissioning_id = $1', [commissioning.commissionUnits.id]),
    );
    const packed = await gqlOk(
      app,
      'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc } }',
      { input: { facilityId: floor, gtin: '06930000000028', unitSerials: serials.rows.map((r) => r.serial) } },
      mill.key,
    );
    const sscc = packed.packUnits.sscc as string;
    const shop = await createOrg(app, 'RETAILER');
    const shelf = await registerFacility(app, shop);
    await gqlOk(
      app,
      'mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq } }',
      { input: { sscc, facilityId: floor, destinationOrganizationId: shop.id } },
      mill.key,
    );
    await gqlOk(app, 'mutation($input: ReceivePackageInput!) { receivePackage(input: $input) { seq } }', { input: { sscc, facilityId: shelf } }, shop.key);
    await gqlOk(app, 'mutation($s: String!, $f: ID!) { unpack(sscc: $s, facilityId: $f) { seq } }', { s: sscc, f: shelf }, shop.key);

    const { rows } = await withAdminClient(db.url, (c) => c.query<{ type: string }>('SELECT DISTINCT type FROM ledger_entry ORDER BY type'));
    expect(rows.map((r) => r.type)).toEqual([...ENTRY_TYPES].sort());
  });
});
