import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { buildSchema, getNamedType, type GraphQLNamedType, isObjectType } from 'graphql';
import { createClient } from 'graphql-ws';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import WebSocket from 'ws';
import { readPdf } from '../support/pdf-reader.js';
import { nthSscc } from '../../src/packages/sscc.js';
import { xlsxText } from '../support/xlsx-reader.js';
import { APP_CONFIG } from '../../src/config/config.module.js';
import type { AppConfig } from '../../src/config/config.js';
import { createOrg, type Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { INITIATE_RECALL, RECORD_EVENT, RECORD_INSPECTION, RECORD_TEMPERATURES, REVOKE_API_KEY } from '../support/documents.js';
import { createTestApp, gqlOk, rawBody, TEST_ADMIN_KEY, listenOnLoopback } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/**
 * Field-level authorization, as one table: every path that answers with a batch or a batch's data
 * (GraphQL queries, mutations' answers, the subscription, HTTP exports, reports, public pages) × every
 * kind of caller. The story: a farm (`producer`) grows lot A and ships it to a mill (`processor`),
 * which makes lot B from it and ships B to a shop (`retailer`). Each batch's private data — event
 * details (prices, bills of lading, purchase orders), sensor ids, a lab's findings — carries planted
 * secret strings; the raw answer of every cell is searched for them, so a new leak is caught whatever
 * its shape. A secret must be absent unless the caller may read its batch (its producer, its current
 * custodian, a lab, a regulator, the admin) and the path shows that kind of data; then it must be
 * there. The public fields (the lot code) stay visible to whoever may run the outer query.
 *
 * The list of paths is checked against the schema (every field whose type reaches Batch) and the app's
 * routes: a new path without a row fails the test.
 */
const CALLERS = ['anonymous', 'revoked', 'admin', 'producer', 'processor', 'retailer', 'stranger', 'lab', 'regulator'] as const;
type CallerName = (typeof CALLERS)[number];
type BatchName = 'A' | 'B';
type SecretKind = 'registration' | 'price' | 'billOfLading' | 'purchaseOrder' | 'sensor' | 'inspection';
const ALL_KINDS: SecretKind[] = ['registration', 'price', 'billOfLading', 'purchaseOrder', 'sensor', 'inspection'];

/** Who may read each batch whole — written out here, not computed by the rule under test. */
const READS: Record<CallerName, BatchName[]> = {
  anonymous: [],
  revoked: [],
  admin: ['A', 'B'],
  producer: ['A'], // produced A; B was made by the mill
  processor: ['A', 'B'], // holds what is left of A; produced B
  retailer: ['B'], // holds B; A is its supplier's supplier's
  stranger: [],
  lab: ['A', 'B'],
  regulator: ['A', 'B'],
};

/**
 * What a caller gets from a path: refused (an error, or silence on the subscription), or an answer that
 * names these batches (their lot codes), whole or withheld by READS. `whole` is a batch outside the story
 * that the caller reads whole (one it just registered or made, or a regulator's released batch).
 */
type Expected = 'refused' | (BatchName | 'whole')[];
interface Answer {
  refused: boolean;
  /** The raw answer (for binaries, their bytes as latin1), where the secrets are searched. */
  text: string;
}
interface Row {
  /** The schema field (Query.x, Mutation.x, Subscription.x) or the route (GET /path/:param) it checks. */
  path: string;
  /** What kinds of private data the answer carries for a batch the caller may read. */
  carries: SecretKind[];
  expected: Record<CallerName, Expected>;
  run(caller: CallerName, expected: Expected): Promise<Answer>;
}

/** A row's expectations: every caller refused but those named. */
const only = (allowed: Partial<Record<CallerName, Expected>>): Record<CallerName, Expected> =>
  Object.fromEntries(CALLERS.map((c) => [c, allowed[c] ?? 'refused'])) as Record<CallerName, Expected>;
const BOTH: Expected = ['A', 'B'];
const READERS_OF_A = only({ admin: BOTH, producer: BOTH, processor: BOTH, lab: BOTH, regulator: BOTH });
const READERS_OF_B = only({ admin: BOTH, processor: BOTH, retailer: BOTH, lab: BOTH, regulator: BOTH });
const EXPORTERS = (reach: Expected) => only({ admin: reach, regulator: reach });
const EVERYONE = (reach: Expected) => Object.fromEntries(CALLERS.map((c) => [c, reach])) as Record<CallerName, Expected>;

/** Paths that answer with no batch data at all, each with why. A new route must be named here or get a row. */
const NO_BATCH_DATA: Record<string, string> = {
  'GET /health/live': 'liveness only',
  'GET /health/ready': 'readiness only',
  'GET /assets/verify.js': 'a static script',
  'GET /console': "the console's page: a shell its script fills through /graphql",
  'GET /console/:asset': "the console's script and stylesheet",
  'GET /graphiql/:asset': "the GraphQL IDE's scripts and stylesheets, from node_modules",
  'GET /ledger/checkpoint': 'a signed tree head: a size and a hash',
  'GET /ledger/consistency': 'hashes of Merkle subtrees between two tree sizes',
  'POST /q/:code/scans': 'a scan count',
  'POST /epcis/capture': 'a write; answers with what the caller sent',
  'GET /epcis/capture':
    "the caller's own capture jobs: which of its events were captured (the ids of the batches they recorded) and why others were refused, " +
    "lots named as it named them; other organizations' jobs are not listed",
  'GET /epcis/capture/:captureID': "one of the caller's own capture jobs, as in the list; another organization's answers 404 as an unknown id does",
  'POST /epcis/event-hash': 'hash IDs of the events the caller sent; reads nothing stored',
  'GET /.well-known/gs1resolver': "the GS1 resolver's description: its root, keys and link types",
  'GET /labels/:file': "an image of the lot's GS1 Digital Link (GTIN and lot, both public) or page URL, for its producer or custodian",
  'POST /u/:gtin/:serial/check': "a check code's answer: genuine or not, and how often the unit's code was checked",
  'GET /units/:file':
    "the caller's own units of a lot it produced: serials, Digital Link URIs (GTIN and lot, both public) and, once, their check codes; " +
    'another organization is refused',
  'GET /labels/sheet.pdf': 'images of those links with trace code, product and lot, for their producer or custodian',
  'GET /units/:id.pdf':
    "the caller's own units' labels, as the CSV: QR codes of their Digital Link URIs, product name, GTIN, lot, serials and, once, " +
    'their check codes; another organization is refused',
  'GET /graphql': 'GraphQL: its rows are by schema field',
  'POST /graphql': 'GraphQL: its rows are by schema field',
};

const BATCH_FIELDS = 'id lotCode withheldFields events { type payload } inspections { agency standard items { name } } certificates { number }';
const RECALL_FIELDS = `id affectedBatches { ${BATCH_FIELDS} }`;
const TRACE_FIELDS = `root { ${BATCH_FIELDS} } nodes { depth batch { ${BATCH_FIELDS} } }`;

let counter = 0;
/** The mill's product (lot B's), with a GTIN so the GS1 resolver reaches B. */
const FLOUR_GTIN = '06920000000029';
const serial = () => `${process.pid}-${++counter}`;
const at = (day: number, hour = 0) => `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

describe('field-level authorization', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let wsUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    wsUrl = (await listenOnLoopback(app)).replace('http', 'ws') + '/graphql';
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  interface World {
    keys: Record<CallerName, string | undefined>;
    orgs: Record<'producer' | 'processor' | 'retailer' | 'stranger' | 'lab' | 'regulator', Org>;
    batches: Record<BatchName, { id: string; traceCode: string; lotCode: string; productId: string }>;
    secrets: Record<BatchName, Record<SecretKind, string>>;
    /** A serialized unit of lot B (FLOUR_GTIN). */
    unitSerial: string;
    /** The commissioning of B's units, which Batch.commissionings lists to B's readers only. */
    commissioningId: string;
    /** A case of B's two units the shop packed and shipped to the mill (not yet received). */
    caseSscc: string;
    /** Each maker's facility and product, and a batch it holds, for the mutations that make batches. */
    makers: Partial<Record<CallerName, { facility: string; product: string; stock: string }>>;
    recallId: string;
    /** A lot of the farm's in transit to the shop (not yet received): the shop reads it as its custodian does. */
    inboundToRetailer: string;
    newHeldBatch(): Promise<string>;
  }

  async function buildWorld(): Promise<World> {
    const orgs = {
      producer: await createOrg(app, 'PRODUCER', `宁河稻田 ${serial()}`),
      processor: await createOrg(app, 'PROCESSOR', `津南米厂 ${serial()}`),
      retailer: await createOrg(app, 'RETAILER', `家乐超市 ${serial()}`),
      stranger: await createOrg(app, 'PRODUCER'),
      lab: await createOrg(app, 'LAB'),
      regulator: await createOrg(app, 'REGULATOR'),
    };
    const revoked = (await gqlOk(app, 'mutation { createApiKey(input: { label: "old" }) { secret apiKey { id } } }', undefined, orgs.retailer.key))
      .createApiKey;
    await gqlOk(app, REVOKE_API_KEY, { id: revoked.apiKey.id }, orgs.retailer.key);
    const keys = {
      anonymous: undefined,
      revoked: revoked.secret as string,
      admin: TEST_ADMIN_KEY,
      ...Object.fromEntries(Object.entries(orgs).map(([name, org]) => [name, org.key])),
    } as Record<CallerName, string | undefined>;

    const tag = serial().replace('-', 'X');
    const secretsOf = (b: BatchName): Record<SecretKind, string> =>
      Object.fromEntries(ALL_KINDS.map((k) => [k, `S${b}${k.slice(0, 3).toUpperCase()}${tag}`])) as Record<SecretKind, string>;
    const secrets = { A: secretsOf('A'), B: secretsOf('B') };

    const facility = { producer: await registerFacility(app, orgs.producer), processor: await registerFacility(app, orgs.processor) };
    const retailerFloor = await registerFacility(app, orgs.retailer);
    const rice = await registerProduct(app, orgs.producer, { name: `小站稻 ${serial()}` });
    const flour = await registerProduct(app, orgs.processor, { name: `米粉 ${serial()}`, category: 'GRAIN', storage: 'CHILLED', gtin: FLOUR_GTIN });
    const record = (key: Org, input: Record<string, unknown>) => gqlOk(app, RECORD_EVENT, { input }, key.key);
    const inspect = (batchId: string, agency: string, verdict = 'PASS') =>
      gqlOk(
        app,
        RECORD_INSPECTION,
        { input: { batchId, verdict, agency, items: [{ name: '镉 (Cd)', value: 0.05, limit: 0.2, passed: verdict === 'PASS' }] } },
        orgs.lab.key,
      );

    // Lot A: the farm's, shipped whole to the mill.
    const a = await registerBatch(app, orgs.producer, rice, facility.producer, { quantity: 1000, details: { contract: secrets.A.registration } });
    await record(orgs.producer, { batchId: a.id, bizStep: 'STORING', eventTime: at(1), facilityId: facility.producer, details: { price: secrets.A.price } });
    await record(orgs.producer, {
      batchId: a.id,
      bizStep: 'SHIPPING',
      eventTime: at(2),
      facilityId: facility.producer,
      quantity: 1000,
      destinationOrganizationId: orgs.processor.id,
      details: { shipToLocation: 'mill dock', referenceDocumentType: 'BOL', referenceDocumentNumber: secrets.A.billOfLading },
    });
    await record(orgs.processor, {
      batchId: a.id,
      bizStep: 'RECEIVING',
      eventTime: at(3),
      facilityId: facility.processor,
      quantity: 1000,
      details: { purchaseOrder: secrets.A.purchaseOrder },
    });
    const reading = (day: number, celsius: number) => [{ at: at(day, 12), celsius }];
    await gqlOk(app, RECORD_TEMPERATURES, { input: { batchId: a.id, sensorId: secrets.A.sensor, readings: reading(3, 18) } }, orgs.processor.key);
    await inspect(a.id, secrets.A.inspection);

    // Lot B: made by the mill from 800 kg of A, shipped whole to the shop, which logged it too warm.
    const made = await gqlOk(
      app,
      'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id traceCode lotCode } } }',
      {
        input: {
          facilityId: facility.processor,
          eventTime: at(4),
          inputs: [{ batchId: a.id, quantity: 800 }],
          outputs: [{ productId: flour, lotCode: `B-${serial()}`, quantity: 700, unit: 'kg' }],
        },
      },
      orgs.processor.key,
    );
    const b = made.transformBatches.outputs[0] as { id: string; traceCode: string; lotCode: string };
    await record(orgs.processor, {
      batchId: b.id,
      bizStep: 'STORING',
      eventTime: at(5),
      facilityId: facility.processor,
      details: { price: secrets.B.price, contract: secrets.B.registration },
    });
    await record(orgs.processor, {
      batchId: b.id,
      bizStep: 'SHIPPING',
      eventTime: at(6),
      facilityId: facility.processor,
      quantity: 700,
      destinationOrganizationId: orgs.retailer.id,
      details: { shipToLocation: 'shop', referenceDocumentType: 'BOL', referenceDocumentNumber: secrets.B.billOfLading },
    });
    await record(orgs.retailer, {
      batchId: b.id,
      bizStep: 'RECEIVING',
      eventTime: at(7),
      facilityId: retailerFloor,
      quantity: 700,
      details: { purchaseOrder: secrets.B.purchaseOrder },
    });
    const warm = Array.from({ length: 13 }, (_, i) => ({ at: new Date(Date.parse(at(8)) + i * 600_000).toISOString(), celsius: 20 }));
    await gqlOk(app, RECORD_TEMPERATURES, { input: { batchId: b.id, sensorId: secrets.B.sensor, readings: warm } }, orgs.retailer.key);
    await inspect(b.id, secrets.B.inspection);

    // Every maker has a facility, a product and a batch it holds, to make batches of its own.
    const makers: World['makers'] = {};
    for (const name of ['producer', 'processor', 'retailer', 'stranger'] as const) {
      const org = orgs[name];
      const makerFacility = await registerFacility(app, org);
      const product = await registerProduct(app, org);
      const stock = await registerBatch(app, org, product, makerFacility, { quantity: 100 });
      makers[name] = { facility: makerFacility, product, stock: stock.id };
    }

    // Two serialized units of lot B, commissioned by the mill that produced it (their serials are public: they are on the packs).
    const units = await gqlOk(
      app,
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      { input: { batchId: b.id, count: 2 } },
      orgs.processor.key,
    );
    const unitsCsv = await request(app.getHttpServer()).get(`/units/${units.commissionUnits.id}.csv`).set('authorization', `Bearer ${orgs.processor.key}`);
    const unitSerial = unitsCsv.text.split('\r\n')[1].split(',')[0];
    // The shop (B's custodian) packs both into a case (an SSCC it gives: it has no company prefix) and ships it back to the mill.
    const caseSscc = nthSscc('6920000', BigInt(process.pid))!;
    const bothSerials = unitsCsv.text
      .split('\r\n')
      .slice(1, 3)
      .map((line) => line.split(',')[0]);
    await gqlOk(
      app,
      'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc } }',
      { input: { facilityId: retailerFloor, sscc: caseSscc, gtin: FLOUR_GTIN, unitSerials: bothSerials } },
      orgs.retailer.key,
    );
    await gqlOk(
      app,
      'mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq } }',
      { input: { sscc: caseSscc, facilityId: retailerFloor, destinationOrganizationId: orgs.processor.id } },
      orgs.retailer.key,
    );

    // Lot C: the farm's, on its way to the shop.
    const c = await registerBatch(app, orgs.producer, rice, facility.producer, { quantity: 50 });
    await record(orgs.producer, {
      batchId: c.id,
      bizStep: 'SHIPPING',
      eventTime: at(9),
      facilityId: facility.producer,
      quantity: 50,
      destinationOrganizationId: orgs.retailer.id,
      details: { shipToLocation: 'shop', referenceDocumentType: 'BOL', referenceDocumentNumber: 'BOL-C' },
    });

    const recall = await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [a.id], level: 'LEVEL_2', reason: '镉超标' } }, orgs.regulator.key);
    return {
      inboundToRetailer: c.id,
      keys,
      unitSerial,
      commissioningId: units.commissionUnits.id,
      caseSscc,
      orgs,
      batches: { A: { ...a, productId: rice }, B: { ...b, productId: flour } },
      secrets,
      makers,
      recallId: recall.initiateRecall.id,
      newHeldBatch: async () => {
        const held = await registerBatch(app, orgs.producer, rice, facility.producer, { quantity: 10 });
        await inspect(held.id, '复检', 'FAIL');
        return held.id;
      },
    };
  }

  /** A GraphQL operation over HTTP: refused when it answers an error. */
  const graphql =
    (w: () => World, document: string, variables: (caller: CallerName) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({})) =>
    async (caller: CallerName): Promise<Answer> => {
      const vars = await variables(caller);
      const res = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
      const key = w().keys[caller];
      if (key) res.set('authorization', `Bearer ${key}`);
      const answer = await res.send({ query: document, variables: vars });
      const body = answer.body as { errors?: unknown[] };
      return { refused: !!body.errors?.length, text: answer.text };
    };

  /**
   * A GET: refused unless 2xx; binaries searched as latin1; a PDF (its fonts embedded, so its text is glyph ids) as
   * pdftotext reads it, also with its line breaks taken out, so a secret wrapped across lines of a table cell is found;
   * an XLSX (deflated) as ExcelJS reads its cells.
   */
  const get =
    (w: () => World, path: (w: World) => string) =>
    async (caller: CallerName): Promise<Answer> => {
      const req = request(app.getHttpServer()).get(path(w())).buffer(true).parse(rawBody);
      const key = w().keys[caller];
      if (key) req.set('authorization', `Bearer ${key}`);
      const res = await req;
      const body = res.body as Buffer;
      const type = String(res.headers['content-type']);
      const ok = res.status < 300;
      const pdfText = ok && type.startsWith('application/pdf') ? readPdf(body).rawText : '';
      const sheetText = ok && type.startsWith('application/vnd.openxmlformats-officedocument.spreadsheetml') ? await xlsxText(body) : '';
      const read = pdfText + pdfText.replace(/\s*\n\s*/g, '') + sheetText;
      return { refused: !ok, text: body.toString('latin1') + body.toString('utf8') + read };
    };

  /** recallIssued over graphql-ws: subscribes as the caller, the regulator recalls lot A, and the answer is what the caller heard. */
  const subscription =
    (w: () => World) =>
    async (caller: CallerName, expected: Expected): Promise<Answer> => {
      const key = w().keys[caller];
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: key ? { authorization: `Bearer ${key}` } : {},
        lazy: false,
        retryAttempts: 0,
      });
      const heard: unknown[] = [];
      let failed = false;
      // A socket without a valid key is closed before it is acknowledged (4401, 4403): refused.
      const connected = new Promise<void>((resolve) => {
        client.on('connected', () => setTimeout(resolve, 200));
        client.on('closed', () => {
          failed = true;
          resolve();
        });
      });
      client.subscribe(
        { query: `subscription { recallIssued { ${RECALL_FIELDS} } }` },
        { next: (message) => (message.errors ? (failed = true) : heard.push(message)), error: () => (failed = true), complete: () => undefined },
      );
      await connected;
      const recall = await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [w().batches.A.id], level: 'LEVEL_3', reason: '复核' } }, w().orgs.regulator.key);
      // The notice goes out right after the commit: wait for it where it is expected, a little where it is not.
      const deadline = Date.now() + (expected === 'refused' ? 300 : 5000);
      while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await client.dispose();
      const text = JSON.stringify(heard);
      if (heard.length > 0) expect(text).toContain(recall.initiateRecall.id);
      return { refused: failed || heard.length === 0, text };
    };

  let world: World;
  const w = () => world;

  /** A row's run that also checks a value (not a batch's secret) is in an answer exactly for the callers `sees` names. */
  const shows =
    (run: Row['run'], value: () => string, sees: (caller: CallerName) => boolean): Row['run'] =>
    async (caller, expected) => {
      const answer = await run(caller, expected);
      expect({ caller, shown: answer.text.includes(value()) }).toEqual({ caller, shown: !answer.refused && sees(caller) });
      return answer;
    };

  const ROWS: Row[] = [
    {
      path: 'Query.batch',
      carries: ALL_KINDS,
      expected: only({ admin: ['A'], producer: ['A'], processor: ['A'], lab: ['A'], regulator: ['A'] }),
      run: graphql(w, `query($id: ID!) { batch(id: $id) { ${BATCH_FIELDS} } }`, () => ({ id: w().batches.A.id })),
    },
    {
      path: 'Query.batch',
      carries: ALL_KINDS,
      expected: only({ admin: ['B'], processor: ['B'], retailer: ['B'], lab: ['B'], regulator: ['B'] }),
      run: graphql(w, `query($id: ID!) { batch(id: $id) { ${BATCH_FIELDS} } }`, () => ({ id: w().batches.B.id })),
    },
    {
      path: 'Query.trace',
      carries: ALL_KINDS,
      expected: READERS_OF_A,
      run: graphql(w, `query($id: ID!) { trace(batchId: $id, direction: DOWNSTREAM) { ${TRACE_FIELDS} } }`, () => ({ id: w().batches.A.id })),
    },
    {
      path: 'Query.trace',
      carries: ALL_KINDS,
      expected: READERS_OF_B,
      run: graphql(w, `query($id: ID!) { trace(batchId: $id, direction: UPSTREAM) { ${TRACE_FIELDS} } }`, () => ({ id: w().batches.B.id })),
    },
    {
      path: 'Query.traceConnection',
      carries: ALL_KINDS,
      expected: READERS_OF_A,
      run: graphql(
        w,
        `query($id: ID!) { traceConnection(batchId: $id, direction: DOWNSTREAM, first: 10) { edges { node { depth batch { ${BATCH_FIELDS} } } } } }`,
        () => ({ id: w().batches.A.id }),
      ),
    },
    {
      path: 'Query.traceConnection',
      carries: ALL_KINDS,
      expected: READERS_OF_B,
      run: graphql(
        w,
        `query($id: ID!) { traceConnection(batchId: $id, direction: UPSTREAM, first: 10) { edges { node { depth batch { ${BATCH_FIELDS} } } } } }`,
        () => ({ id: w().batches.B.id }),
      ),
    },
    {
      path: 'Query.batchesWithExcursions',
      carries: ALL_KINDS,
      expected: only({ admin: ['B'], regulator: ['B'] }),
      // A page of 50: the default page of 100 with every nested list asked costs past a key's budget.
      run: graphql(w, `{ batchesWithExcursions(first: 50) { ${BATCH_FIELDS} } }`),
    },
    {
      path: 'Query.batchesWithExcursionsConnection',
      carries: ALL_KINDS,
      expected: only({ admin: ['B'], regulator: ['B'] }),
      run: graphql(w, `{ batchesWithExcursionsConnection(first: 50) { edges { node { ${BATCH_FIELDS} } } } }`),
    },
    // Regulators, the admin, and who made or holds an affected batch (not the lab, nor the stranger).
    {
      path: 'Query.recall',
      carries: ALL_KINDS,
      expected: only({ admin: BOTH, producer: BOTH, processor: BOTH, retailer: BOTH, regulator: BOTH }),
      run: graphql(w, `query($id: ID!) { recall(id: $id) { ${RECALL_FIELDS} } }`, () => ({ id: w().recallId })),
    },
    // A regulator's list of every recall: run before the mutations below start more recalls, so it holds the story's one.
    // (A page of 5: each recall carries its batches with every nested list, and 10 of them cost past a key's budget.)
    {
      path: 'Query.recalls',
      carries: ALL_KINDS,
      expected: only({ admin: BOTH, regulator: BOTH }),
      run: graphql(w, `{ recalls(first: 5) { edges { node { ${RECALL_FIELDS} } } } }`),
    },
    // Lists. Regulators and the admin list every batch (the makers' own stock beside the story's: 'whole').
    {
      path: 'Query.batches',
      carries: ALL_KINDS,
      expected: only({ admin: [...BOTH, 'whole'], regulator: [...BOTH, 'whole'] }),
      run: graphql(w, `{ batches(first: 50) { edges { cursor node { ${BATCH_FIELDS} } } } }`),
    },
    // A lab finds one lot by a filter that names it (it reads any batch by id already); any other filter is refused it.
    {
      path: 'Query.batches',
      carries: ALL_KINDS,
      expected: only({ admin: ['A'], lab: ['A'], regulator: ['A'] }),
      run: graphql(w, `query($code: String!) { batches(filter: { traceCode: $code }) { edges { node { ${BATCH_FIELDS} } } } }`, () => ({
        code: w().batches.A.traceCode,
      })),
    },
    {
      path: 'Query.batches',
      carries: ALL_KINDS,
      expected: only({ admin: ['B'], lab: ['B'], regulator: ['B'] }),
      run: graphql(w, `query($g: String!, $l: String!) { batches(filter: { gtin: $g, lotCode: $l }) { edges { node { ${BATCH_FIELDS} } } } }`, () => ({
        g: FLOUR_GTIN,
        l: w().batches.B.lotCode,
      })),
    },
    // Inspections with their batches: regulators and the admin every one, the lab the ones it recorded (here, both);
    // run before releaseBatch's row inspects a batch outside the story.
    {
      path: 'Query.inspections',
      carries: ALL_KINDS,
      expected: only({ admin: BOTH, lab: BOTH, regulator: BOTH }),
      run: graphql(w, `{ inspections(first: 20) { edges { node { agency inspectedBy { name } batch { ${BATCH_FIELDS} } } } } }`),
    },
    // A viewer lists what its organization made or holds now, each read whole; the lab and the regulator own none.
    {
      path: 'Query.viewer',
      carries: ALL_KINDS,
      expected: {
        ...only({ admin: [], lab: [], regulator: [], stranger: ['whole'] }),
        producer: ['A', 'whole'],
        processor: [...BOTH, 'whole'],
        retailer: ['B', 'whole'],
      },
      run: graphql(w, `{ viewer { batches(first: 50) { edges { node { ${BATCH_FIELDS} } } } } }`),
    },
    // The batches in transit to a viewer: the shop reads the farm's lot C whole while it is on its way; nobody else has it coming.
    {
      path: 'Query.viewer',
      carries: ALL_KINDS,
      expected: { ...only({ admin: [], producer: [], processor: [], stranger: [], lab: [], regulator: [] }), retailer: ['whole'] },
      run: graphql(w, `{ viewer { inboundBatches(first: 50) { edges { node { ${BATCH_FIELDS} shipment { quantity } } } } } }`),
    },
    // C in transit: batch(id) answers its producer and the shop it is shipped to, not the mill.
    {
      path: 'Query.batch',
      carries: ALL_KINDS,
      expected: only({ admin: ['whole'], producer: ['whole'], retailer: ['whole'], lab: ['whole'], regulator: ['whole'] }),
      run: graphql(w, `query($id: ID!) { batch(id: $id) { ${BATCH_FIELDS} shipment { quantity } } }`, () => ({ id: w().inboundToRetailer })),
    },
    // A viewer's recalls, as recall(id) reads each: the story's one reaches A (the farm made it) and B (the mill made it, the shop holds it);
    // the regulator started it. Run before the mutations below start more recalls.
    {
      path: 'Query.viewer',
      carries: ALL_KINDS,
      expected: { ...only({ admin: [], stranger: [], lab: [] }), producer: BOTH, processor: BOTH, retailer: BOTH, regulator: BOTH },
      run: graphql(w, `{ viewer { recalls(first: 5) { edges { node { ${RECALL_FIELDS} } } } } }`),
    },
    // Public: the consumer's view, never anything private, for anyone (a revoked key is refused, never taken for anonymous).
    {
      path: 'Query.scan',
      carries: [],
      expected: { ...EVERYONE(['A']), revoked: 'refused' },
      run: graphql(w, 'query($c: String!) { scan(code: $c) { lotCode productName producer timeline { organization place } } }', () => ({
        c: w().batches.A.traceCode,
      })),
    },
    {
      path: 'Mutation.initiateRecall',
      carries: ALL_KINDS,
      expected: only({ producer: BOTH, regulator: BOTH }),
      run: graphql(w, `mutation($input: InitiateRecallInput!) { initiateRecall(input: $input) { ${RECALL_FIELDS} } }`, () => ({
        input: { batchIds: [w().batches.A.id], level: 'LEVEL_3', reason: '再次召回' },
      })),
    },
    {
      path: 'Mutation.reportRecallRecovery',
      carries: ALL_KINDS,
      expected: only({ retailer: BOTH }),
      run: graphql(w, `mutation($input: ReportRecallRecoveryInput!) { reportRecallRecovery(input: $input) { ${RECALL_FIELDS} } }`, () => ({
        input: { recallId: w().recallId, batchId: w().batches.B.id, quantity: 1, disposition: 'RETURNED' },
      })),
    },
    {
      path: 'Mutation.closeRecall',
      carries: ALL_KINDS,
      expected: only({ regulator: BOTH }),
      run: graphql(w, `mutation($input: CloseRecallInput!) { closeRecall(input: $input) { ${RECALL_FIELDS} } }`, async () => {
        const fresh = await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [w().batches.A.id], level: 'LEVEL_3', reason: '演练' } }, w().orgs.regulator.key);
        return { input: { recallId: fresh.initiateRecall.id, note: '已完成' } };
      }),
    },
    {
      path: 'Mutation.registerBatch',
      carries: ALL_KINDS,
      expected: only({ producer: ['whole'], processor: ['whole'], retailer: ['whole'], stranger: ['whole'] }),
      run: graphql(w, `mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { ${BATCH_FIELDS} } }`, (caller) => ({
        input: {
          productId: w().makers[caller]?.product ?? w().batches.A.productId,
          facilityId: w().makers[caller]?.facility ?? w().makers.producer!.facility,
          lotCode: `N-${serial()}`,
          quantity: 5,
          unit: 'kg',
          producedAt: at(1),
        },
      })),
    },
    {
      path: 'Mutation.transformBatches',
      carries: ALL_KINDS,
      expected: only({ producer: ['whole'], processor: ['whole'], retailer: ['whole'], stranger: ['whole'] }),
      run: graphql(w, `mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { ${BATCH_FIELDS} } } }`, (caller) => {
        const maker = w().makers[caller] ?? w().makers.producer!;
        return {
          input: {
            facilityId: maker.facility,
            eventTime: at(9),
            inputs: [{ batchId: maker.stock, quantity: 1 }],
            outputs: [{ productId: maker.product, lotCode: `T-${serial()}`, quantity: 1, unit: 'kg' }],
          },
        };
      }),
    },
    {
      path: 'Mutation.releaseBatch',
      carries: ALL_KINDS,
      expected: only({ regulator: ['whole'] }),
      run: graphql(w, `mutation($input: ReleaseBatchInput!) { releaseBatch(input: $input) { ${BATCH_FIELDS} } }`, async () => ({
        input: { batchId: await w().newHeldBatch(), reason: '复检合格' },
      })),
    },
    // Who hears of a recall: regulators, the admin and the holders of its batches (the farm no longer holds A).
    {
      path: 'Subscription.recallIssued',
      carries: ALL_KINDS,
      expected: only({ admin: BOTH, processor: BOTH, retailer: BOTH, regulator: BOTH }),
      run: subscription(w),
    },

    // HTTP: exports and the ledger are for those who read every batch; they carry what their format has room for.
    { path: 'GET /trace/:file', carries: [], expected: EXPORTERS(BOTH), run: get(w, (x) => `/trace/${x.batches.A.id}.svg?direction=DOWNSTREAM`) },
    // The whole trace streamed: who may run the trace query on the batch; the lots' public columns and who made and holds them.
    { path: 'GET /trace/:batchId/:file', carries: [], expected: READERS_OF_A, run: get(w, (x) => `/trace/${x.batches.A.id}/lots.csv?direction=DOWNSTREAM`) },
    { path: 'GET /trace/:batchId/:file', carries: [], expected: READERS_OF_B, run: get(w, (x) => `/trace/${x.batches.B.id}/lots.ndjson?direction=UPSTREAM`) },
    {
      path: 'GET /exports/trace.csv',
      carries: ['billOfLading'],
      expected: EXPORTERS(BOTH),
      run: get(w, (x) => `/exports/trace.csv?batchId=${x.batches.A.id}&direction=DOWNSTREAM`),
    },
    {
      path: 'GET /exports/trace.xlsx',
      carries: ['billOfLading'],
      expected: EXPORTERS(BOTH),
      run: get(w, (x) => `/exports/trace.xlsx?batchId=${x.batches.B.id}&direction=UPSTREAM`),
    },
    {
      path: 'GET /exports/events.csv',
      carries: ['billOfLading'],
      expected: EXPORTERS(['A']),
      run: get(w, (x) => `/exports/events.csv?productId=${x.batches.A.productId}&from=2026-01-01&to=2027-01-01`),
    },
    {
      path: 'GET /exports/events.xlsx',
      carries: ['billOfLading'],
      expected: EXPORTERS(['B']),
      run: get(w, (x) => `/exports/events.xlsx?productId=${x.batches.B.productId}&from=2026-01-01&to=2027-01-01`),
    },
    {
      path: 'GET /epcis/events',
      carries: ['billOfLading', 'sensor'],
      expected: EXPORTERS(BOTH),
      run: get(w, (x) => `/epcis/events?batchId=${x.batches.A.id}`),
    },
    // The EPCIS query interface: an organization reads the events it recorded, whichever batch they are on;
    // a regulator and the admin every one. Filtered by step so that each caller's events carry one kind of secret.
    {
      path: 'GET /epcis/events',
      carries: ['billOfLading'],
      expected: only({ admin: BOTH, regulator: BOTH, producer: ['A'], processor: ['B'], retailer: [], stranger: [], lab: [] }),
      run: get(w, () => '/epcis/events?EQ_bizStep=shipping'),
    },
    {
      path: 'GET /epcis/events',
      carries: ['sensor'],
      expected: only({ admin: BOTH, regulator: BOTH, producer: [], processor: ['A'], retailer: ['B'], stranger: [], lab: [] }),
      run: get(w, () => '/epcis/events?EQ_bizStep=sensor_reporting&perPage=1000'),
    },
    // One event by its eventID: the farm's shipping of A; the mill, which may read A, did not record it (404, as unknown).
    {
      path: 'GET /epcis/events/:eventID',
      carries: ['billOfLading'],
      expected: only({ admin: ['A'], regulator: ['A'], producer: ['A'] }),
      run: async (caller) => {
        const lotA = `${app.get<AppConfig>(APP_CONFIG).publicBaseUrl}/q/${w().batches.A.traceCode}`;
        const listed = await request(app.getHttpServer())
          .get(`/epcis/events?EQ_bizStep=shipping&MATCH_epcClass=${encodeURIComponent(lotA)}`)
          .set('authorization', `Bearer ${TEST_ADMIN_KEY}`);
        const [shipping] = JSON.parse(listed.text).epcisBody.queryResults.resultsBody.eventList as { eventID: string }[];
        return get(w, () => `/epcis/events/${encodeURIComponent(shipping.eventID)}`)(caller);
      },
    },
    { path: 'GET /ledger/export', carries: ALL_KINDS, expected: EXPORTERS(BOTH), run: get(w, () => '/ledger/export') },
    // The mock recall report: regulators, the admin, and the lot's producer or custodian; it shows a lab's findings.
    {
      path: 'GET /reports/mock-recall/:file',
      carries: ['inspection'],
      expected: only({ admin: BOTH, producer: BOTH, processor: BOTH, regulator: BOTH }),
      run: get(w, (x) => `/reports/mock-recall/${x.batches.A.id}.html`),
    },
    {
      path: 'GET /reports/mock-recall/:file',
      carries: ['inspection'],
      expected: only({ admin: BOTH, processor: BOTH, retailer: BOTH, regulator: BOTH }),
      run: get(w, (x) => `/reports/mock-recall/${x.batches.B.id}.pdf`),
    },
    // Public pages: anyone, nothing private.
    // B's page names the lot it was made from, A, and links to A's own page (issue 16: the journey names its source lots).
    { path: 'GET /q/:code', carries: [], expected: { ...EVERYONE(BOTH), revoked: 'refused' }, run: get(w, (x) => `/q/${x.batches.B.traceCode}`) },
    {
      path: 'GET /q/:code/events',
      carries: [],
      expected: { ...EVERYONE(['B']), revoked: 'refused' },
      run: get(w, (x) => `/q/${x.batches.B.traceCode}/events`),
    },
    // The page's proof of B, made from A: A's steps are proven, but A's lot and trace codes are not disclosed.
    {
      path: 'GET /q/:code/proof.json',
      carries: [],
      expected: { ...EVERYONE(['B']), revoked: 'refused' },
      run: get(w, (x) => `/q/${x.batches.B.traceCode}/proof.json`),
    },
    {
      path: 'GET /q/:code/chain.json',
      carries: [],
      expected: { ...EVERYONE([]), revoked: 'refused' },
      run: get(w, (x) => `/q/${x.batches.A.traceCode}/chain.json`),
    },
    // The public recall notices name the recalled lots: that is what they are for.
    { path: 'GET /recalls', carries: [], expected: { ...EVERYONE(BOTH), revoked: 'refused' }, run: get(w, () => '/recalls') },
    { path: 'GET /recalls.atom', carries: [], expected: { ...EVERYONE(BOTH), revoked: 'refused' }, run: get(w, () => '/recalls.atom') },
    // The tills' blocklist names the recalled lots by GTIN and lot, with their pages: public for the same reason. Only B's
    // product has a GTIN; A's lot is counted, not named.
    { path: 'GET /recalls/blocklist', carries: [], expected: { ...EVERYONE(['B']), revoked: 'refused' }, run: get(w, () => '/recalls/blocklist') },
    { path: 'GET /recalls/blocklist.csv', carries: [], expected: { ...EVERYONE(['B']), revoked: 'refused' }, run: get(w, () => '/recalls/blocklist.csv') },
    // The GS1 resolver's linkset of B (its redirects lead to the pages above); the product page names no lot.
    {
      path: 'GET /01{/*path}',
      carries: [],
      expected: { ...EVERYONE(['B']), revoked: 'refused' },
      run: get(w, (x) => `/01/${FLOUR_GTIN}/10/${encodeURIComponent(x.batches.B.lotCode)}?linkType=linkset`),
    },
    { path: 'GET /products/:gtin', carries: [], expected: { ...EVERYONE([]), revoked: 'refused' }, run: get(w, () => `/products/${FLOUR_GTIN}`) },
    // A unit of B: its public view reaches B as every path does (private fields to B's readers only), its page is B's page.
    {
      path: 'Query.unit',
      carries: ALL_KINDS,
      expected: { ...EVERYONE(['B']), revoked: 'refused' },
      run: graphql(w, `query($g: String!, $s: String!) { unit(gtin: $g, serial: $s) { serial batch { ${BATCH_FIELDS} } } }`, () => ({
        g: FLOUR_GTIN,
        s: w().unitSerial,
      })),
    },
    // The same, with the lot's commissionings: a private field of B, listed to B's readers only (withheldFields names it for the rest).
    {
      path: 'Query.unit',
      carries: ALL_KINDS,
      expected: { ...EVERYONE(['B']), revoked: 'refused' },
      run: shows(
        graphql(w, `query($g: String!, $s: String!) { unit(gtin: $g, serial: $s) { batch { ${BATCH_FIELDS} commissionings { id count } } } }`, () => ({
          g: FLOUR_GTIN,
          s: w().unitSerial,
        })),
        () => w().commissioningId,
        (caller) => READS[caller].includes('B'),
      ),
    },
    // A viewer's packages: the shop's case is in its custody (shipped) and inbound to the mill; nobody else sees it.
    {
      path: 'Query.viewer',
      carries: [],
      expected: only({ admin: [], producer: [], processor: [], retailer: [], stranger: [], lab: [], regulator: [] }),
      run: shows(
        graphql(w, '{ viewer { packages { edges { node { sscc status } } } inboundPackages { edges { node { sscc status } } } } }'),
        () => w().caseSscc,
        (caller) => caller === 'processor' || caller === 'retailer',
      ),
    },
    { path: 'GET /u/:gtin/:serial', carries: [], expected: { ...EVERYONE(BOTH), revoked: 'refused' }, run: get(w, (x) => `/u/${FLOUR_GTIN}/${x.unitSerial}`) },
    {
      path: 'GET /u/:gtin/:serial/proof.json',
      carries: [],
      // The commissioning entry's proof names its lot by trace code, as the unit's page (B's page) does.
      expected: { ...EVERYONE(['B']), revoked: 'refused' },
      run: get(w, (x) => `/u/${FLOUR_GTIN}/${x.unitSerial}/proof.json`),
    },
  ];

  it('has a row for every schema field that reaches a Batch, and a row or a reason for every route', () => {
    const schema = buildSchema(readFileSync('schema.gql', 'utf8'));
    // Types from which a Batch can be reached (Batch itself included), found by walking the fields to a fixed point.
    const reaches = new Set<string>(['Batch']);
    const objectTypes = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith('__'));
    const fieldTypes = (t: GraphQLNamedType) => (isObjectType(t) ? Object.values(t.getFields()).map((f) => getNamedType(f.type).name) : []);
    for (let grew = true; grew;) {
      grew = false;
      for (const t of objectTypes) if (!reaches.has(t.name) && fieldTypes(t).some((n) => reaches.has(n))) grew = reaches.add(t.name) && true;
    }
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((root) =>
      Object.values(root!.getFields())
        .filter((f) => reaches.has(getNamedType(f.type).name))
        .map((f) => `${root!.name}.${f.name}`),
    );
    const named = new Set(ROWS.map((r) => r.path));
    expect(roots.filter((r) => !named.has(r))).toEqual([]);

    const router = (app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router;
    const routes = router.stack
      .filter((layer) => layer.route)
      .flatMap((layer) => Object.keys(layer.route!.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`))
      .filter((route) => !route.startsWith('HEAD ') && !route.startsWith('OPTIONS '));
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((route) => !named.has(route) && !(route in NO_BATCH_DATA))).toEqual([]);
  });

  it('withholds a batch’s private data on every path from every caller that may not read it, and shows it to those who may', async () => {
    world = await buildWorld();
    const lotCodes = { A: world.batches.A.lotCode, B: world.batches.B.lotCode };
    const found = (text: string, secret: string) => text.includes(secret);
    /** The story's batches an answer names: in GraphQL, the objects with a lot code (ledger payloads aside); elsewhere, a lot or trace code in the text. */
    const storyBatchesNamed = (row: Row, text: string): BatchName[] => {
      if (!isGraphql(row)) return (['A', 'B'] as const).filter((b) => found(text, lotCodes[b]) || found(text, world.batches[b].traceCode));
      const named = new Set<string>();
      walkOutsidePayloads(JSON.parse(text), (o) => typeof o.lotCode === 'string' && named.add(o.lotCode));
      return (['A', 'B'] as const).filter((b) => named.has(lotCodes[b]));
    };
    const actual: Record<string, Record<CallerName, Expected>> = {};
    const wanted: Record<string, Record<CallerName, Expected>> = {};
    const leaks: string[] = [];

    for (const [index, row] of ROWS.entries()) {
      const name = `${index} ${row.path}`;
      actual[name] = {} as Record<CallerName, Expected>;
      wanted[name] = row.expected;
      for (const caller of CALLERS) {
        const expected = row.expected[caller];
        const answer = await row.run(caller, expected);
        // What the answer shows, in the table's terms: refused, or the story's batches it names.
        actual[name][caller] = answer.refused
          ? 'refused'
          : [...storyBatchesNamed(row, answer.text), ...(expected !== 'refused' && expected.includes('whole') ? ['whole' as const] : [])];
        for (const batch of ['A', 'B'] as const) {
          for (const kind of ALL_KINDS) {
            const shown = !answer.refused && expected !== 'refused' && expected.includes(batch) && READS[caller].includes(batch) && row.carries.includes(kind);
            if (found(answer.text, world.secrets[batch][kind]) !== shown)
              leaks.push(`${name} as ${caller}: ${batch}'s ${kind} ${shown ? 'missing' : 'LEAKED'}`);
          }
        }
        if (!answer.refused && isGraphql(row)) {
          checkWithheldFields(answer.text, caller, expected, lotCodes, `${name} as ${caller}`, leaks);
        }
      }
    }
    expect(leaks).toEqual([]);
    // One comparison of the whole table, so a failure shows every cell that differs.
    expect(actual).toEqual(wanted);
  });

  // An organization's keys (labels, when created, revoked and last used) are its own and the admin's business: on every
  // path that reaches an organization, a planted label shows to the mill itself and the admin only, whoever else may read the rest.
  it('shows Organization.apiKeys to the organization itself and the admin only, on every path that reaches an organization', async () => {
    world ??= await buildWorld();
    const mill = world.orgs.processor;
    const planted = `SKEY${serial().replace('-', 'X')}`;
    await gqlOk(app, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }', { input: { label: planted } }, mill.key);
    const KEYS = 'apiKeys { label createdAt lastUsedAt revokedAt }';
    const paths: Record<string, [string, Record<string, unknown>]> = {
      'Query.organization': [`query($id: ID!) { organization(id: $id) { ${KEYS} } }`, { id: mill.id }],
      'Query.organizations': [`{ organizations(first: 100, kind: PROCESSOR) { edges { node { ${KEYS} } } } }`, {}],
      'Query.viewer': [`{ viewer { organization { ${KEYS} } } }`, {}],
      // Lot A is in the mill's custody.
      'Batch.custodian': [`query($id: ID!) { batch(id: $id) { custodian { ${KEYS} } } }`, { id: world.batches.A.id }],
      'Facility.organization': [`{ viewer { facilities(first: 5) { edges { node { organization { ${KEYS} } } } } } }`, {}],
    };
    const shownTo: Record<string, CallerName[]> = {};
    for (const [path, [document, variables]] of Object.entries(paths)) {
      shownTo[path] = [];
      for (const caller of CALLERS) {
        const res = request(app.getHttpServer()).post('/graphql').set('content-type', 'application/json');
        const key = world.keys[caller];
        if (key) res.set('authorization', `Bearer ${key}`);
        const answer = await res.send({ query: document, variables });
        if (answer.text.includes(planted)) shownTo[path].push(caller);
      }
    }
    expect(shownTo).toEqual({
      'Query.organization': ['admin', 'processor'],
      'Query.organizations': ['admin'],
      'Query.viewer': ['processor'],
      'Batch.custodian': ['admin', 'processor'],
      'Facility.organization': ['processor'],
    });
  });
});

const isGraphql = (row: Row) => /^(Query|Mutation|Subscription)\./.test(row.path);

/** Calls `visit` on every object of a GraphQL answer but those inside a ledger entry's payload (which quotes other batches' lot codes). */
function walkOutsidePayloads(value: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) value.forEach((v) => walkOutsidePayloads(v, visit));
  else if (value && typeof value === 'object') {
    visit(value as Record<string, unknown>);
    for (const [key, v] of Object.entries(value)) if (key !== 'payload') walkOutsidePayloads(v, visit);
  }
}

/**
 * In a GraphQL answer, every batch object says what it withheld: the private fields (events,
 * inspections) for a batch the caller may not read, nothing for one it may.
 */
function checkWithheldFields(
  text: string,
  caller: CallerName,
  expected: Expected,
  lotCodes: Record<BatchName, string>,
  cell: string,
  problems: string[],
): void {
  if (expected === 'refused') return;
  const batches: { lotCode: string; withheldFields: string[] }[] = [];
  walkOutsidePayloads(JSON.parse(text), (o) => {
    if (typeof o.lotCode === 'string' && Array.isArray(o.withheldFields)) batches.push(o as { lotCode: string; withheldFields: string[] });
  });
  for (const b of batches) {
    const story = (Object.keys(lotCodes) as BatchName[]).find((n) => lotCodes[n] === b.lotCode);
    const readable = story ? READS[caller].includes(story) : expected.includes('whole');
    const want = readable ? [] : ['commissionings', 'events', 'inspections', 'shipment'];
    if (JSON.stringify(b.withheldFields) !== JSON.stringify(want)) problems.push(`${cell}: ${b.lotCode} withheld ${JSON.stringify(b.withheldFields)}`);
  }
}
