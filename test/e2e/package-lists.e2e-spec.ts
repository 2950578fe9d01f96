import { describe, expect, it } from '@jest/globals';
import { Database } from '../../src/database/database.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, type Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { CREATE_ORGANIZATION } from '../support/documents.js';
import { gql, gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

const PACKAGE_FIELDS = 'sscc childCount parentSscc status custodian { id } inTransitTo { id } packer { id } entry { seq type }';
const LISTS = `query($first: Int, $after: String, $inboundAfter: String) { viewer {
  packages(first: $first, after: $after) { edges { cursor node { ${PACKAGE_FIELDS} } } pageInfo { hasNextPage endCursor } }
  inboundPackages(first: $first, after: $inboundAfter) { edges { node { ${PACKAGE_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`;
const PACK = `mutation($input: PackUnitsInput!) { packUnits(input: $input) { ${PACKAGE_FIELDS} } }`;
const SHIP = `mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq } }`;
const RECEIVE = `mutation($input: ReceivePackageInput!) { receivePackage(input: $input) { seq } }`;
const COMMISSIONINGS = `query($id: ID!) { batch(id: $id) { lotCode withheldFields commissionings { id batchId count serialsRoot entry { seq type } } } }`;

let gtins = 0;
let names = 0;

/** Viewer.packages, Viewer.inboundPackages and Batch.commissionings: who sees which, and paging, against a real PostgreSQL. */
describe('package lists and a lot’s commissionings', () => {
  const service = useTestApp();
  const sql = <R extends Record<string, unknown>>(text: string, params?: unknown[]) => service.app.get(Database).query<R>(text, params);

  async function org(kind: string, gs1CompanyPrefix?: string): Promise<Org & { facility: string }> {
    const data = await gqlOk(service.app, CREATE_ORGANIZATION, { input: { name: `lists-${kind}-${++names}`, kind, gs1CompanyPrefix } }, TEST_ADMIN_KEY);
    const o = { id: data.createOrganization.organization.id as string, key: data.createOrganization.apiKey as string };
    return { ...o, facility: await registerFacility(service.app, o) };
  }

  async function unitsOf(maker: Org & { facility: string }, count: number) {
    const body = `69200000${String(++gtins).padStart(4, '0')}`;
    const gtin = `0${body}${gtinCheckDigit(body)}`;
    const product = await registerProduct(service.app, maker, { name: '婴幼儿配方奶粉', category: 'DAIRY', gtin });
    const batch = await registerBatch(service.app, maker, product, maker.facility);
    const c = await gqlOk(
      service.app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      { input: { batchId: batch.id, count } },
      maker.key,
    );
    const { rows } = await sql<{ serial: string }>('SELECT serial FROM unit WHERE commissioning_id = $1 ORDER BY position', [c.commissionUnits.id]);
    return { gtin, batch, commissioningId: c.commissionUnits.id as string, serials: rows.map((r) => r.serial) };
  }

  type Listed = { sscc: string; status: string; childCount: number; custodian: { id: string }; inTransitTo: { id: string } | null; packer: { id: string } };
  const lists = async (key: string, vars: Record<string, unknown> = {}) =>
    (await gqlOk(service.app, LISTS, vars, key)).viewer as {
      packages: { edges: { cursor: string; node: Listed }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      inboundPackages: { edges: { node: Listed }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    };
  const ssccs = (edges: { node: Listed }[]) => edges.map((e) => e.node.sscc);

  it('lists the custodian’s packages newest first a page at a time, the receiver’s inbound ones, and nothing of them to anyone else', async () => {
    const farm = await org('PRODUCER', '6902241');
    const shop = await org('RETAILER');
    const stranger = await org('RETAILER');
    const { gtin, serials } = await unitsOf(farm, 6);
    const packed: Listed[] = [];
    for (let i = 0; i < 3; i++)
      packed.push(
        (await gqlOk(service.app, PACK, { input: { facilityId: farm.facility, gtin, unitSerials: serials.slice(2 * i, 2 * i + 2) } }, farm.key)).packUnits,
      );
    // packUnits answers with the package as it stands: packed, at the packer.
    expect(packed[0]).toMatchObject({ childCount: 2, status: 'PACKED', custodian: { id: farm.id }, inTransitTo: null, packer: { id: farm.id } });

    const page1 = await lists(farm.key, { first: 2 });
    expect(ssccs(page1.packages.edges)).toEqual([packed[2].sscc, packed[1].sscc]);
    expect(page1.packages.pageInfo.hasNextPage).toBe(true);
    const page2 = await lists(farm.key, { first: 2, after: page1.packages.pageInfo.endCursor });
    expect(ssccs(page2.packages.edges)).toEqual([packed[0].sscc]);
    expect(page2.packages.pageInfo).toEqual({ hasNextPage: false, endCursor: page2.packages.edges[0].cursor });

    // Shipped: still the farm's (IN_TRANSIT, to the shop) until received; inbound to the shop only.
    await gqlOk(service.app, SHIP, { input: { sscc: packed[1].sscc, facilityId: farm.facility, destinationOrganizationId: shop.id } }, farm.key);
    const shipped = (await lists(farm.key)).packages.edges.find((e) => e.node.sscc === packed[1].sscc)!.node;
    expect(shipped).toMatchObject({ status: 'IN_TRANSIT', custodian: { id: farm.id }, inTransitTo: { id: shop.id } });
    expect(ssccs((await lists(shop.key)).inboundPackages.edges)).toEqual([packed[1].sscc]);
    expect(ssccs((await lists(shop.key)).packages.edges)).toEqual([]);
    expect(await lists(stranger.key)).toMatchObject({ packages: { edges: [] }, inboundPackages: { edges: [] } });
    expect((await lists(farm.key)).inboundPackages.edges).toEqual([]);

    // Received: the shop's now (PACKED), gone from the farm's list and from the shop's inbound list.
    await gqlOk(service.app, RECEIVE, { input: { sscc: packed[1].sscc, facilityId: shop.facility } }, shop.key);
    const shopLists = await lists(shop.key);
    expect(shopLists.inboundPackages.edges).toEqual([]);
    expect(shopLists.packages.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ sscc: packed[1].sscc, status: 'PACKED', custodian: { id: shop.id }, inTransitTo: null, packer: { id: farm.id } }),
    ]);
    expect(ssccs((await lists(farm.key)).packages.edges)).toEqual([packed[2].sscc, packed[0].sscc]);

    // Unpacked: emptied packages leave the list.
    await gqlOk(service.app, 'mutation($s: String!, $f: ID!) { unpack(sscc: $s, facilityId: $f) { seq } }', { s: packed[2].sscc, f: farm.facility }, farm.key);
    expect(ssccs((await lists(farm.key)).packages.edges)).toEqual([packed[0].sscc]);

    // A cursor is of its organization's list: another organization's list refuses it.
    const refused = await gql(service.app, LISTS, { first: 1, after: page1.packages.pageInfo.endCursor }, shop.key);
    expect(refused.errors?.[0].extensions?.reason).toBe('CURSOR_FILTER_MISMATCH');
    const bad = await gql(service.app, LISTS, { first: 101 }, farm.key);
    expect(bad.errors?.[0].message).toContain('first must be between 1 and 100');

    // The admin key owns no packages; no key, no viewer.
    expect(await lists(TEST_ADMIN_KEY)).toMatchObject({ packages: { edges: [] }, inboundPackages: { edges: [] } });
    expect((await gql(service.app, LISTS, {})).errors?.[0].extensions?.reason).toBe('AUTHENTICATION_REQUIRED');
  });

  it('lists a lot’s commissionings to whoever may read the lot, and withholds them (named in withheldFields) from others', async () => {
    const farm = await org('PRODUCER');
    const { gtin, serials, batch, commissioningId } = await unitsOf(farm, 3);
    const second = await gqlOk(
      service.app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id serialsRoot entry { seq } } }',
      { input: { batchId: batch.id, count: 2, serials: ['A-1', 'A-2'] } },
      farm.key,
    );
    const read = async (key?: string) => (await gqlOk(service.app, COMMISSIONINGS, { id: batch.id }, key)).batch;
    const producer = await read(farm.key);
    expect(producer.withheldFields).toEqual([]);
    expect(producer.commissionings).toEqual([
      {
        id: commissioningId,
        batchId: batch.id,
        count: 3,
        serialsRoot: expect.stringMatching(/^[0-9a-f]{64}$/),
        entry: { seq: expect.any(Number), type: 'UNITS_COMMISSIONED' },
      },
      {
        id: second.commissionUnits.id,
        batchId: batch.id,
        count: 2,
        serialsRoot: second.commissionUnits.serialsRoot,
        entry: { seq: second.commissionUnits.entry.seq, type: 'UNITS_COMMISSIONED' },
      },
    ]);
    const regulator = await createOrg(service.app, 'REGULATOR');
    expect((await read(regulator.key)).commissionings).toHaveLength(2);
    // batch(id) refuses another organization; through a unit's public view of its lot, they are withheld from it and from anyone.
    const viaUnit = async (key?: string) =>
      (
        await gqlOk(
          service.app,
          'query($g: String!, $s: String!) { unit(gtin: $g, serial: $s) { batch { withheldFields commissionings { id } } } }',
          { g: gtin, s: serials[0] },
          key,
        )
      ).unit.batch;
    expect((await viaUnit(farm.key)).commissionings).toHaveLength(2);
    const stranger = await viaUnit((await createOrg(service.app, 'PRODUCER')).key);
    const anyone = await viaUnit();
    for (const other of [stranger, anyone]) {
      expect(other.commissionings).toEqual([]);
      expect(other.withheldFields).toContain('commissionings');
    }
  });
});
