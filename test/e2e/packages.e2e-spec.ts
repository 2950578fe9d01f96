import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { Database } from '../../src/database/database.js';
import { withAdminClient } from '../../src/database/postgres-server.js';
import { nthSscc, ssccProblem } from '../../src/packages/sscc.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { type Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { CREATE_ORGANIZATION, INITIATE_RECALL } from '../support/documents.js';
import { gql, gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { rowCounts } from '../support/row-counts.js';

const PACK = `mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc childCount parentSscc entry { seq type batchId actor payload } } }`;
const UNPACK = `mutation($sscc: String!, $facilityId: ID!) { unpack(sscc: $sscc, facilityId: $facilityId) { seq type payload } }`;
const SHIP = `mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq type payload } }`;
const RECEIVE = `mutation($input: ReceivePackageInput!) { receivePackage(input: $input) { seq type actor payload } }`;
const UNIT = `query($gtin: String!, $serial: String!) { unit(gtin: $gtin, serial: $serial) { packagePath holder { id } } }`;
const SET_PREFIX = `mutation($id: ID!, $prefix: String!) { setGs1CompanyPrefix(organizationId: $id, gs1CompanyPrefix: $prefix) { type actor payload } }`;
/** The tables packing writes, and the ledger: a refusal must leave every one as it was. */
const TABLES = ['ledger_entry', 'package', 'package_unit', 'package_child', 'package_event', 'unit_holder', 'sscc_counter'];

let gtins = 0;
let prefixes = 0;

/** Packing serialized units into cases and pallets, shipping and receiving them, over GraphQL against a real PostgreSQL. */
describe('packages (SSCC)', () => {
  const service = useTestApp();
  const sql = <R extends Record<string, unknown>>(text: string, params?: unknown[]) => service.app.get(Database).query<R>(text, params);
  const snapshot = () => rowCounts(service.app, TABLES);

  /** An organization, registered by the admin with a GS1 company prefix when given, and a facility of it. */
  async function org(kind: string, gs1CompanyPrefix?: string): Promise<Org & { facility: string }> {
    const data = await gqlOk(service.app, CREATE_ORGANIZATION, { input: { name: `${kind}-${++prefixes}`, kind, gs1CompanyPrefix } }, TEST_ADMIN_KEY);
    const o = { id: data.createOrganization.organization.id as string, key: data.createOrganization.apiKey as string };
    return { ...o, facility: await registerFacility(service.app, o) };
  }

  /** A lot of a GTIN product of `maker`, with `count` units commissioned: their serials in minted order. */
  async function unitsOf(maker: Org & { facility: string }, count: number) {
    const body = `69100000${String(++gtins).padStart(4, '0')}`;
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
    return { gtin, batch, serials: rows.map((r) => r.serial) };
  }

  const pack = (key: string, input: Record<string, unknown>) => gql(service.app, PACK, { input }, key);
  const packOk = async (key: string, input: Record<string, unknown>) => (await gqlOk(service.app, PACK, { input }, key)).packUnits;
  const unit = async (gtin: string, serial: string) => (await gqlOk(service.app, UNIT, { gtin, serial })).unit;
  /** The error's category, code and message; and that the answer had no data. */
  const refusal = (res: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] }) => {
    expect(res.data ?? null).toBeNull();
    return [res.errors?.[0].extensions?.code, res.errors?.[0].extensions?.reason, res.errors?.[0].message];
  };

  it('answers a retried packUnits with the package its first call made (minted SSCC and all), and refuses the key for another request', async () => {
    const farm = await org('PRODUCER', '6901242');
    const { gtin, serials } = await unitsOf(farm, 2);
    const input = { facilityId: farm.facility, gtin, unitSerials: [serials[0]], idempotencyKey: 'case-0001' };
    const first = await packOk(farm.key, input);
    const before = await snapshot();
    const again = await packOk(farm.key, input);
    expect(again).toEqual(first);
    expect(await snapshot()).toEqual(before);
    const other = await pack(farm.key, { ...input, unitSerials: [serials[1]] });
    expect(refusal(other)).toEqual(['CONFLICT', 'IDEMPOTENCY_KEY_REUSED', expect.stringContaining('case-0001')]);
    expect(await snapshot()).toEqual(before);
  });

  it('the shop sells units it received in a case, leaving the lot as it was; the farm cannot sell them; a sold unit is not packed again', async () => {
    const farm = await org('PRODUCER', '6901241');
    const shop = await org('RETAILER');
    const { gtin, batch, serials } = await unitsOf(farm, 3);
    const lot = async () =>
      (await gqlOk(service.app, `query($id: ID!) { batch(id: $id) { status quantity custodian { id } } }`, { id: batch.id }, farm.key)).batch;
    const lotBefore = await lot();
    const box = await packOk(farm.key, { facilityId: farm.facility, gtin, unitSerials: serials });
    await gqlOk(service.app, SHIP, { input: { sscc: box.sscc, facilityId: farm.facility, destinationOrganizationId: shop.id } }, farm.key);
    await gqlOk(service.app, RECEIVE, { input: { sscc: box.sscc, facilityId: shop.facility } }, shop.key);
    const sell = (key: string, facilityId: string, sold: string[]) =>
      gql(
        service.app,
        'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq type actor payload } }',
        { input: { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: '2026-11-21T10:00:00.000Z', facilityId, serials: sold } },
        key,
      );

    // The lot's custodian (the farm) may not sell what the shop holds; nothing is written.
    const before = await snapshot();
    expect(refusal(await sell(farm.key, farm.facility, [serials[0]]))).toEqual([
      'FORBIDDEN',
      'NOT_IN_CUSTODY',
      expect.stringContaining('held by another organization'),
    ]);
    expect(await snapshot()).toEqual(before);

    // The shop sells one unit at its till: the entry says the holder sold it; the lot's custody, quantity and status are untouched.
    const sale = await sell(shop.key, shop.facility, [serials[0]]);
    expect(sale.errors).toBeUndefined();
    expect(sale.data!.recordEvent).toMatchObject({ type: 'EVENT_RECORDED', actor: shop.id, payload: { bizStep: 'RETAIL_SELLING', byUnitHolder: true } });
    expect(sale.data!.recordEvent.payload).not.toHaveProperty('quantityLeft');
    expect(await lot()).toEqual(lotBefore);
    const sold = (
      await gqlOk(service.app, `query($gtin: String!, $serial: String!) { unit(gtin: $gtin, serial: $serial) { sale { seq } } }`, { gtin, serial: serials[0] })
    ).unit;
    expect(sold.sale).toMatchObject({ seq: sale.data!.recordEvent.seq });

    // Sold once only; a sold unit does not go into a package again, even after its case is opened.
    expect(refusal(await sell(shop.key, shop.facility, [serials[0]]))[1]).toBe('UNIT_ALREADY_SOLD');
    await gqlOk(service.app, UNPACK, { sscc: box.sscc, facilityId: shop.facility }, shop.key);
    const beforeRepack = await snapshot();
    expect(refusal(await pack(shop.key, { facilityId: shop.facility, sscc: '106141411234567897', gtin, unitSerials: serials.slice(0, 2) }))).toEqual([
      'CONFLICT',
      'UNIT_ALREADY_SOLD',
      expect.stringContaining(serials[0]),
    ]);
    expect(await snapshot()).toEqual(beforeRepack);

    // The projection audit replays the holder's sale as changing nothing of the lot.
    const audit = await gqlOk(service.app, '{ verifyLedger { projections { clean disagreements } } }', {}, TEST_ADMIN_KEY);
    expect(audit.verifyLedger.projections).toEqual({ clean: true, disagreements: 0 });
  });

  it('packs units into cases and cases into a pallet, ships it, and the receiver holds every unit inside; unpacking frees them', async () => {
    const farm = await org('PRODUCER', '6901234');
    const shop = await org('RETAILER');
    const { gtin, batch, serials } = await unitsOf(farm, 6);

    // A case with a minted SSCC: extension digit 0, the prefix, the organization's first serial reference, its check digit.
    const case1 = await packOk(farm.key, { facilityId: farm.facility, gtin, unitSerials: serials.slice(0, 3) });
    expect(case1.sscc).toBe(nthSscc('6901234', 0n));
    expect(ssccProblem(case1.sscc)).toBeNull();
    expect(case1).toMatchObject({ childCount: 3, parentSscc: null, entry: { type: 'UNITS_PACKED', batchId: null, actor: farm.id } });
    expect(case1.entry.payload).toEqual({
      sscc: case1.sscc,
      facilityId: farm.facility,
      units: [{ gtin, serials: serials.slice(0, 3) }],
      childSsccs: [],
      lots: [{ batchId: batch.id, units: 3 }],
    });
    // A case with an SSCC given (of the prefix), and a pallet of both cases with the next minted one.
    const given = nthSscc('6901234', 777n)!;
    const case2 = await packOk(farm.key, { facilityId: farm.facility, sscc: given, gtin, unitSerials: serials.slice(3) });
    expect(case2.sscc).toBe(given);
    const pallet = await packOk(farm.key, { facilityId: farm.facility, childSsccs: [case1.sscc, case2.sscc] });
    expect(pallet).toMatchObject({ sscc: nthSscc('6901234', 1n), childCount: 2 });
    expect(pallet.entry.payload).toMatchObject({ units: [], childSsccs: [case1.sscc, case2.sscc], lots: [] });
    expect(await unit(gtin, serials[0])).toEqual({ packagePath: [case1.sscc, pallet.sscc], holder: { id: farm.id } });
    expect(await unit(gtin, serials[5])).toEqual({ packagePath: [case2.sscc, pallet.sscc], holder: { id: farm.id } });

    const shipped = (
      await gqlOk(
        service.app,
        SHIP,
        { input: { sscc: pallet.sscc, facilityId: farm.facility, destinationOrganizationId: shop.id, eventTime: '2026-11-20T08:00:00.000Z' } },
        farm.key,
      )
    ).shipPackage;
    expect(shipped).toMatchObject({ type: 'PACKAGE_SHIPPED' });
    expect(shipped.payload).toEqual({
      sscc: pallet.sscc,
      facilityId: farm.facility,
      destinationOrganizationId: shop.id,
      eventTime: '2026-11-20T08:00:00.000Z',
      lots: [{ batchId: batch.id, units: 6 }],
    });
    // In transit: the shipper cannot unpack it, and nobody but the shop receives it.
    expect(refusal(await gql(service.app, UNPACK, { sscc: pallet.sscc, facilityId: farm.facility }, farm.key))[1]).toBe('PACKAGE_IN_TRANSIT');
    const received = (await gqlOk(service.app, RECEIVE, { input: { sscc: pallet.sscc, facilityId: shop.facility } }, shop.key)).receivePackage;
    expect(received).toMatchObject({
      type: 'PACKAGE_RECEIVED',
      actor: shop.id,
      payload: { immediatePreviousSource: farm.id, lots: [{ batchId: batch.id, units: 6 }] },
    });
    expect(await unit(gtin, serials[0])).toEqual({ packagePath: [case1.sscc, pallet.sscc], holder: { id: shop.id } });

    // The unit's page shows its packages, innermost first, and their entries.
    const page = await request(service.app.getHttpServer()).get(`/u/${gtin}/${serials[0]}?lang=en`);
    expect(page.status).toBe(200);
    const packages = page.text.slice(page.text.indexOf('id="unit-packages"'));
    expect(packages.indexOf(case1.sscc)).toBeLessThan(packages.indexOf(pallet.sscc));
    for (const line of [`packed: ledger entry ${case1.entry.seq}`, `packed: ledger entry ${pallet.entry.seq}`]) expect(packages).toContain(line);
    expect(packages).toContain(`shipped: ledger entry ${shipped.seq}`);
    expect(packages).toContain(`received: ledger entry ${received.seq}`);

    // The shop unpacks the pallet (its cases are free), then a case (its units are free, and the shop's).
    const unpacked = (await gqlOk(service.app, UNPACK, { sscc: pallet.sscc, facilityId: shop.facility }, shop.key)).unpack;
    expect(unpacked).toMatchObject({ type: 'UNPACKED', payload: { sscc: pallet.sscc, units: [], childSsccs: [case1.sscc, case2.sscc] } });
    expect((await unit(gtin, serials[0])).packagePath).toEqual([case1.sscc]);
    await gqlOk(service.app, UNPACK, { sscc: case1.sscc, facilityId: shop.facility }, shop.key);
    expect(await unit(gtin, serials[0])).toEqual({ packagePath: [], holder: { id: shop.id } });
    const page2 = await request(service.app.getHttpServer()).get(`/u/${gtin}/${serials[0]}?lang=en`);
    expect(page2.text).toContain('Packages: Not in a package');

    // The shop, without a prefix, repacks what it holds (another organization's GTIN) under an SSCC it gives; the farm no longer can.
    const repack = { facilityId: shop.facility, sscc: '106141411234567897', gtin, unitSerials: serials.slice(0, 2) };
    const mine = { facilityId: farm.facility, gtin, unitSerials: serials.slice(0, 1) };
    const before = await snapshot();
    expect(refusal(await pack(farm.key, mine))).toEqual(['FORBIDDEN', 'NOT_IN_CUSTODY', expect.stringMatching(/in another organization's custody/)]);
    expect(await snapshot()).toEqual(before);
    expect((await packOk(shop.key, repack)).sscc).toBe('106141411234567897');
  });

  it('refuses every bad packing with its code and writes nothing', async () => {
    const farm = await org('PRODUCER', '6901235');
    const other = await org('PRODUCER', '6901236');
    const shop = await org('RETAILER');
    const { gtin, serials } = await unitsOf(farm, 10);
    const foreign = await unitsOf(other, 2);
    const packed = await packOk(farm.key, { facilityId: farm.facility, gtin, unitSerials: [serials[0]] });
    const pallet = await packOk(farm.key, { facilityId: farm.facility, childSsccs: [packed.sscc] });
    const emptied = await packOk(farm.key, { facilityId: farm.facility, gtin, unitSerials: [serials[9]] });
    await gqlOk(service.app, UNPACK, { sscc: emptied.sscc, facilityId: farm.facility }, farm.key);
    const f = farm.facility;
    // Two packings of the same unit at once: one wins, the other is told where the unit went.
    const race = await Promise.all([0, 1].map(() => pack(farm.key, { facilityId: f, gtin, unitSerials: [serials[8]] })));
    expect(race.filter((r) => r.errors === undefined)).toHaveLength(1);
    expect(race.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.reason)).toEqual(['ALREADY_PACKED']);
    const before = await snapshot();

    const cases: [string, Record<string, unknown>, string, string, RegExp][] = [
      [
        'a GTIN of another organization',
        { facilityId: f, gtin: foreign.gtin, unitSerials: foreign.serials },
        'FORBIDDEN',
        'FOREIGN_GTIN',
        /another organization's/,
      ],
      [
        'a unit packed twice',
        { facilityId: f, gtin, unitSerials: [serials[1], serials[0]] },
        'CONFLICT',
        'ALREADY_PACKED',
        new RegExp(`already in package ${packed.sscc}`),
      ],
      ['a case packed twice', { facilityId: f, childSsccs: [packed.sscc] }, 'CONFLICT', 'ALREADY_PACKED', new RegExp(`already in package ${pallet.sscc}`)],
      ['an emptied package', { facilityId: f, childSsccs: [emptied.sscc] }, 'CONFLICT', 'NOT_PACKED', /not used again/],
      ['an unknown serial', { facilityId: f, gtin, unitSerials: ['ZZZZZZZZZZZZZZZZ'] }, 'NOT_FOUND', 'UNIT_NOT_FOUND', /ZZZZZZZZZZZZZZZZ/],
      ['an unknown package', { facilityId: f, childSsccs: [nthSscc('6901235', 999n)] }, 'NOT_FOUND', 'PACKAGE_NOT_FOUND', /no package has SSCC/],
      [
        'a wrong check digit',
        { facilityId: f, sscc: '106141411234567890', gtin, unitSerials: [serials[1]] },
        'BAD_USER_INPUT',
        'INVALID_SSCC',
        /should be 7, not 0/,
      ],
      [
        'an SSCC of another prefix',
        { facilityId: f, sscc: '106141411234567897', gtin, unitSerials: [serials[1]] },
        'BAD_USER_INPUT',
        'INVALID_SSCC',
        /not of your GS1 company prefix 6901235/,
      ],
      ['an SSCC already used', { facilityId: f, sscc: packed.sscc, gtin, unitSerials: [serials[1]] }, 'CONFLICT', 'SSCC_TAKEN', /not reused/],
      ['nothing to pack', { facilityId: f }, 'BAD_USER_INPUT', 'INVALID_INPUT', /nothing to pack/],
      ['serials without a GTIN', { facilityId: f, unitSerials: [serials[1]] }, 'BAD_USER_INPUT', 'INVALID_INPUT', /give gtin/],
      ['an empty list', { facilityId: f, gtin, unitSerials: [serials[1]], childSsccs: [] }, 'BAD_USER_INPUT', 'INVALID_INPUT', /childSsccs is an empty list/],
      ['a serial twice', { facilityId: f, gtin, unitSerials: [serials[1], serials[1]] }, 'BAD_USER_INPUT', 'INVALID_INPUT', /more than once/],
      ['a bad GTIN', { facilityId: f, gtin: '123', unitSerials: [serials[1]] }, 'BAD_USER_INPUT', 'INVALID_GTIN', /not a valid GTIN/],
      [
        '10,001 children',
        { facilityId: f, gtin, unitSerials: Array.from({ length: 10_001 }, (_, i) => `S${i}`) },
        'BAD_USER_INPUT',
        'INVALID_INPUT',
        /at most 10,000 children/,
      ],
      [
        'a facility of another organization',
        { facilityId: other.facility, gtin, unitSerials: [serials[1]] },
        'FORBIDDEN',
        'NOT_OWNER',
        /not one of your facilities/,
      ],
    ];
    for (const [what, input, category, code, message] of cases) {
      expect([what, ...refusal(await pack(farm.key, input))]).toEqual([what, category, code, expect.stringMatching(message)]);
    }
    // The shop holds none of the farm's units: another organization's GTIN.
    expect(refusal(await pack(shop.key, { facilityId: shop.facility, gtin, unitSerials: [serials[1]] }))[1]).toBe('FOREIGN_GTIN');
    expect(await snapshot()).toEqual(before);
    // Without a prefix, an SSCC must be given.
    const noPrefix = await org('RETAILER');
    const own = await unitsOf(noPrefix, 1);
    expect(refusal(await pack(noPrefix.key, { facilityId: noPrefix.facility, gtin: own.gtin, unitSerials: own.serials }))).toEqual([
      'BAD_USER_INPUT',
      'NO_GS1_COMPANY_PREFIX',
      expect.stringMatching(/give an sscc/),
    ]);
    const afterSetup = await snapshot();

    // Unpacking what is not packed, or what is inside another package.
    const unpack = (key: string, sscc: string, facilityId = f) => gql(service.app, UNPACK, { sscc, facilityId }, key);
    expect(refusal(await unpack(farm.key, emptied.sscc))[1]).toBe('NOT_PACKED');
    expect(refusal(await unpack(farm.key, nthSscc('6901235', 999n)!))[1]).toBe('PACKAGE_NOT_FOUND');
    expect(refusal(await unpack(farm.key, '12345'))[1]).toBe('INVALID_SSCC');
    expect(refusal(await unpack(farm.key, packed.sscc))).toEqual(['CONFLICT', 'PACKAGE_NESTED', expect.stringMatching(`inside package ${pallet.sscc}`)]);
    // Another organization can neither unpack, ship, nor receive the farm's packages.
    expect(refusal(await unpack(other.key, pallet.sscc, other.facility))[1]).toBe('NOT_IN_CUSTODY');
    const ship = (key: string, sscc: string, facilityId: string, to: string) =>
      gql(service.app, SHIP, { input: { sscc, facilityId, destinationOrganizationId: to } }, key);
    expect(refusal(await ship(other.key, pallet.sscc, other.facility, shop.id))[1]).toBe('NOT_IN_CUSTODY');
    expect(refusal(await ship(farm.key, packed.sscc, f, shop.id))[1]).toBe('PACKAGE_NESTED');
    expect(refusal(await ship(farm.key, pallet.sscc, f, farm.id))[1]).toBe('INVALID_INPUT');
    expect(refusal(await ship(farm.key, pallet.sscc, f, '00000000-0000-4000-8000-000000000000'))[1]).toBe('ORGANIZATION_NOT_FOUND');
    const receive = (key: string, sscc: string, facilityId: string) => gql(service.app, RECEIVE, { input: { sscc, facilityId } }, key);
    expect(refusal(await receive(shop.key, pallet.sscc, shop.facility))[1]).toBe('NOT_SHIPPED_TO_YOU');
    expect(refusal(await receive(farm.key, pallet.sscc, f))[1]).toBe('NOT_IN_TRANSIT');
    expect(await snapshot()).toEqual(afterSetup);

    // Shipped to the shop: a stranger cannot receive it.
    await gqlOk(service.app, SHIP, { input: { sscc: pallet.sscc, facilityId: f, destinationOrganizationId: shop.id } }, farm.key);
    const inTransit = await snapshot();
    expect(refusal(await receive(other.key, pallet.sscc, other.facility))[1]).toBe('NOT_SHIPPED_TO_YOU');
    expect(refusal(await receive(shop.key, pallet.sscc, f))[1]).toBe('NOT_OWNER');
    expect(await snapshot()).toEqual(inTransit);
  });

  it('refuses to ship a package while a unit inside is of a recalled lot, naming the lot and its units', async () => {
    const farm = await org('PRODUCER', '6901237');
    const shop = await org('RETAILER');
    const good = await unitsOf(farm, 2);
    const bad = await unitsOf(farm, 3);
    const caseA = await packOk(farm.key, { facilityId: farm.facility, gtin: good.gtin, unitSerials: good.serials });
    const caseB = await packOk(farm.key, { facilityId: farm.facility, gtin: bad.gtin, unitSerials: bad.serials });
    const pallet = await packOk(farm.key, { facilityId: farm.facility, childSsccs: [caseA.sscc, caseB.sscc] });
    await gqlOk(service.app, INITIATE_RECALL, { input: { batchIds: [bad.batch.id], level: 'LEVEL_2', reason: '标签错误' } }, farm.key);
    const before = await snapshot();
    const res = await gql(service.app, SHIP, { input: { sscc: pallet.sscc, facilityId: farm.facility, destinationOrganizationId: shop.id } }, farm.key);
    expect(refusal(res)).toEqual([
      'CONFLICT',
      'PACKAGE_NOT_RELEASED',
      expect.stringMatching(new RegExp(`holds 3 unit\\(s\\) of lot ${bad.batch.lotCode} \\(batch ${bad.batch.id}\\), which is recalled`)),
    ]);
    expect(await snapshot()).toEqual(before);
    // Taken out, the recalled units stay; the rest ship.
    await gqlOk(service.app, UNPACK, { sscc: pallet.sscc, facilityId: farm.facility }, farm.key);
    await gqlOk(service.app, SHIP, { input: { sscc: caseA.sscc, facilityId: farm.facility, destinationOrganizationId: shop.id } }, farm.key);
  });

  it('tells the organizations that received units of a lot when the lot is recalled, as it tells the lot’s custodian', async () => {
    const farm = await org('PRODUCER', '6901238');
    const shop = await org('RETAILER');
    const stranger = await org('RETAILER');
    const { batch, gtin, serials } = await unitsOf(farm, 2);
    const box = await packOk(farm.key, { facilityId: farm.facility, gtin, unitSerials: serials });
    await gqlOk(service.app, SHIP, { input: { sscc: box.sscc, facilityId: farm.facility, destinationOrganizationId: shop.id } }, farm.key);
    await gqlOk(service.app, RECEIVE, { input: { sscc: box.sscc, facilityId: shop.facility } }, shop.key);
    for (const o of [shop, stranger, farm])
      await gqlOk(service.app, 'mutation { registerWebhook(url: "https://example.org/hooks/recalls") { secret } }', undefined, o.key);
    await gqlOk(service.app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_1', reason: '三聚氰胺' } }, farm.key);
    const told = async (o: Org) =>
      (await sql<{ body: string }>('SELECT body FROM webhook_delivery WHERE organization_id = $1', [o.id])).rows.map((r) => JSON.parse(r.body).batchIds);
    expect(await told(shop)).toEqual([[batch.id]]);
    expect(await told(farm)).toEqual([[batch.id]]);
    expect(await told(stranger)).toEqual([]);
  });

  it("keeps an organization's GS1 company prefix: set by the admin in the ledger, shown to itself, regulators and the admin", async () => {
    const farm = await org('PRODUCER');
    const regulator = await org('REGULATOR');
    const stranger = await org('PRODUCER', '6901239');
    const prefix = `69012${String(40 + ++prefixes).padStart(3, '0')}`;
    const setPrefix = (key: string, id: string, p: string) => gql(service.app, SET_PREFIX, { id, prefix: p }, key);
    const before = await snapshot();
    expect(refusal(await setPrefix(farm.key, farm.id, prefix))[1]).toBe('ADMIN_ONLY');
    expect(refusal(await setPrefix(TEST_ADMIN_KEY, farm.id, '12345'))).toEqual([
      'BAD_USER_INPUT',
      'INVALID_GS1_COMPANY_PREFIX',
      expect.stringMatching(/6 to 12 digits/),
    ]);
    expect(refusal(await setPrefix(TEST_ADMIN_KEY, '00000000-0000-4000-8000-000000000000', prefix))[1]).toBe('ORGANIZATION_NOT_FOUND');
    expect(refusal(await setPrefix(TEST_ADMIN_KEY, farm.id, '6901239'))[1]).toBe('DUPLICATE_GS1_COMPANY_PREFIX');
    const register = (gs1CompanyPrefix: string) =>
      gql(service.app, CREATE_ORGANIZATION, { input: { name: `合作社 ${gs1CompanyPrefix}`, kind: 'PRODUCER', gs1CompanyPrefix } }, TEST_ADMIN_KEY);
    expect(refusal(await register('69O1234'))[1]).toBe('INVALID_GS1_COMPANY_PREFIX');
    expect(refusal(await register('6901239'))[1]).toBe('DUPLICATE_GS1_COMPANY_PREFIX');
    expect(await snapshot()).toEqual(before);
    const set = (await gqlOk(service.app, SET_PREFIX, { id: farm.id, prefix }, TEST_ADMIN_KEY)).setGs1CompanyPrefix;
    expect(set).toEqual({ type: 'GS1_COMPANY_PREFIX_SET', actor: 'system', payload: { organizationId: farm.id, gs1CompanyPrefix: prefix } });

    const own = await gqlOk(service.app, '{ viewer { organization { gs1CompanyPrefix } } }', undefined, farm.key);
    expect(own.viewer.organization.gs1CompanyPrefix).toBe(prefix);
    const { gtin, serials } = await unitsOf(farm, 1);
    const holderPrefix = async (key?: string) =>
      (
        await gqlOk(
          service.app,
          'query($g: String!, $s: String!) { unit(gtin: $g, serial: $s) { holder { gs1CompanyPrefix } } }',
          { g: gtin, s: serials[0] },
          key,
        )
      ).unit.holder.gs1CompanyPrefix;
    expect(await holderPrefix(regulator.key)).toBe(prefix);
    expect(await holderPrefix(TEST_ADMIN_KEY)).toBe(prefix);
    expect(await holderPrefix(stranger.key)).toBeNull();
    expect(await holderPrefix(undefined)).toBeNull();
    // Its next package's SSCC is minted from the prefix.
    expect((await packOk(farm.key, { facilityId: farm.facility, gtin, unitSerials: serials })).sscc).toBe(nthSscc(prefix, 0n));
  });

  it('replays the package tables in the projection audit: clean after packing, shipping, receiving and unpacking; a tampered row is named', async () => {
    const farm = await org('PRODUCER', '6901777');
    const shop = await org('RETAILER');
    const { gtin, serials } = await unitsOf(farm, 4);
    const inner = await packOk(farm.key, { facilityId: farm.facility, gtin, unitSerials: serials.slice(0, 2) });
    const outer = await packOk(farm.key, { facilityId: farm.facility, gtin, unitSerials: serials.slice(2), childSsccs: [inner.sscc] });
    const ship = { sscc: outer.sscc, facilityId: farm.facility, destinationOrganizationId: shop.id, eventTime: '2026-11-21T08:00:00.000Z' };
    await gqlOk(service.app, SHIP, { input: ship }, farm.key);
    await gqlOk(service.app, RECEIVE, { input: { sscc: outer.sscc, facilityId: shop.facility } }, shop.key);
    await gqlOk(service.app, UNPACK, { sscc: outer.sscc, facilityId: shop.facility }, shop.key);
    const unpacked = (await gqlOk(service.app, UNPACK, { sscc: inner.sscc, facilityId: shop.facility }, shop.key)).unpack;
    await gqlOk(service.app, SET_PREFIX, { id: shop.id, prefix: '6901778' }, TEST_ADMIN_KEY);

    const verify = async () =>
      (await gqlOk(service.app, '{ verifyLedger { projections { clean disagreements firstDisagreement { table id column reason } } } }', {}, TEST_ADMIN_KEY))
        .verifyLedger.projections;
    expect(await verify()).toMatchObject({ clean: true, disagreements: 0 });

    const admin = (text: string, params: unknown[]) => withAdminClient(service.db.url, (c) => c.query(text, params));
    /** Each change, as the admin DB user, is named by the audit (table, row, column), then undone. */
    const tampered = async (change: [string, unknown[]], undo: [string, unknown[]], named: Record<string, unknown>) => {
      await admin(...change);
      try {
        expect(await verify()).toMatchObject({ clean: false, disagreements: 1, firstDisagreement: named });
      } finally {
        await admin(...undo);
      }
    };
    await tampered(
      ['UPDATE package SET custodian_id = $2 WHERE sscc = $1', [inner.sscc, farm.id]],
      ['UPDATE package SET custodian_id = $2 WHERE sscc = $1', [inner.sscc, shop.id]],
      {
        table: 'package',
        id: inner.sscc,
        column: 'custodian_id',
        reason: expect.stringContaining(`the ledger says "${shop.id}"`),
      },
    );
    const unitSql = 'UPDATE package_unit SET unpacked_seq = $4 WHERE sscc = $1 AND gtin = $2::bigint AND serial = $3';
    await tampered([unitSql, [inner.sscc, gtin, serials[0], null]], [unitSql, [inner.sscc, gtin, serials[0], unpacked.seq]], {
      table: 'package_unit',
      id: `${inner.sscc}/${gtin}/${serials[0]}`,
      column: 'unpacked_seq',
    });
    const holderSql = 'UPDATE unit_holder SET custodian_id = $3 WHERE gtin = $1::bigint AND serial = $2';
    await tampered([holderSql, [gtin, serials[3], farm.id]], [holderSql, [gtin, serials[3], shop.id]], {
      table: 'unit_holder',
      id: `${gtin}/${serials[3]}`,
      column: 'custodian_id',
    });
    const prefixSql = 'UPDATE organization SET gs1_company_prefix = $2 WHERE id = $1';
    await tampered([prefixSql, [shop.id, '6901779']], [prefixSql, [shop.id, '6901778']], {
      table: 'organization',
      id: shop.id,
      column: 'gs1_company_prefix',
      reason: expect.stringContaining('the ledger says "6901778"'),
    });
    expect(await verify()).toMatchObject({ clean: true, disagreements: 0 });
  });
});
