import { describe, expect, it } from '@jest/globals';
import { type Client, createClient } from 'graphql-ws';
import request from 'supertest';
import WebSocket from 'ws';
import { Database } from '../../src/database/database.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, type Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { CLOSE_RECALL, CREATE_ORGANIZATION, INITIATE_RECALL, RECORD_EVENT } from '../support/documents.js';
import { gql, gqlOk, listenOnLoopback, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

const BATCH = `query($id: ID!) {
  batch(id: $id) { id status withheldFields events { payload }
                   shipment { shippedBy { id name } destination { id } quantity unit shippedAt shippingSeq } } }`;
const INBOUND = `query($first: Int, $after: String) {
  viewer { inboundBatches(first: $first, after: $after) {
    edges { cursor node { id lotCode quantity unit withheldFields shipment { shippedBy { id name } quantity shippedAt } } }
    pageInfo { hasNextPage endCursor } } } }`;
const VIEWER_RECALLS = `query($status: RecallStatus, $first: Int, $after: String) {
  viewer { recalls(status: $status, first: $first, after: $after) {
    edges { node { id status affectedBatches { id withheldFields } } } pageInfo { hasNextPage endCursor } } } }`;

let serial = 0;
const at = (day: number) => `2026-11-${String(day).padStart(2, '0')}T08:00:00.000Z`;

/** A receiving desk's view of shipments addressed to it, and holders' view of the recalls that reach them (issue 19). */
describe('inbound shipments and holders’ recalls', () => {
  const service = useTestApp();

  /** A farm with a facility and a product, and what it takes to ship its lots. */
  async function farmWithProduct(product: Record<string, unknown> = {}) {
    const farm = await createOrg(service.app, 'PRODUCER', `宁河农场 ${++serial}`);
    const field = await registerFacility(service.app, farm);
    const productId = await registerProduct(service.app, farm, product);
    const lot = (quantity = 1000) => registerBatch(service.app, farm, productId, field, { quantity });
    const ship = (batchId: string, to: Org, quantity: number, day = 2, document = 'BOL-1') =>
      gqlOk(
        service.app,
        RECORD_EVENT,
        {
          input: {
            batchId,
            bizStep: 'SHIPPING',
            eventTime: at(day),
            facilityId: field,
            quantity,
            destinationOrganizationId: to.id,
            details: { shipToLocation: '收货台', referenceDocumentType: 'BOL', referenceDocumentNumber: document },
          },
        },
        farm.key,
      );
    return { farm, field, productId, lot, ship };
  }

  const receive = async (shop: Org, batchId: string, quantity: number) =>
    gqlOk(
      service.app,
      RECORD_EVENT,
      { input: { batchId, bizStep: 'RECEIVING', eventTime: at(5), facilityId: await registerFacility(service.app, shop), quantity } },
      shop.key,
    );
  const refusal = (res: { errors?: { extensions?: Record<string, unknown> }[] }) => [res.errors?.[0]?.extensions?.code, res.errors?.[0]?.extensions?.reason];
  const inbound = async (key: string, first?: number, after?: string) => (await gqlOk(service.app, INBOUND, { first, after }, key)).viewer.inboundBatches;

  it('the organization a batch is shipped to reads it while in transit, as its custodian does; nobody else it was not shipped to', async () => {
    const { farm, lot, ship } = await farmWithProduct();
    const shop = await createOrg(service.app, 'RETAILER', `家乐超市 ${++serial}`);
    const otherShop = await createOrg(service.app, 'RETAILER');
    const stranger = await createOrg(service.app, 'LOGISTICS');
    const rice = await lot();
    const elsewhere = await lot();
    const shipped = await ship(rice.id, shop, 400, 2, `BOL-SECRET-${serial}`);
    await ship(elsewhere.id, otherShop, 10);

    // The shop reads the batch whole: its events (the bill of lading among them) and the shipment it is on.
    const seen = (await gqlOk(service.app, BATCH, { id: rice.id }, shop.key)).batch;
    expect(seen).toMatchObject({
      status: 'IN_TRANSIT',
      withheldFields: [],
      shipment: { shippedBy: { id: farm.id }, destination: { id: shop.id }, quantity: 400, unit: 'kg', shippedAt: at(2), shippingSeq: shipped.recordEvent.seq },
    });
    expect(JSON.stringify(seen.events)).toContain(`BOL-SECRET-${serial}`);
    // The producer sees the same shipment.
    expect((await gqlOk(service.app, BATCH, { id: rice.id }, farm.key)).batch.shipment).toEqual(seen.shipment);

    // A third organization, and a shop it was not shipped to, read nothing of it.
    for (const key of [stranger.key, otherShop.key]) expect(refusal(await gql(service.app, BATCH, { id: rice.id }, key))).toEqual(['FORBIDDEN', 'NOT_OWNER']);
    // Nor does the shop read the lot shipped to another shop.
    expect(refusal(await gql(service.app, BATCH, { id: elsewhere.id }, shop.key))).toEqual(['FORBIDDEN', 'NOT_OWNER']);

    // Every other path to the batch answers the shop as batch(id) does: the trace, and the mock recall report.
    const trace = `query($id: ID!) { trace(batchId: $id, direction: UPSTREAM) { root { id withheldFields } nodes { batch { id withheldFields } } } }`;
    expect((await gqlOk(service.app, trace, { id: rice.id }, shop.key)).trace.root).toEqual({ id: rice.id, withheldFields: [] });
    expect(refusal(await gql(service.app, trace, { id: rice.id }, stranger.key))).toEqual(['FORBIDDEN', 'NOT_OWNER']);
    const report = (key: string) => request(service.app.getHttpServer()).get(`/reports/mock-recall/${rice.id}.html`).set('authorization', `Bearer ${key}`);
    const shopsReport = await report(shop.key);
    expect(shopsReport.status).toBe(200);
    expect(shopsReport.text).toContain(rice.lotCode);
    expect((await report(stranger.key)).status).toBe(403);
    expect((await report(otherShop.key)).status).toBe(403);

    // Received: the shop holds it (custodian) and it is on no shipment; the producer still reads it, the stranger still not.
    await receive(shop, rice.id, 400);
    const held = (await gqlOk(service.app, BATCH, { id: rice.id }, shop.key)).batch;
    expect(held).toMatchObject({ status: 'ACTIVE', withheldFields: [], shipment: null });
    expect((await gqlOk(service.app, BATCH, { id: rice.id }, farm.key)).batch.withheldFields).toEqual([]);
    expect(refusal(await gql(service.app, BATCH, { id: rice.id }, stranger.key))).toEqual(['FORBIDDEN', 'NOT_OWNER']);
    // And when the shop ships it on, the next destination reads it, the shop (still its custodian until then) too.
    const shopFloor = await registerFacility(service.app, shop);
    await gqlOk(
      service.app,
      RECORD_EVENT,
      {
        input: {
          batchId: rice.id,
          bizStep: 'SHIPPING',
          eventTime: at(6),
          facilityId: shopFloor,
          quantity: 100,
          destinationOrganizationId: stranger.id,
          details: { shipToLocation: '冷库', referenceDocumentType: 'BOL', referenceDocumentNumber: 'BOL-2' },
        },
      },
      shop.key,
    );
    expect((await gqlOk(service.app, BATCH, { id: rice.id }, stranger.key)).batch.shipment).toMatchObject({ shippedBy: { id: shop.id }, quantity: 100 });
    expect(refusal(await gql(service.app, BATCH, { id: rice.id }, otherShop.key))).toEqual(['FORBIDDEN', 'NOT_OWNER']);
  });

  it('viewer.inboundBatches lists what is in transit to the caller, newest shipment first, a page at a time', async () => {
    const { farm, lot, ship } = await farmWithProduct();
    const shop = await createOrg(service.app, 'RETAILER', `家乐超市 ${++serial}`);
    const otherShop = await createOrg(service.app, 'RETAILER');
    const [first, second, third, other] = [await lot(), await lot(), await lot(), await lot()];
    // Shipped in this order (whatever the lots' registration order): second, first, third; `other` to another shop.
    await ship(second.id, shop, 200, 2);
    await ship(first.id, shop, 100, 3);
    await ship(other.id, otherShop, 50, 3);
    await ship(third.id, shop, 300, 4);

    expect(await inbound(otherShop.key)).toMatchObject({ edges: [{ node: { id: other.id } }], pageInfo: { hasNextPage: false } });
    const page1 = await inbound(shop.key, 2);
    expect(page1.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([third.id, first.id]);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    // What the receiving desk needs, read whole.
    expect(page1.edges[0].node).toMatchObject({
      lotCode: third.lotCode,
      withheldFields: [],
      shipment: { shippedBy: { id: farm.id, name: expect.stringContaining('宁河农场') }, quantity: 300, shippedAt: at(4) },
    });
    const page2 = await inbound(shop.key, 2, page1.pageInfo.endCursor);
    expect(page2.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([second.id]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    // The default page holds them all; a stranger and the admin have nothing coming.
    expect((await inbound(shop.key)).edges).toHaveLength(3);
    expect((await inbound((await createOrg(service.app, 'RETAILER')).key)).edges).toEqual([]);
    expect((await inbound(TEST_ADMIN_KEY)).edges).toEqual([]);

    // Pages are 1–100; a cursor of another list, or another viewer's, is refused by name.
    expect(refusal(await gql(service.app, INBOUND, { first: 0 }, shop.key))[0]).toBe('BAD_USER_INPUT');
    expect(refusal(await gql(service.app, INBOUND, { first: 101 }, shop.key))[0]).toBe('BAD_USER_INPUT');
    expect(refusal(await gql(service.app, INBOUND, { after: 'not-a-cursor' }, shop.key))).toEqual(['BAD_USER_INPUT', 'INVALID_CURSOR']);
    const batchesCursor = (await gqlOk(service.app, '{ viewer { batches(first: 1) { pageInfo { endCursor } } } }', undefined, farm.key)).viewer.batches.pageInfo
      .endCursor;
    expect(refusal(await gql(service.app, INBOUND, { after: batchesCursor }, shop.key))).toEqual(['BAD_USER_INPUT', 'INVALID_CURSOR']);
    expect(refusal(await gql(service.app, INBOUND, { after: page1.pageInfo.endCursor }, otherShop.key))[1]).toBe('CURSOR_FILTER_MISMATCH');
    // Received lots leave the list.
    await receive(shop, first.id, 100);
    expect((await inbound(shop.key)).edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([third.id, second.id]);
  });

  it('viewer.recalls lists the recalls recall(id) lets the caller read: its maker, holder, receiver and unit holder; not a stranger', async () => {
    const { farm, lot, ship } = await farmWithProduct();
    const shop = await createOrg(service.app, 'RETAILER');
    const receiver = await createOrg(service.app, 'RETAILER');
    const stranger = await createOrg(service.app, 'RETAILER');
    const regulator = await createOrg(service.app, 'REGULATOR');
    const held = await lot();
    await ship(held.id, shop, 600);
    await receive(shop, held.id, 600);
    const onTheRoad = await lot();
    await ship(onTheRoad.id, receiver, 300);
    const recallOf = async (batchId: string) =>
      (await gqlOk(service.app, INITIATE_RECALL, { input: { batchIds: [batchId], level: 'LEVEL_2', reason: '镉超标' } }, regulator.key)).initiateRecall
        .id as string;
    const heldRecall = await recallOf(held.id);
    const roadRecall = await recallOf(onTheRoad.id);
    const ids = async (key: string, status?: string) =>
      (await gqlOk(service.app, VIEWER_RECALLS, { status }, key)).viewer.recalls.edges.map((e: { node: { id: string } }) => e.node.id);

    expect(await ids(farm.key)).toEqual([roadRecall, heldRecall]);
    expect(await ids(shop.key)).toEqual([heldRecall]);
    expect(await ids(receiver.key)).toEqual([roadRecall]);
    expect(await ids(stranger.key)).toEqual([]);
    expect(await ids(regulator.key)).toEqual([roadRecall, heldRecall]); // those it started
    expect(await ids(TEST_ADMIN_KEY)).toEqual([]);
    // The same rule as recall(id): each reads the ones listed, the stranger neither.
    const readRecall = (id: string, key: string) => gql(service.app, 'query($id: ID!) { recall(id: $id) { id } }', { id }, key);
    expect((await readRecall(roadRecall, receiver.key)).errors).toBeUndefined();
    expect((await readRecall(heldRecall, shop.key)).errors).toBeUndefined();
    expect(refusal(await readRecall(heldRecall, receiver.key))).toEqual(['FORBIDDEN', 'NOT_OWNER']);
    expect(refusal(await readRecall(heldRecall, stranger.key))).toEqual(['FORBIDDEN', 'NOT_OWNER']);
    // The holder reads its recalled lot whole in the recall.
    const shops = (await gqlOk(service.app, VIEWER_RECALLS, {}, shop.key)).viewer.recalls.edges[0].node;
    expect(shops.affectedBatches).toEqual([{ id: held.id, withheldFields: [] }]);

    // Paged, and by status.
    const page = (await gqlOk(service.app, VIEWER_RECALLS, { first: 1 }, farm.key)).viewer.recalls;
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = (await gqlOk(service.app, VIEWER_RECALLS, { first: 1, after: page.pageInfo.endCursor }, farm.key)).viewer.recalls;
    expect(rest.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([heldRecall]);
    await gqlOk(service.app, CLOSE_RECALL, { input: { recallId: heldRecall, note: '已完成' } }, regulator.key);
    expect(await ids(shop.key, 'OPEN')).toEqual([]);
    expect(await ids(shop.key, 'CLOSED')).toEqual([heldRecall]);
    expect(refusal(await gql(service.app, VIEWER_RECALLS, { first: 101 }, shop.key))[0]).toBe('BAD_USER_INPUT');
  });

  it('the organization a lot is on its way to hears of its recall as its custodian does (recallIssued, webhook); a stranger not', async () => {
    const { farm, lot, ship } = await farmWithProduct();
    const receiver = await createOrg(service.app, 'RETAILER');
    const stranger = await createOrg(service.app, 'RETAILER');
    const regulator = await createOrg(service.app, 'REGULATOR');
    const onTheRoad = await lot();
    await ship(onTheRoad.id, receiver, 300);
    for (const o of [farm, receiver, stranger])
      await gqlOk(service.app, 'mutation { registerWebhook(url: "https://example.org/hooks/recalls") { secret } }', undefined, o.key);
    const url = (await listenOnLoopback(service.app)).replace('http', 'ws') + '/graphql';
    const clients: Client[] = [];
    const listen = (key: string) => {
      const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, lazy: false, retryAttempts: 0 });
      clients.push(client);
      const heard: string[] = [];
      const ready = new Promise<void>((resolve) => client.on('connected', () => setTimeout(resolve, 200)));
      client.subscribe<{ recallIssued: { id: string; affectedBatches: { id: string; withheldFields: string[] }[] } }>(
        { query: 'subscription { recallIssued { id affectedBatches { id withheldFields } } }' },
        {
          next: (m) => m.data && heard.push(`${m.data.recallIssued.id} ${JSON.stringify(m.data.recallIssued.affectedBatches)}`),
          error: () => undefined,
          complete: () => undefined,
        },
      );
      return { heard, ready };
    };
    const receiving = listen(receiver.key);
    const outsider = listen(stranger.key);
    await Promise.all([receiving.ready, outsider.ready]);
    const recall = (await gqlOk(service.app, INITIATE_RECALL, { input: { batchIds: [onTheRoad.id], level: 'LEVEL_1', reason: '致病菌' } }, regulator.key))
      .initiateRecall.id as string;
    for (const deadline = Date.now() + 5000; receiving.heard.length === 0 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    // The receiver reads the lot in the recall whole, as batch(id) answers it.
    expect(receiving.heard).toEqual([`${recall} ${JSON.stringify([{ id: onTheRoad.id, withheldFields: [] }])}`]);
    expect(outsider.heard).toEqual([]);
    const told = async (o: Org) =>
      (await service.app.get(Database).query<{ body: string }>('SELECT body FROM webhook_delivery WHERE organization_id = $1', [o.id])).rows.map(
        (r) => JSON.parse(r.body).batchIds as string[],
      );
    expect(await told(receiver)).toEqual([[onTheRoad.id]]);
    expect(await told(farm)).toEqual([[onTheRoad.id]]);
    expect(await told(stranger)).toEqual([]);
  });

  it('an organization holding units of a recalled lot (a case of them received) lists and reads the recall, as the webhook told it', async () => {
    const prefix = '6901277';
    const made = await gqlOk(
      service.app,
      CREATE_ORGANIZATION,
      { input: { name: `奶粉厂 ${++serial}`, kind: 'PRODUCER', gs1CompanyPrefix: prefix } },
      TEST_ADMIN_KEY,
    );
    const maker: Org = { id: made.createOrganization.organization.id, key: made.createOrganization.apiKey };
    const plant = await registerFacility(service.app, maker);
    const body = '691000009901';
    const gtin = `0${body}${gtinCheckDigit(body)}`;
    const product = await registerProduct(service.app, maker, { name: '婴幼儿配方奶粉', category: 'DAIRY', gtin });
    const lotOfUnits = await registerBatch(service.app, maker, product, plant);
    const c = await gqlOk(
      service.app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      { input: { batchId: lotOfUnits.id, count: 2 } },
      maker.key,
    );
    const { rows } = await service.app
      .get(Database)
      .query<{ serial: string }>('SELECT serial FROM unit WHERE commissioning_id = $1 ORDER BY position', [c.commissionUnits.id]);
    const box = (
      await gqlOk(
        service.app,
        'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc } }',
        { input: { facilityId: plant, gtin, unitSerials: rows.map((r) => r.serial) } },
        maker.key,
      )
    ).packUnits;
    const shop = await createOrg(service.app, 'RETAILER');
    const stranger = await createOrg(service.app, 'RETAILER');
    await gqlOk(
      service.app,
      'mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq } }',
      { input: { sscc: box.sscc, facilityId: plant, destinationOrganizationId: shop.id } },
      maker.key,
    );
    await gqlOk(
      service.app,
      'mutation($input: ReceivePackageInput!) { receivePackage(input: $input) { seq } }',
      { input: { sscc: box.sscc, facilityId: await registerFacility(service.app, shop) } },
      shop.key,
    );
    const recall = (await gqlOk(service.app, INITIATE_RECALL, { input: { batchIds: [lotOfUnits.id], level: 'LEVEL_1', reason: '三聚氰胺' } }, maker.key))
      .initiateRecall.id;
    const listed = async (key: string) =>
      (await gqlOk(service.app, VIEWER_RECALLS, {}, key)).viewer.recalls.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(await listed(shop.key)).toEqual([recall]);
    expect(await listed(stranger.key)).toEqual([]);
    expect((await gql(service.app, 'query($id: ID!) { recall(id: $id) { id } }', { id: recall }, shop.key)).errors).toBeUndefined();
    // The lot itself stays its custodian's to read: holding units of it is not holding it.
    const inRecall = (await gqlOk(service.app, VIEWER_RECALLS, {}, shop.key)).viewer.recalls.edges[0].node;
    expect(inRecall.affectedBatches).toEqual([{ id: lotOfUnits.id, withheldFields: ['commissionings', 'events', 'inspections', 'shipment'] }]);
  });
});
