import { describe, expect, it } from '@jest/globals';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import request from 'supertest';
import { Database } from '../../src/database/database.js';
import { sgtinEpc, ssccEpc } from '../../src/epcis/aggregation-identifiers.js';
import { nthSscc } from '../../src/packages/sscc.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, type Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { CREATE_ORGANIZATION, LEDGER_SIZE } from '../support/documents.js';
import { readFixtureJson } from '../support/fixtures.js';
import { gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { rowCounts } from '../support/row-counts.js';

const UNIT = `query($gtin: String!, $serial: String!) { unit(gtin: $gtin, serial: $serial) { packagePath holder { id } } }`;
/** The tables packing writes, and the ledger: a refused capture leaves every one as it was. */
const TABLES = ['ledger_entry', 'package', 'package_unit', 'package_child', 'package_event', 'unit_holder', 'sscc_counter', 'epcis_captured_event'];

let made = 0;
type Json = Record<string, any>;
const Ajv = (AjvModule as unknown as { default: typeof AjvModule.default }).default;
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(readFixtureJson('epcis/EPCIS-JSON-Schema.json'));

/** EPCIS AggregationEvents captured as packing and unpacking (issue 18, point 3), end to end against a real PostgreSQL. */
describe('EPCIS AggregationEvents', () => {
  const service = useTestApp();
  const sql = <R extends Record<string, unknown>>(text: string, params?: unknown[]) => service.app.get(Database).query<R>(text, params);
  const snapshot = () => rowCounts(service.app, TABLES);
  const ledgerSize = async () => (await gqlOk(service.app, LEDGER_SIZE)).ledgerInfo.size as number;
  const capture = (body: object, key: string) =>
    request(service.app.getHttpServer())
      .post('/epcis/capture')
      .set('content-type', 'application/ld+json')
      .set('authorization', `Bearer ${key}`)
      .send(JSON.stringify(body));
  const document = (...eventList: object[]) => ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-20T06:00:00Z',
    epcisBody: { eventList },
  });
  const unit = async (gtin: string, serial: string) => (await gqlOk(service.app, UNIT, { gtin, serial })).unit;

  /** A producer with a GS1 company prefix, a facility with a GLN of that prefix, and `count` units of a lot of its GTIN. */
  async function world(count: number) {
    const n = ++made;
    const prefix = `69${String(70000 + n)}`; // 7 digits
    const data = await gqlOk(service.app, CREATE_ORGANIZATION, { input: { name: `packer-${n}`, kind: 'PRODUCER', gs1CompanyPrefix: prefix } }, TEST_ADMIN_KEY);
    const org: Org = { id: data.createOrganization.organization.id, key: data.createOrganization.apiKey };
    const glnBody = `${prefix}00001`;
    const gln = glnBody + gtinCheckDigit(glnBody);
    const facility = await registerFacility(service.app, org, { gln });
    const gtinBody = `0${prefix}00001`;
    const gtin = gtinBody + gtinCheckDigit(gtinBody);
    const product = await registerProduct(service.app, org, { name: '婴幼儿配方奶粉', category: 'DAIRY', gtin });
    const batch = await registerBatch(service.app, org, product, facility);
    const c = await gqlOk(
      service.app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      { input: { batchId: batch.id, count } },
      org.key,
    );
    const { rows } = await sql<{ serial: string }>('SELECT serial FROM unit WHERE commissioning_id = $1 ORDER BY position', [c.commissionUnits.id]);
    const serials = rows.map((r) => r.serial);
    const at = { eventTime: '2026-11-20T06:00:00.000Z', eventTimeZoneOffset: '+08:00', bizLocation: { id: `https://id.gs1.org/414/${gln}` } };
    return {
      org,
      prefix,
      facility,
      gln,
      gtin,
      batch,
      serials,
      at,
      sgtin: (serial: string) => sgtinEpc(gtin, serial, prefix),
      sscc: (n: bigint) => nthSscc(prefix, n)!,
    };
  }

  it('captures packing (ADD) of units into a case and of the case into a pallet, and unpacking (DELETE) of both', async () => {
    const w = await world(4);
    const [caseSscc, palletSscc] = [w.sscc(100n), w.sscc(101n)];
    const packing = {
      eventID: 'urn:uuid:6f9c5a2e-0c1e-4b8e-9b1a-3f2d1c0b0a01',
      type: 'AggregationEvent',
      action: 'ADD',
      bizStep: 'packing',
      disposition: 'in_progress',
      parentID: ssccEpc(caseSscc, w.prefix),
      childEPCs: w.serials.map(w.sgtin),
      ...w.at,
      'example:note': 'kept as sent',
    };
    const palletising = {
      type: 'AggregationEvent',
      action: 'ADD',
      parentID: `https://id.gs1.org/00/${palletSscc}`,
      childEPCs: [`https://id.gs1.org/00/${caseSscc}`],
      ...w.at,
    };
    const res = await capture(document(packing, palletising), w.org.key);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ success: true, captured: 2 });
    expect(await unit(w.gtin, w.serials[0])).toEqual({ packagePath: [caseSscc, palletSscc], holder: { id: w.org.id } });
    const packed = await sql<{ type: string; payload: string }>(
      `SELECT type, payload FROM ledger_entry WHERE type = 'UNITS_PACKED' AND actor = $1 ORDER BY seq`,
      [w.org.id],
    );
    expect(packed.rows.map((r) => JSON.parse(r.payload))).toEqual([
      { sscc: caseSscc, facilityId: w.facility, units: [{ gtin: w.gtin, serials: w.serials }], childSsccs: [], lots: [{ batchId: w.batch.id, units: 4 }] },
      { sscc: palletSscc, facilityId: w.facility, units: [], childSsccs: [caseSscc], lots: [] },
    ]);

    // DELETE with no childEPCs takes everything out; with childEPCs, they must be all the package's children.
    const unpackPallet = { type: 'AggregationEvent', action: 'DELETE', bizStep: 'unpacking', parentID: ssccEpc(palletSscc, w.prefix), ...w.at };
    expect((await capture(document(unpackPallet), w.org.key)).status).toBe(202);
    expect((await unit(w.gtin, w.serials[0])).packagePath).toEqual([caseSscc]);
    const unpackCase = {
      type: 'AggregationEvent',
      action: 'DELETE',
      parentID: ssccEpc(caseSscc, w.prefix),
      childEPCs: [...w.serials].reverse().map(w.sgtin),
      ...w.at,
    };
    expect((await capture(document(unpackCase), w.org.key)).status).toBe(202);
    expect(await unit(w.gtin, w.serials[0])).toEqual({ packagePath: [], holder: { id: w.org.id } });
  });

  it('refuses packing twice, unpacking what is not packed, a partial unpack, unknown children, OBSERVE, lot quantities: codes, nothing written', async () => {
    const w = await world(3);
    const caseSscc = w.sscc(200n);
    const pack = (sscc: string, serials: string[]) => ({
      type: 'AggregationEvent',
      action: 'ADD',
      parentID: ssccEpc(sscc, w.prefix),
      childEPCs: serials.map(w.sgtin),
      ...w.at,
    });
    const unpack = (sscc: string, children?: string[]) => ({
      type: 'AggregationEvent',
      action: 'DELETE',
      parentID: ssccEpc(sscc, w.prefix),
      ...(children ? { childEPCs: children } : {}),
      ...w.at,
    });
    expect((await capture(document(pack(caseSscc, w.serials.slice(0, 2))), w.org.key)).status).toBe(202);

    const before = await snapshot();
    const size = await ledgerSize();
    const cases: [object[], number, string, RegExp][] = [
      // A unit packed twice: the first event would pack a new case, the second is refused, so neither is written.
      [
        [pack(w.sscc(201n), w.serials.slice(2)), pack(w.sscc(202n), w.serials.slice(0, 1))],
        409,
        'ALREADY_PACKED',
        /^eventList\[1\]: unit\(s\) .* already in package/,
      ],
      [[unpack(w.sscc(203n))], 404, 'PACKAGE_NOT_FOUND', /^eventList\[0\]: no package has SSCC/],
      [[unpack(caseSscc, [w.sgtin(w.serials[2])])], 409, 'NOT_PACKED', /does not hold unit .*: nothing is unpacked/],
      [[unpack(caseSscc, [w.sgtin(w.serials[0])])], 409, 'PARTIAL_UNPACK', /also holds unit .*: unpacking takes out all/],
      [[pack(w.sscc(204n), ['NO-SUCH-UNIT'])], 404, 'UNIT_NOT_FOUND', /no unit of GTIN .* has serial NO-SUCH-UNIT/],
      [[{ ...pack(w.sscc(205n), w.serials.slice(2)), action: 'OBSERVE' }], 400, 'EPCIS_NOT_MODELLED', /action OBSERVE of an AggregationEvent is not modelled/],
      [
        [
          {
            ...pack(w.sscc(206n), w.serials.slice(2)),
            childQuantityList: [{ epcClass: `https://id.gs1.org/01/${w.gtin}/10/${w.batch.lotCode}`, quantity: 1 }],
          },
        ],
        400,
        'EPCIS_NOT_MODELLED',
        /childQuantityList: quantities of lots in a package are not modelled/,
      ],
    ];
    for (const [events, status, reason, message] of cases) {
      const res = await capture(document(...events), w.org.key);
      expect([res.status, res.body.errors?.[0]?.extensions?.reason]).toEqual([status, reason]);
      expect(res.body.errors[0].message).toMatch(message);
    }
    // An error declaration of a packing event: refused, not a declaration of nothing.
    const packed = { ...pack(caseSscc, w.serials.slice(0, 2)) };
    const declared = await capture(
      document({ ...packed, errorDeclaration: { declarationTime: '2026-11-21T06:00:00.000Z', reason: 'incorrect_data' } }),
      w.org.key,
    );
    expect([declared.status, declared.body.errors?.[0]?.extensions?.reason]).toEqual([400, 'EPCIS_NOT_MODELLED']);
    expect(declared.body.errors[0].message).toMatch(/is a packing or unpacking event; declaring it erroneous is not modelled/);
    expect(await snapshot()).toEqual(before);
    expect(await ledgerSize()).toBe(size);

    // Unpacked once, a package is empty: the same event sent again is a repeat (nothing written), another unpacking of it is refused.
    expect((await capture(document(unpack(caseSscc)), w.org.key)).status).toBe(202);
    const afterUnpack = await ledgerSize();
    const repeat = await capture(document(unpack(caseSscc)), w.org.key);
    expect([repeat.status, repeat.body.events]).toEqual([202, [expect.objectContaining({ index: 0, repeat: true })]]);
    const again = await capture(document({ ...unpack(caseSscc), eventTime: '2026-11-21T06:00:00.000Z' }), w.org.key);
    expect([again.status, again.body.errors[0].extensions.reason]).toEqual([409, 'NOT_PACKED']);
    expect(await ledgerSize()).toBe(afterUnpack);
  });

  it('exports packing as AggregationEvents: captured ones as sent, GraphQL ones written from their entries; only to the packer and regulators', async () => {
    const w = await world(3);
    const other = await createOrg(service.app, 'PROCESSOR');
    const regulator = await createOrg(service.app, 'REGULATOR');
    const [caseSscc, palletSscc] = [w.sscc(300n), w.sscc(301n)];
    const packing = {
      eventID: 'urn:uuid:6f9c5a2e-0c1e-4b8e-9b1a-3f2d1c0b0a02',
      type: 'AggregationEvent',
      eventTime: '2026-11-20T06:00:00.000+08:00',
      eventTimeZoneOffset: '+08:00',
      parentID: ssccEpc(caseSscc, w.prefix),
      childEPCs: w.serials.slice(0, 2).map((s) => `https://id.gs1.org/01/${w.gtin}/21/${s}`),
      action: 'ADD',
      bizStep: 'urn:epcglobal:cbv:bizstep:packing',
      disposition: 'in_progress',
      readPoint: { id: `urn:epc:id:sgln:${w.prefix}.00001.0` },
      bizLocation: w.at.bizLocation,
      bizTransactionList: [{ type: 'po', bizTransaction: 'urn:epcglobal:cbv:bt:6970000000017:PO-7' }],
      'packer:line': { 'packer:id': 'L2', 'packer:shift': 'early' },
    };
    const doc = {
      ...document(packing),
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld', { packer: 'https://packer.example.cn/epcis/' }],
    };
    expect((await capture(doc, w.org.key)).status).toBe(202);
    // Over GraphQL: the pallet of the case and the last unit's case, then the pallet unpacked.
    const PACK = 'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc entry { hash recordedAt } } }';
    const pallet = (await gqlOk(service.app, PACK, { input: { facilityId: w.facility, sscc: palletSscc, childSsccs: [caseSscc] } }, w.org.key)).packUnits;
    const unpacked = (
      await gqlOk(
        service.app,
        'mutation($sscc: String!, $facilityId: ID!) { unpack(sscc: $sscc, facilityId: $facilityId) { hash recordedAt } }',
        { sscc: palletSscc, facilityId: w.facility },
        w.org.key,
      )
    ).unpack;

    const query = async (key: string, params = 'EQ_bizStep=packing|unpacking') => {
      const res = await request(service.app.getHttpServer()).get(`/epcis/events?${params}`).set('authorization', `Bearer ${key}`);
      expect(res.status).toBe(200);
      const body = JSON.parse(res.text) as Json;
      expect(validate(body) ? [] : validate.errors).toEqual([]);
      return body;
    };
    const body = await query(w.org.key);
    const events = body.epcisBody.queryResults.resultsBody.eventList as Json[];
    const place = { id: `https://id.gs1.org/414/${w.gln}` };
    const entryId = (hash: string) => `ni:///sha-256;${Buffer.from(hash, 'hex').toString('base64url')}`;
    expect(events).toEqual([
      // As sent, but for the CBV word written in the one form EPCIS 2.0 JSON takes (as for lot events).
      { ...packing, bizStep: 'packing' },
      {
        type: 'AggregationEvent',
        eventID: entryId(pallet.entry.hash),
        eventTime: pallet.entry.recordedAt,
        eventTimeZoneOffset: '+08:00',
        parentID: ssccEpc(palletSscc, w.prefix),
        childEPCs: [ssccEpc(caseSscc, w.prefix)],
        action: 'ADD',
        bizStep: 'packing',
        readPoint: place,
        bizLocation: place,
      },
      expect.objectContaining({
        eventID: entryId(unpacked.hash),
        action: 'DELETE',
        bizStep: 'unpacking',
        parentID: `urn:epc:id:sscc:${w.prefix}.${palletSscc[0]}${palletSscc.slice(8, 17)}`,
      }),
    ]);
    expect(events[0].childEPCs).toEqual(w.serials.slice(0, 2).map((s) => `https://id.gs1.org/01/${w.gtin}/21/${s}`));
    // The captured event's prefix means what it meant when sent.
    expect(body['@context']).toContainEqual(expect.objectContaining({ packer: 'https://packer.example.cn/epcis/' }));
    // By its eventID too; a place filter finds them; another organization sees none of them, a regulator all.
    const one = await request(service.app.getHttpServer())
      .get(`/epcis/events/${encodeURIComponent(packing.eventID)}`)
      .set('authorization', `Bearer ${w.org.key}`);
    expect(JSON.parse(one.text)).toMatchObject({ eventID: packing.eventID, 'packer:line': packing['packer:line'] });
    expect(
      (await query(w.org.key, `EQ_bizLocation=${encodeURIComponent(place.id)}&EQ_bizStep=unpacking`)).epcisBody.queryResults.resultsBody.eventList,
    ).toHaveLength(1);
    expect((await query(other.key)).epcisBody.queryResults.resultsBody.eventList).toEqual([]);
    const seen = ((await query(regulator.key)).epcisBody.queryResults.resultsBody.eventList as Json[]).map((e) => e.eventID);
    expect(seen).toEqual(expect.arrayContaining(events.map((e) => e.eventID)));
  });

  it('exports a package shipped and received as ObjectEvents of its SSCC, each to the organization that recorded it', async () => {
    const w = await world(1);
    const shop = await createOrg(service.app, 'RETAILER');
    const shopFacility = await registerFacility(service.app, shop);
    const sscc = w.sscc(400n);
    const PACK = 'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc } }';
    await gqlOk(service.app, PACK, { input: { facilityId: w.facility, sscc, gtin: w.gtin, unitSerials: w.serials } }, w.org.key);
    const shipped = (
      await gqlOk(
        service.app,
        'mutation($input: ShipPackageInput!) { shipPackage(input: $input) { hash } }',
        { input: { sscc, facilityId: w.facility, destinationOrganizationId: shop.id, eventTime: '2026-11-20T08:00:00.000Z' } },
        w.org.key,
      )
    ).shipPackage;
    await gqlOk(
      service.app,
      'mutation($input: ReceivePackageInput!) { receivePackage(input: $input) { seq } }',
      { input: { sscc, facilityId: shopFacility } },
      shop.key,
    );
    const events = async (key: string, step: string) => {
      const res = await request(service.app.getHttpServer()).get(`/epcis/events?EQ_bizStep=${step}`).set('authorization', `Bearer ${key}`);
      const body = JSON.parse(res.text) as Json;
      expect(validate(body) ? [] : validate.errors).toEqual([]);
      return body.epcisBody.queryResults.resultsBody.eventList as Json[];
    };
    expect(await events(w.org.key, 'shipping')).toEqual([
      {
        type: 'ObjectEvent',
        eventID: `ni:///sha-256;${Buffer.from(shipped.hash, 'hex').toString('base64url')}`,
        eventTime: '2026-11-20T08:00:00.000Z',
        eventTimeZoneOffset: '+08:00',
        epcList: [ssccEpc(sscc, w.prefix)],
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        readPoint: { id: `https://id.gs1.org/414/${w.gln}` },
        bizLocation: { id: `https://id.gs1.org/414/${w.gln}` },
        destinationList: [{ type: 'owning_party', destination: `urn:uuid:${shop.id}` }],
      },
    ]);
    // The shop has no GS1 company prefix: the SSCC is written as its Digital Link.
    expect(await events(shop.key, 'receiving')).toEqual([
      expect.objectContaining({
        epcList: [`https://id.gs1.org/00/${sscc}`],
        bizStep: 'receiving',
        bizLocation: { id: `urn:uuid:${shopFacility}` },
        sourceList: [{ type: 'owning_party', source: `urn:uuid:${w.org.id}` }],
      }),
    ]);
    expect(await events(shop.key, 'shipping')).toEqual([]);
  });

  it('leaves the package tables as the ledger says: the projection audit replays what the captures and mutations above wrote', async () => {
    const audit = await gqlOk(service.app, '{ verifyLedger { projections { clean disagreements firstDisagreement { reason } } } }', {}, TEST_ADMIN_KEY);
    expect(audit.verifyLedger.projections).toEqual({ clean: true, disagreements: 0, firstDisagreement: null });
  });
});
