import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  type IntrospectionQuery,
} from 'graphql';
import request from 'supertest';
import { canonicalJson } from '../../src/ledger/canonical-json.js';
import {
  CLEAR_ERROR_CODES,
  expectClearError,
  expectNoInternals,
  GraphqlAnswer,
  HOSTILE_BOOLEANS,
  HOSTILE_DATE_TIMES,
  HOSTILE_FLOATS,
  HOSTILE_IDS,
  HOSTILE_INTS,
  HOSTILE_JSON,
  HOSTILE_STRINGS,
  hostileEnumValues,
  HostileValue,
  jsonLeavesAndNodes,
  ledgerSize,
  payloadsAfter,
  postRaw,
  postRawGraphql,
  verifyWholeLedger,
  withInvalidUtf8,
} from '../support/hostile-values.js';
import { createOrg, producerWithBatch, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { buildInputWorld, InputWorld } from '../support/input-world.js';
import { FIELD_COSTS } from '../../src/limits/field-costs.js';
import { encodeCursor } from '../../src/lists/page.js';
import { gqlOk, rawBody, TEST_ADMIN_KEY, TEST_SIGNING_SEED, useTestApp } from '../support/test-app.js';
import { signingKeyFromSeed } from '../../src/ledger/signing-key.js';
import { scanDay, scanToken, scanTokenSecret } from '../../src/scan/scan-token.js';
import { LEDGER_SIZE, RECORD_EVENT } from '../support/documents.js';

/**
 * Every input the service takes, sent hostile values: driven by the live schema (every argument of
 * every mutation and query, nested input types walked), the HTTP routes Express knows, and a valid
 * EPCIS document walked member by member. Each variant of a valid baseline must be refused with a
 * clear error and leave the ledger as it was, or, where the value is plausible text or a number in
 * range, be accepted and stored exactly as sent.
 */

interface Call {
  key?: string;
  args: Record<string, unknown>;
}
type Baseline = (w: InputWorld) => Call | Promise<Call>;

const HOLDER_OF_SHARED_BATCH = (w: InputWorld) => w.producer.key;

/** A valid call of every mutation; a mutation of the schema missing here fails the suite. */
const MUTATIONS: Record<string, Baseline> = {
  attachCertificate: (w) => ({
    key: w.producer.key,
    args: {
      input: {
        productId: w.rice.id,
        kind: 'COMMITMENT',
        number: w.unique('CN'),
        issuer: '宁河区农业农村委员会',
        validFrom: '2026-01-01T00:00:00Z',
        validUntil: '2027-01-01T00:00:00Z',
        documentSha256: 'ab'.repeat(32),
      },
    },
  }),
  attestCertificate: async (w) => ({
    key: w.certifier.key,
    args: { input: { certificateId: await w.declaredCertificate(), documentSha256: 'ab'.repeat(32) } },
  }),
  checkUnit: (w) => ({ args: { gtin: w.units.gtin, serial: w.units.serial, checkCode: w.units.checkCode } }),
  commissionUnits: (w) => ({ key: w.producer.key, args: { input: { batchId: w.sharedBatch.id, count: 3, idempotencyKey: w.unique('units') } } }),
  closeRecall: async (w) => ({ key: w.regulator.key, args: { input: { recallId: (await w.openRecall()).recallId, note: '涉事产品已全部退回' } } }),
  // The admin naming the organization: both fields of the input walked (an organization's own key naming itself is the same call).
  createApiKey: (w) => ({ key: TEST_ADMIN_KEY, args: { input: { label: w.unique('扫码枪'), organizationId: w.retailer.id } } }),
  createCheckpoint: () => ({ key: TEST_ADMIN_KEY, args: {} }),
  createOrganization: (w) => ({ key: TEST_ADMIN_KEY, args: { input: { name: w.unique('合作社'), kind: 'PRODUCER' } } }),
  packUnits: (w) => ({
    key: w.producer.key,
    args: { input: { facilityId: w.facilityId, sscc: w.packing.freshSscc(), gtin: w.packing.gtin, unitSerials: [w.packing.freshSerial()] } },
  }),
  receivePackage: async (w) => ({
    key: w.retailer.key,
    args: { input: { sscc: await w.packing.packageShippedToRetailer(), facilityId: w.retailerFacilityId, eventTime: w.freshInstant() } },
  }),
  setGs1CompanyPrefix: async (w) => ({
    key: TEST_ADMIN_KEY,
    args: {
      organizationId: (await createOrg(w.app, 'PRODUCER', w.unique('合作社'))).id,
      gs1CompanyPrefix: `6960${w.unique('').replace(/\D/g, '').padStart(5, '0')}`,
    },
  }),
  shipPackage: async (w) => ({
    key: w.producer.key,
    args: { input: { sscc: await w.packing.freshPackage(), facilityId: w.facilityId, destinationOrganizationId: w.retailer.id, eventTime: w.freshInstant() } },
  }),
  unpack: async (w) => ({ key: w.producer.key, args: { sscc: await w.packing.freshPackage(), facilityId: w.facilityId } }),
  initiateRecall: async (w) => ({ key: w.regulator.key, args: { input: { batchIds: [(await w.newBatch()).id], level: 'LEVEL_3', reason: '标签错误' } } }),
  recordEvent: (w) => ({ key: HOLDER_OF_SHARED_BATCH(w), args: { input: storing(w) } }),
  recordEvents: (w) => ({ key: HOLDER_OF_SHARED_BATCH(w), args: { input: [storing(w), storing(w)] } }),
  recordInspection: (w) => ({
    key: w.lab.key,
    args: {
      input: {
        batchId: w.sharedBatch.id,
        agency: '天津市食品检验所',
        standard: 'GB 2762-2022',
        verdict: 'PASS',
        items: [{ name: '铅 (Pb)', value: 0.05, limit: 0.2, unit: 'mg/kg', passed: true }],
      },
    },
  }),
  recordTemperatures: (w) => ({
    key: HOLDER_OF_SHARED_BATCH(w),
    args: {
      input: {
        batchId: w.sharedBatch.id,
        sensorId: 'logger-1',
        readings: [
          { at: w.freshInstant(), celsius: 4.5 },
          { at: w.freshInstant(), celsius: 5 },
        ],
      },
    },
  }),
  registerBatch: (w) => ({
    key: w.producer.key,
    args: {
      input: {
        productId: w.rice.id,
        facilityId: w.facilityId,
        lotCode: w.unique('XZD'),
        quantity: 500,
        unit: 'kg',
        producedAt: '2026-10-01T00:00:00Z',
        details: { field: '七里海' },
        idempotencyKey: w.unique('batch'),
      },
    },
  }),
  registerFacility: (w) => ({ key: w.producer.key, args: { input: { name: w.unique('仓库'), region: '天津市宁河区' } } }),
  registerProduct: (w) => ({
    key: w.producer.key,
    args: {
      input: {
        name: w.unique('大米'),
        category: 'GRAIN',
        storage: 'CHILLED',
        minTempC: 0,
        maxTempC: 8,
        excursionToleranceMinutes: 30,
        maxReadingGapMinutes: 60,
        geographicIndication: '小站稻',
      },
    },
  }),
  registerWebhook: (w) => ({ key: w.producer.key, args: { url: 'https://example.org/hooks/suyuan' } }),
  releaseBatch: async (w) => ({ key: w.regulator.key, args: { input: { batchId: await w.heldBatch(), reason: '复检合格' } } }),
  reportRecallRecovery: async (w) => {
    const { recallId, batchId } = await w.openRecall();
    return { key: w.producer.key, args: { input: { recallId, batchId, quantity: 5, disposition: 'RETURNED' } } };
  },
  revokeApiKey: async (w) => {
    const created = await gqlOk(
      w.app,
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }',
      { input: { label: w.unique('临时') } },
      w.retailer.key,
    );
    return { key: w.retailer.key, args: { id: created.createApiKey.apiKey.id } };
  },
  transformBatches: async (w) => ({
    key: w.producer.key,
    args: {
      input: {
        facilityId: w.facilityId,
        eventTime: w.freshInstant(),
        inputs: [{ batchId: (await w.newBatch()).id, quantity: 100 }],
        outputs: [{ productId: w.milledRice.id, lotCode: w.unique('MILLED'), quantity: 70, unit: 'kg' }],
      },
    },
  }),
};

/** A valid call of every query that takes arguments; one missing here fails the suite. */
const QUERIES: Record<string, Baseline> = {
  batch: (w) => ({ key: w.producer.key, args: { id: w.sharedBatch.id } }),
  batches: (w) => ({
    key: w.regulator.key,
    args: {
      first: 5,
      filter: {
        lotCode: 'LOT-1',
        traceCode: w.sharedBatch.traceCode,
        region: '天津市宁河区',
        gtin: '06901234567892',
        producerId: w.producer.id,
        producedFrom: '2026-01-01T00:00:00.000Z',
      },
    },
  }),
  batchesWithExcursions: (w) => ({ key: w.regulator.key, args: { first: 10 } }),
  batchesWithExcursionsConnection: (w) => ({ key: w.regulator.key, args: { first: 10 } }),
  consistencyProof: () => ({ args: { fromSize: 1, toSize: 2 } }),
  inclusionProof: () => ({ args: { seq: 1, treeSize: 2 } }),
  inspections: (w) => ({
    key: w.regulator.key,
    args: {
      first: 5,
      filter: { verdict: 'FAIL', batchId: w.sharedBatch.id },
      // A cursor of this list under this filter (its scope), at the batch.
      after: encodeCursor('inspection', { verdict: 'FAIL', batchId: w.sharedBatch.id }, { seq: '1', id: w.sharedBatch.id }),
    },
  }),
  ledgerEntries: () => ({ key: TEST_ADMIN_KEY, args: { afterSeq: 0, first: 2 } }),
  ledgerEntriesConnection: () => ({
    key: TEST_ADMIN_KEY,
    args: { first: 2, after: encodeCursor('ledgerEntry', {}, { seq: '1', id: '' }) },
  }),
  organization: (w) => ({ key: w.regulator.key, args: { id: w.retailer.id } }),
  organizations: (w) => ({ key: w.regulator.key, args: { first: 5, kind: 'LAB' } }),
  recall: async (w) => ({ key: w.regulator.key, args: { id: (await w.openRecall()).recallId } }),
  recalls: (w) => ({ key: w.regulator.key, args: { first: 5, status: 'OPEN' } }),
  scan: (w) => ({ args: { code: w.sharedBatch.traceCode } }),
  trace: (w) => ({ key: w.producer.key, args: { batchId: w.sharedBatch.id, direction: 'DOWNSTREAM', maxDepth: 5 } }),
  unit: (w) => ({ args: { gtin: w.units.gtin, serial: w.units.serial } }),
  traceConnection: (w) => ({
    key: w.producer.key,
    args: {
      batchId: w.sharedBatch.id,
      direction: 'DOWNSTREAM',
      maxDepth: 5,
      first: 10,
      // A cursor of this trace (its scope: the batch, direction and depth), at the start lot.
      after: encodeCursor('traceNode', { batchId: w.sharedBatch.id, direction: 'DOWNSTREAM', maxDepth: 5 }, { seq: '0', id: w.sharedBatch.id }),
    },
  }),
  verifyBatch: (w) => ({ args: { batchId: w.sharedBatch.id } }),
  verifyLedger: () => ({ key: TEST_ADMIN_KEY, args: { fromSeq: 1, toSeq: 2 } }),
};

function storing(w: InputWorld) {
  return {
    batchId: w.sharedBatch.id,
    bizStep: 'STORING',
    eventTime: w.freshInstant(),
    facilityId: w.facilityId,
    quantity: 10,
    details: { note: '二号仓' },
    idempotencyKey: w.unique('store'),
  };
}

/** One hostile variant of a baseline call: the value at `path` (argument name first) replaced. */
interface Variant extends HostileValue {
  path: (string | number)[];
  /** The input type and field (or operation and argument) the value is for, e.g. RecordEventInput.eventTime. */
  owner: string;
  /** The scalar the value stands in for, to compare what was stored. */
  scalar?: string;
}

const SCALAR_VALUES: Record<string, HostileValue[]> = {
  String: HOSTILE_STRINGS,
  ID: HOSTILE_IDS,
  Int: HOSTILE_INTS,
  SafeInt: HOSTILE_INTS,
  Float: HOSTILE_FLOATS,
  DateTime: HOSTILE_DATE_TIMES,
  JSON: HOSTILE_JSON,
  Boolean: HOSTILE_BOOLEANS,
};

/** Date-times that may lie far ahead: a certificate's validity. Everything else happened already. */
// A filter's bound is a question, not a claim: produced before 9999 is every batch.
const FUTURE_IS_VALID = new Set([
  'AttachCertificateInput.validFrom',
  'AttachCertificateInput.validUntil',
  'BatchFilter.producedFrom',
  'BatchFilter.producedTo',
]);

/** Every hostile variant of an input type, walking lists and nested input objects; an unknown scalar fails loudly. */
function* variantsOf(type: GraphQLInputType, path: (string | number)[], owner: string, example: unknown): Generator<Variant> {
  if (isNonNullType(type)) {
    yield { path, owner, label: 'null', value: null };
    yield* variantsOf(type.ofType, path, owner, example);
    return;
  }
  if (isListType(type)) {
    const element = Array.isArray(example) ? example[0] : undefined;
    yield { path, owner, label: 'empty list', value: [] };
    yield { path, owner, label: '100k elements', value: Array(100_000).fill(element ?? null) };
    yield* variantsOf(type.ofType, [...path, 0], owner, element);
    return;
  }
  if (isInputObjectType(type)) {
    yield { path, owner, label: 'unknown field', value: { ...(example as object), unknownField: 1 } };
    yield { path, owner, label: 'a string instead of an object', value: 'object' };
    for (const field of Object.values(type.getFields())) {
      yield* variantsOf(field.type, [...path, field.name], `${type.name}.${field.name}`, (example as Record<string, unknown> | undefined)?.[field.name]);
    }
    return;
  }
  if (isEnumType(type)) {
    for (const v of hostileEnumValues(typeof example === 'string' ? example : type.getValues()[0].name)) yield { ...v, path, owner };
    return;
  }
  const values = SCALAR_VALUES[type.name];
  if (!values) throw new Error(`no hostile values for the scalar ${type.name} (at ${owner}): add them to SCALAR_VALUES`);
  for (const v of values) {
    const plausible = v.plausible && (v.label !== 'far future' || FUTURE_IS_VALID.has(owner));
    yield { ...v, plausible, path, owner, scalar: type.name };
  }
}

function withValueAt(args: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(args);
  let node: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) {
    if (node[step] === undefined || node[step] === null) node[step] = typeof step === 'number' ? [] : {};
    node = node[step] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]] = value;
  return copy;
}

/**
 * Every leaf and object field of the result, two levels deep: what a round trip compares. A nested field
 * that is a whole request's work by itself (Verification.projections replays the ledger) is left out: it
 * would spend an anonymous caller's budget, and it compares nothing the input changed.
 */
function selectionOf(type: GraphQLOutputType, depth = 2): string {
  const named = getNamedType(type);
  if (!isObjectType(named)) return '';
  const fields = Object.values((named as GraphQLObjectType).getFields()).filter(
    (f) => f.args.every((a) => !isNonNullType(a.type)) && (FIELD_COSTS[`${named.name}.${f.name}`]?.cost ?? 1) < 1000,
  );
  const parts = fields.flatMap((f) => {
    if (!isObjectType(getNamedType(f.type))) return [f.name];
    if (depth <= 1) return [];
    const inner = selectionOf(f.type, depth - 1);
    return inner ? [`${f.name} ${inner}`] : [];
  });
  return `{ ${parts.join(' ')} }`;
}

function operationText(kind: 'mutation' | 'query', field: GraphQLField<unknown, unknown>, extraArgument = ''): string {
  const variables = field.args.map((a: GraphQLArgument) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = [...field.args.map((a) => `${a.name}: $${a.name}`), extraArgument].filter(Boolean).join(', ');
  return `${kind}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selectionOf(field.type)} }`;
}

async function send(w: InputWorld, text: string, variables: Record<string, unknown>, key?: string): Promise<GraphqlAnswer> {
  return postRawGraphql(w.app, JSON.stringify({ query: text, variables }), key);
}

/** Whether the value sent is what came back or was written to the ledger (a DateTime as the same instant). */
function storedExactly(variant: Variant, places: unknown[]): boolean {
  const wanted = variant.value;
  for (const place of places) {
    for (const node of jsonLeavesAndNodes(place)) {
      if (
        variant.scalar === 'DateTime' &&
        typeof node === 'string' &&
        typeof wanted === 'string' &&
        /^\d{4}-\d\d-\d\dT/.test(node) &&
        Date.parse(node) === Date.parse(wanted)
      )
        return true;
      if (typeof wanted === 'object' && wanted !== null) {
        if (typeof node === 'object' && node !== null && canonicalJson(node) === canonicalJson(wanted)) return true;
      } else if (node === wanted) return true;
    }
  }
  return false;
}

/** Values for path segments and query parameters, written as they appear in a URL. */
const HOSTILE_URL_VALUES: [label: string, value: string][] = [
  ['NUL byte', '%00'],
  ['malformed UUID', 'not-a-uuid'],
  ['SQL injection', encodeURIComponent("' OR '1'='1")],
  ['HTML injection', encodeURIComponent('<script>alert(1)</script>')],
  ['broken percent-encoding', '%E0%A4%A'],
  ['encoded lone surrogate', '%ED%A0%80'],
  ['invalid UTF-8 byte', '%FF'],
  ['RTL override', '%E2%80%AE'],
  ['path traversal', '..%2F..%2Fetc%2Fpasswd'],
  ['10k characters', 'x'.repeat(10_000)],
  ['empty', ''],
];

interface RouteProbe {
  key?: (w: InputWorld) => string;
  params?: Record<string, (w: InputWorld) => string>;
  query?: Record<string, (w: InputWorld) => string>;
  /** Its input is a body, probed in the EPCIS part below. */
  body?: true;
  headers?: (w: InputWorld) => Record<string, string>;
}

/** The scan token the batch page of `code` carries today, as the service makes it with the tests' signing key. */
function pageScanToken(code: string): string {
  return scanToken(scanTokenSecret(signingKeyFromSeed(Buffer.from(TEST_SIGNING_SEED, 'base64')).privateKey), code, scanDay(new Date()));
}

/** A valid request of every HTTP route Express serves; a route missing here fails the suite. */
const ROUTES: Record<string, RouteProbe> = {
  'GET /01{/*path}': { params: { path: (w) => `${w.rice.gtin}/10/${w.sharedBatch.lotCode}/21/0001` }, query: { linkType: () => 'gs1:pip' } },
  'GET /.well-known/gs1resolver': {},
  'GET /assets/verify.js': {},
  'GET /console': {},
  'GET /console/:asset': { params: { asset: () => 'console.js' } },
  'GET /graphiql/:asset': { params: { asset: () => 'start.js' } },
  // The query interface's parameters. (With batchId or productId the path is the export, probed here before it shared the path;
  // its parsing, export-query.ts, is unchanged and unit-tested.)
  'GET /epcis/events': {
    key: (w) => w.regulator.key,
    query: {
      EQ_bizStep: () => 'storing',
      GE_eventTime: () => '2026-01-01T00:00:00Z',
      LT_eventTime: () => '2027-01-01T00:00:00Z',
      MATCH_epcClass: (w) => `https://id.gs1.org/01/${w.rice.gtin}/10/${w.sharedBatch.lotCode}`,
      MATCH_anyEPC: (w) => `https://id.gs1.org/01/${w.rice.gtin}/10/${w.sharedBatch.lotCode}`,
      EQ_bizLocation: (w) => `urn:uuid:${w.facilityId}`,
      perPage: () => '10',
    },
  },
  'GET /epcis/events/:eventID': { key: (w) => w.regulator.key, params: { eventID: (w) => w.capturedEventId } },
  'GET /exports/events.csv': {
    key: (w) => w.regulator.key,
    query: { productId: (w) => w.rice.id, from: () => '2026-01-01T00:00:00Z', to: () => '2027-01-01T00:00:00Z' },
  },
  'GET /exports/events.xlsx': {
    key: (w) => w.regulator.key,
    query: { productId: (w) => w.rice.id, from: () => '2026-01-01T00:00:00Z', to: () => '2027-01-01T00:00:00Z' },
  },
  'GET /exports/trace.csv': { key: (w) => w.regulator.key, query: { batchId: (w) => w.sharedBatch.id, direction: () => 'upstream' } },
  'GET /exports/trace.xlsx': { key: (w) => w.regulator.key, query: { batchId: (w) => w.sharedBatch.id, direction: () => 'upstream' } },
  'GET /health/live': {},
  'GET /products/:gtin': { params: { gtin: (w) => w.rice.gtin } },
  'GET /health/ready': {},
  'GET /labels/:file': { key: (w) => w.producer.key, params: { file: (w) => `${w.sharedBatch.traceCode}.svg` }, query: { link: () => 'digital' } },
  'GET /labels/sheet.pdf': { key: (w) => w.producer.key, query: { traceCodes: (w) => w.sharedBatch.traceCode, link: () => 'digital' } },
  'GET /ledger/checkpoint': {},
  'GET /ledger/consistency': { query: { from: () => '1', to: () => '2' } },
  'GET /ledger/export': { key: () => TEST_ADMIN_KEY, query: { fromSeq: () => '1', toSeq: () => '2' } },
  'GET /q/:code': { params: { code: (w) => w.sharedBatch.traceCode }, query: { lang: () => 'en' } },
  'GET /q/:code/events': { params: { code: (w) => w.sharedBatch.traceCode }, query: { page: () => '1', lang: () => 'en' } },
  'GET /q/:code/chain.json': { params: { code: (w) => w.sharedBatch.traceCode }, query: { after: () => '0', through: () => '1000000000' } },
  'GET /q/:code/proof.json': { params: { code: (w) => w.sharedBatch.traceCode } },
  'GET /recalls': {},
  'GET /recalls.atom': {},
  'GET /recalls/blocklist': {},
  'GET /recalls/blocklist.csv': {},
  'GET /u/:gtin/:serial': { params: { gtin: (w) => w.units.gtin, serial: (w) => w.units.serial }, query: { lang: () => 'en' } },
  'GET /u/:gtin/:serial/proof.json': { params: { gtin: (w) => w.units.gtin, serial: (w) => w.units.serial } },
  'POST /u/:gtin/:serial/check': { params: { gtin: (w) => w.units.gtin, serial: (w) => w.units.serial }, query: { lang: () => 'en' } },
  'GET /units/:file': { key: (w) => w.producer.key, params: { file: (w) => `${w.units.commissioningId}.csv` } },
  'GET /units/:id.pdf': { key: (w) => w.producer.key, params: { id: (w) => w.units.commissioningId } },
  'GET /reports/mock-recall/:file': { key: (w) => w.regulator.key, params: { file: (w) => `${w.sharedBatch.id}.html` }, query: { maxDepth: () => '5' } },
  'GET /trace/:file': { key: (w) => w.regulator.key, params: { file: (w) => `${w.sharedBatch.id}.svg` }, query: { direction: () => 'upstream' } },
  'GET /trace/:batchId/:file': {
    key: (w) => w.producer.key,
    params: { batchId: (w) => w.sharedBatch.id, file: () => 'lots.csv' },
    query: { direction: () => 'upstream', maxDepth: () => '5' },
  },
  'POST /epcis/capture': { body: true },
  'GET /epcis/capture': { key: (w) => w.producer.key, query: { perPage: () => '10' } },
  'GET /epcis/capture/:captureID': { key: (w) => w.producer.key, params: { captureID: (w) => w.captureJobId } },
  // Sent as GET (the probe's requests are GET or POST): the resolver's paths answer both.
  'OPTIONS /01{/*path}': { params: { path: (w) => `${w.rice.gtin}/10/${w.sharedBatch.lotCode}` } },
  'OPTIONS /.well-known/gs1resolver': {},
  'POST /epcis/event-hash': { body: true },
  'POST /q/:code/scans': { params: { code: (w) => w.sharedBatch.traceCode }, headers: (w) => ({ 'x-scan-token': pageScanToken(w.sharedBatch.traceCode) }) },
};

/** The routes Express serves, as "METHOD /path". */
function expressRoutes(app: InputWorld['app']): string[] {
  const router = app.getHttpAdapter().getInstance().router as { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  return router.stack.flatMap((layer) => (layer.route ? Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${layer.route!.path}`) : []));
}

describe('hostile input', () => {
  // Thousands of requests from one address and one key: the rate limits are another suite's subject.
  const service = useTestApp({ RATE_LIMIT_PUBLIC: '0', RATE_LIMIT_PER_KEY: '0' });
  let world: InputWorld;
  let schema: GraphQLSchema;
  /** Batches an accepted hostile value reached: their pages, reports and exports must still work. */
  const touchedBatches = new Set<string>();

  beforeAll(async () => {
    world = await buildInputWorld(service.app);
    const introspection = await gqlOk<IntrospectionQuery>(service.app, getIntrospectionQuery());
    schema = buildClientSchema(introspection);
  });

  it('has a valid baseline for every mutation, every query with arguments and every HTTP route, and none for ones that are gone', () => {
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
    const queries = Object.values(schema.getQueryType()!.getFields())
      .filter((f) => f.args.length > 0)
      .map((f) => f.name)
      .sort();
    expect(Object.keys(MUTATIONS).sort()).toEqual(mutations);
    expect(Object.keys(QUERIES).sort()).toEqual(queries);
    expect(Object.keys(ROUTES).sort()).toEqual([...new Set(expressRoutes(service.app))].sort());
  });

  /**
   * Sends each variant of the operation's baseline and checks the answer; returns the problems found,
   * one line each, so one run reports every field that misbehaves.
   */
  async function probeOperation(kind: 'mutation' | 'query', name: string, baseline: Baseline): Promise<string[]> {
    const root = kind === 'mutation' ? schema.getMutationType()! : schema.getQueryType()!;
    const field = root.getFields()[name];
    const text = operationText(kind, field);
    const problems: string[] = [];

    // The baseline itself must pass: a table that drifts from the schema fails here, not silently.
    const valid = await baseline(world);
    const before = await ledgerSize(service.app);
    const accepted = await send(world, text, valid.args, valid.key);
    expect(accepted.body.errors ?? []).toEqual([]);
    const growth = (await ledgerSize(service.app)) - before;

    const variants: Variant[] = field.args.flatMap((a) => [...variantsOf(a.type, [a.name], `${name}(${a.name})`, valid.args[a.name])]);
    for (const variant of variants) {
      const call = await baseline(world);
      const args = withValueAt(call.args, variant.path, variant.value);
      try {
        if ((await expectHandled(kind, text, args, call.key, variant, growth)) && kind === 'mutation') noteTouchedBatches(args);
      } catch (err) {
        problems.push(`${name} ${variant.path.join('.')} = ${variant.label}: ${firstLines(err)}`);
      }
    }

    // An argument the schema does not have is a validation error, not ignored.
    const call = await baseline(world);
    try {
      await expectRefused(() => send(world, operationText(kind, field, 'unknownArgument: 1'), call.args, call.key));
    } catch (err) {
      problems.push(`${name} with an unknown argument: ${firstLines(err)}`);
    }
    return problems;
  }

  /**
   * The variant is refused clearly with the ledger unchanged, or (plausible values only) accepted
   * and stored exactly. Returns whether it was accepted.
   */
  async function expectHandled(
    kind: 'mutation' | 'query',
    text: string,
    args: Record<string, unknown>,
    key: string | undefined,
    variant: Variant,
    growth: number,
  ): Promise<boolean> {
    const before = await ledgerSize(service.app);
    const answer = await send(world, text, args, key);
    const after = await ledgerSize(service.app);
    if (answer.body.errors?.length) {
      const { code, message } = expectClearError(answer, variant.value);
      expectNamesTheProblem(variant, code, message);
      expect(after).toBe(before);
      return false;
    }
    if (kind === 'query') {
      // Nothing is stored; a value that names nothing is answered null, as `scan` and `batch` say.
      expect(after).toBe(before);
      if (!variant.plausible) expect(Object.values(answer.body.data ?? {})).toEqual([null]);
      return true;
    }
    // Accepted: only a value that is valid input may be, and it is then stored as sent.
    expect({ accepted: variant.label, plausible: variant.plausible ?? false }).toEqual({ accepted: variant.label, plausible: true });
    expect(after - before).toBe(growth);
    if (variant.path.at(-1) === 'idempotencyKey') {
      // Not echoed anywhere: the key is stored when the same request with it answers the same entry again.
      const again = await send(world, text, args, key);
      expect(again.body).toEqual(answer.body);
      expect(await ledgerSize(service.app)).toBe(after);
      return true;
    }
    const places = [answer.body.data, ...(await payloadsAfter(service.app, before, after - before))];
    expect({ storedExactly: storedExactly(variant, places), value: String(variant.value).slice(0, 60) }).toEqual({
      storedExactly: true,
      value: String(variant.value).slice(0, 60),
    });
    return true;
  }

  /** Refused with a clear error, and nothing written. */
  async function expectRefused(sendIt: () => Promise<GraphqlAnswer>): Promise<{ code: string; message: string }> {
    const before = await ledgerSize(service.app);
    const refusal = expectClearError(await sendIt());
    expect(await ledgerSize(service.app)).toBe(before);
    return refusal;
  }

  function noteTouchedBatches(args: Record<string, unknown>): void {
    for (const item of [args.input].flat() as (Record<string, unknown> | undefined)[]) {
      if (typeof item?.batchId === 'string') touchedBatches.add(item.batchId);
      if (Array.isArray(item?.batchIds)) for (const id of item.batchIds) if (typeof id === 'string') touchedBatches.add(id);
    }
  }

  describe('GraphQL: every argument of every mutation, from the schema', () => {
    // Some mutations take hundreds of probes; on a loaded machine a probe left running past the timeout
    // would write into the next test's "ledger unchanged" check, so the timeout is generous.
    it.each(Object.keys(MUTATIONS))(
      '%s',
      async (name) => {
        expect(await probeOperation('mutation', name, MUTATIONS[name])).toEqual([]);
      },
      180_000,
    );
  });

  describe('GraphQL: every argument of every query', () => {
    it.each(Object.keys(QUERIES))('%s', async (name) => {
      expect(await probeOperation('query', name, QUERIES[name])).toEqual([]);
    });
  });

  describe('GraphQL: JSON nested thousands deep, on every mutation that takes JSON', () => {
    const DEPTH = 10_000;
    // Written out as text: JSON.stringify itself may overflow on values this deep.
    const deepText = (depth: number) => `${'{"level":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deepLiteral = (depth: number) => `${'{level:'.repeat(depth)}1${'}'.repeat(depth)}`;

    /** Where a JSON scalar sits in an argument's type: the paths a caller may send JSON at. */
    function* jsonPaths(type: GraphQLInputType, path: (string | number)[]): Generator<(string | number)[]> {
      const inner = getNullableType(type);
      if (isListType(inner)) yield* jsonPaths(inner.ofType, [...path, 0]);
      else if (isInputObjectType(inner)) for (const field of Object.values(inner.getFields())) yield* jsonPaths(field.type, [...path, field.name]);
      else if (getNamedType(inner).name === 'JSON') yield path;
    }

    it('refuses it (BAD_USER_INPUT naming the depth) before anything walks it, writes nothing, and another organization’s write goes through', async () => {
      const other = await producerWithBatch(service.app);
      const otherWrite = () =>
        gqlOk(
          service.app,
          RECORD_EVENT,
          { input: { batchId: other.batch.id, bizStep: 'STORING', eventTime: world.freshInstant(), facilityId: other.facilityId } },
          other.org.key,
        );
      const cases = Object.values(schema.getMutationType()!.getFields()).flatMap((field) =>
        field.args.flatMap((arg) => [...jsonPaths(arg.type, [arg.name])].map((path) => ({ field, path }))),
      );
      expect(cases.map(({ field, path }) => `${field.name}(${path.join('.')})`).sort()).toEqual([
        'recordEvent(input.details)',
        'recordEvents(input.0.details)',
        'registerBatch(input.details)',
      ]);
      const problems: string[] = [];
      for (const { field, path } of cases) {
        try {
          const call = await MUTATIONS[field.name](world);
          const body = JSON.stringify({ query: operationText('mutation', field), variables: withValueAt(call.args, path, 'DEEP_JSON') }).replace(
            '"DEEP_JSON"',
            deepText(DEPTH),
          );
          const before = await ledgerSize(service.app);
          const [deep, concurrent] = await Promise.all([postRawGraphql(service.app, body, call.key), otherWrite()]);
          const refusal = expectClearError(deep);
          expect(refusal.code).toBe('BAD_USER_INPUT');
          expect(refusal.message).toMatch(new RegExp(`at "${path.join('.').replace('.0.', '\\[0\\]\\.')}"; JSON is nested more than 64 levels deep$`));
          expect(concurrent.recordEvent.seq).toBeGreaterThan(before);
          expect(await ledgerSize(service.app)).toBe(before + 1);
        } catch (err) {
          problems.push(`${field.name}(${path.join('.')}): ${firstLines(err)}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('refuses it written as a literal in the query (as deep as GraphQL parses) when validating the query, naming the depth', async () => {
      const before = await ledgerSize(service.app);
      const literal = (depth: number) =>
        `mutation { recordEvent(input: { batchId: "${world.sharedBatch.id}", bizStep: STORING, eventTime: "${world.freshInstant()}", ` +
        `facilityId: "${world.facilityId}", details: ${deepLiteral(depth)} }) { seq } }`;
      const deep = await postRawGraphql(service.app, JSON.stringify({ query: literal(1000) }), world.producer.key);
      const refusal = expectClearError(deep);
      // A literal is checked with the query, so graphql-js reports it as the query's validation error.
      expect(refusal.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(refusal.message).toBe('JSON is nested more than 64 levels deep');
      // Deeper than GraphQL's parser goes: refused by the parser with a code, nothing run.
      expectClearError(await postRawGraphql(service.app, JSON.stringify({ query: literal(DEPTH) }), world.producer.key));
      expect(await ledgerSize(service.app)).toBe(before);
    });
  });

  describe('GraphQL: request bodies JSON.stringify never writes', () => {
    it('a duplicated key counts once (the last, as JSON.parse reads it) and invalid UTF-8 is refused, for every mutation with a text field', async () => {
      const problems: string[] = [];
      let probed = 0;
      for (const [name, baseline] of Object.entries(MUTATIONS)) {
        const field = schema.getMutationType()!.getFields()[name];
        const call = await baseline(world);
        const target = textFieldOf(field, call.args);
        if (!target) continue;
        probed++;
        const text = operationText('mutation', field);
        const input = call.args[target.arg] as Record<string, unknown>;
        try {
          // The decoy comes first, the valid value last: what is kept must be the last one.
          const decoy = world.unique('decoy');
          const duplicated = JSON.stringify({ query: text, variables: { ...call.args, [target.arg]: { DUPLICATE_KEY: decoy, ...input } } }).replace(
            '"DUPLICATE_KEY":',
            `"${target.key}":`,
          );
          const before = await ledgerSize(service.app);
          const answer = await postRawGraphql(service.app, duplicated, call.key);
          if (answer.body.errors?.length) expectClearError(answer);
          else {
            const stored = JSON.stringify([answer.body.data, ...(await payloadsAfter(service.app, before, (await ledgerSize(service.app)) - before))]);
            expect(stored).not.toContain(decoy);
            expect(stored).toContain(JSON.stringify(input[target.key]));
          }

          const again = await baseline(world);
          const invalid = withInvalidUtf8(
            JSON.stringify({
              query: text,
              variables: { ...again.args, [target.arg]: { ...(again.args[target.arg] as object), [target.key]: 'abINVALID_UTF8cd' } },
            }),
            'INVALID_UTF8',
          );
          expect((await expectRefused(() => postRawGraphql(service.app, invalid, again.key))).message).toMatch(/UTF-8/);
        } catch (err) {
          problems.push(`${name}.${target.key}: ${firstLines(err)}`);
        }
      }
      expect(probed).toBeGreaterThan(10);
      expect(problems).toEqual([]);
    });

    const json = 'application/json';
    it.each<[string, string | Buffer, string]>([
      ['not JSON', '{"query": "{ ledgerInfo { size } }",', json],
      ['an empty body', '', json],
      ['a JSON array', '[{"query": "{ ledgerInfo { size } }"}]', json],
      ['a JSON string', '"{ ledgerInfo { size } }"', json],
      ['a query that is a number', '{"query": 5}', json],
      ['variables that are a string', '{"query": "query($id: ID!) { batch(id: $id) { id } }", "variables": "x"}', json],
      ['an operation that does not parse', '{"query": "mutation { recordEvent(input: "}', json],
      ['a literal nested 100,000 deep', JSON.stringify({ query: `{ scan(code: ${'{a:'.repeat(100_000)}1${'}'.repeat(100_000)}) { lotCode } }` }), json],
      [
        'details nested 1,000,000 deep',
        '{"query": "mutation($d: JSON) { recordEvent(input: { batchId: \\"6f1d2c3b-4a59-4e68-9b7a-8c9d0e1f2a3b\\", bizStep: STORING, ' +
          'eventTime: \\"2026-10-06T09:00:00Z\\", details: $d }) { seq } }", ' +
          `"variables": {"d": ${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}}}`,
        json,
      ],
      ['a body that is not UTF-8', withInvalidUtf8('{"query": "{ scan(code: \\"abINVALIDcd\\") { lotCode } }"}', 'INVALID'), json],
      ['a text/plain body (a cross-site form)', '{"query": "{ ledgerInfo { size } }"}', 'text/plain'],
    ])('a request body that is %s is refused with a code', async (_label, body, contentType) => {
      await expectRefused(() => postRaw(service.app, '/graphql', body, world.producer.key, contentType));
    });

    it('a body over the size limit is refused with a code, and an unknown top-level member is ignored', async () => {
      await expectRefused(() => postRawGraphql(service.app, JSON.stringify({ query: LEDGER_SIZE, padding: 'x'.repeat(21 * 1024 * 1024) })));
      const answer = await postRawGraphql(service.app, JSON.stringify({ query: LEDGER_SIZE, unknownMember: { a: 1 } }));
      expect(answer.body.errors ?? []).toEqual([]);
    });
  });

  it('stores SQL and HTML as given where they are plausible names, and every page, report, picture and export shows them escaped', async () => {
    const { app } = service;
    const sql = "'; DROP TABLE ledger_entry; --";
    const html = '<script>alert(1)</script>';
    const org = await createOrg(app, 'PRODUCER', `${html} 合作社`);
    const facility = await registerFacility(app, org, { name: sql, region: `${html}区` });
    const product = await registerProduct(app, org, { name: html, geographicIndication: sql });
    const batch = await registerBatch(app, org, product, facility, { lotCode: sql, unit: html.slice(0, 16) });
    const sizeAfter = await ledgerSize(app);

    const scanned = (
      await gqlOk(app, 'query($code: String!) { scan(code: $code) { productName producer lotCode origin geographicIndication } }', { code: batch.traceCode })
    ).scan;
    expect(scanned).toEqual({ productName: html, producer: `${html} 合作社`, lotCode: sql, origin: `${html}区`, geographicIndication: sql });
    const renderings = [
      await request(app.getHttpServer()).get(`/q/${batch.traceCode}`),
      await request(app.getHttpServer()).get(`/q/${batch.traceCode}?lang=en`),
      await request(app.getHttpServer()).get(`/reports/mock-recall/${batch.id}.html`).set('authorization', `Bearer ${TEST_ADMIN_KEY}`),
      await request(app.getHttpServer()).get(`/trace/${batch.id}.svg`).set('authorization', `Bearer ${TEST_ADMIN_KEY}`).buffer(true).parse(rawBody),
      await request(app.getHttpServer()).get(`/01/${world.rice.gtin}/10/${encodeURIComponent(html)}`),
      await request(app.getHttpServer()).get(`/q/${encodeURIComponent(html)}`),
    ];
    for (const res of renderings) {
      const page = Buffer.isBuffer(res.body) ? res.body.toString('utf8') : res.text;
      expect(res.status).toBeLessThan(500);
      expect(page).not.toContain(html);
    }
    expect(renderings[0].text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(renderings[0].text).toContain('&#39;; DROP TABLE ledger_entry; --');
    const csv = await request(app.getHttpServer()).get(`/exports/trace.csv?batchId=${batch.id}`).set('authorization', `Bearer ${TEST_ADMIN_KEY}`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(html);

    // The statement was text, nothing ran: the table is there and still verifies.
    expect(await ledgerSize(app)).toBe(sizeAfter);
    expect(await verifyWholeLedger(app)).toMatchObject({ valid: true, checkedEntries: sizeAfter });
  });

  describe('lot codes: no invisible or look-alike characters, and GS1 AI (10) under a GTIN, on every path that names a new lot', () => {
    const EVERYWHERE: [string, string][] = [
      ['a zero-width space', 'XZD\u200b42'],
      ['a zero-width joiner', 'XZD\u200d42'],
      ['a byte-order mark', '\ufeffXZD42'],
      ['a variation selector', 'XZD42\ufe0f'],
      ['a tag character', 'XZD42\u{e0041}'],
      ['a Cyrillic А among ASCII', 'XZD-\u0410'],
      ['a Greek Ο among ASCII', 'XZD-\u039f1'],
      ['a full-width Ａ', 'XZD-\uff21'],
      ['a no-break space', 'XZD\u00a042'],
      ['a combining accent', 'XZD\u030142'],
      ['an ideographic space', 'XZD\u300042'],
    ];
    const UNDER_GTIN: [string, string][] = [
      ['a space', 'XZD 42'],
      ['21 characters', 'X'.repeat(21)],
      ['a Chinese character', '批次42'],
      ['a "#"', 'XZD#42'],
    ];
    const REGISTER = 'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id } }';
    const TRANSFORM = 'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id } } }';
    const refusedNamingLotCode = async (answer: () => Promise<GraphqlAnswer>) => {
      const { message } = await expectRefused(answer);
      expect(message).toMatch(/lotCode|lot number/);
    };

    it.each([...EVERYWHERE.map(([label, lot]) => [label, lot, false] as const), ...UNDER_GTIN.map(([label, lot]) => [label, lot, true] as const)])(
      '%s (%j) is refused by registerBatch, transformBatches and EPCIS capture (GTIN-only rule: %s)',
      async (_label, lot, gtinOnly) => {
        const w = world;
        const products = gtinOnly ? [w.rice.id] : [w.rice.id, await registerProduct(service.app, w.producer, { name: w.unique('散装稻谷') })];
        for (const productId of products) {
          const batch = { productId, facilityId: w.facilityId, lotCode: lot, quantity: 10, unit: 'kg', producedAt: '2026-10-01T00:00:00Z' };
          await refusedNamingLotCode(() => send(w, REGISTER, { input: batch }, w.producer.key));
          const output = { productId, lotCode: lot, quantity: 1, unit: 'kg' };
          const transformation = {
            facilityId: w.facilityId,
            eventTime: '2026-10-02T00:00:00Z',
            inputs: [{ batchId: w.sharedBatch.id, quantity: 1 }],
            outputs: [output],
          };
          await refusedNamingLotCode(() => send(w, TRANSFORM, { input: transformation }, w.producer.key));
        }
        // EPCIS names lots by GTIN and lot: a commissioning of the hostile lot.
        const document = JSON.stringify(w.epcisDocument()).replaceAll('/10/EP-', `/10/${encodeURIComponent(lot)}-`);
        const refusal = await expectRefused(() => postRaw(service.app, '/epcis/capture', document, w.producer.key, 'application/ld+json'));
        expect(refusal.code).toBe('BAD_USER_INPUT');
        // The same code without the hostile character is accepted: what was refused was the character.
        const clean = {
          productId: w.rice.id,
          facilityId: w.facilityId,
          lotCode: w.unique('XZD'),
          quantity: 10,
          unit: 'kg',
          producedAt: '2026-10-01T00:00:00Z',
        };
        expect((await send(w, REGISTER, { input: clean }, w.producer.key)).body.errors).toBeUndefined();
      },
    );
  });

  describe('HTTP routes: malformed path segments and query parameters', () => {
    it.each(Object.keys(ROUTES).filter((route) => !ROUTES[route].body))('%s', async (route) => {
      const probe = ROUTES[route];
      const [method, pattern] = route.split(' ');
      const key = probe.key?.(world);
      const headers = probe.headers?.(world) ?? {};
      // A wildcard (*name) spans segments: each is encoded, the slashes between them kept.
      const encoded = (name: string, value: string) =>
        pattern.includes(`*${name}`) ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
      const params = Object.fromEntries(Object.entries(probe.params ?? {}).map(([name, value]) => [name, encoded(name, value(world))]));
      const query = Object.fromEntries(Object.entries(probe.query ?? {}).map(([name, value]) => [name, encodeURIComponent(value(world))]));
      const url = (p: Record<string, string>, q: Record<string, string | string[]>) => {
        const search = Object.entries(q)
          .flatMap(([name, value]) => [value].flat().map((v) => `${name}=${v}`))
          .join('&');
        // Express 5 patterns: `{…}` marks an optional part, `*name` a wildcard.
        return pattern.replace(/[{}]/g, '').replace(/[:*](\w+)/g, (_, name: string) => p[name]) + (search ? `?${search}` : '');
      };
      const problems: string[] = [];
      const check = async (label: string, path: string, sent?: string) => {
        try {
          await expectHandledHttp(method, path, key, sent, headers);
        } catch (err) {
          problems.push(`${label}: ${firstLines(err)}`);
        }
      };

      // The baseline must work, or the table has drifted.
      const ok = await httpRequest(method, url(params, query), key, headers);
      expect(ok.status).toBeLessThan(400);

      for (const [label, value] of HOSTILE_URL_VALUES) {
        for (const name of Object.keys(params)) {
          await check(`:${name} = ${label}`, url({ ...params, [name]: value }, query), value);
          // A file name keeps its extension, so the value reaches the code that reads the name.
          const extension = /\.(svg|png|html|pdf)$/.exec(decodeURIComponent(params[name]))?.[0];
          if (extension) await check(`:${name} = ${label}${extension}`, url({ ...params, [name]: `${value}${extension}` }, query), value);
        }
        for (const name of Object.keys(query)) await check(`?${name} = ${label}`, url(params, { ...query, [name]: value }), value);
      }
      for (const name of Object.keys(query)) {
        await check(`?${name} given twice`, url(params, { ...query, [name]: [query[name], query[name]] }));
        await check(
          `?${name}[] (array syntax)`,
          url(params, { ...Object.fromEntries(Object.entries(query).filter(([n]) => n !== name)), [`${name}[]`]: query[name] }),
        );
      }
      await check('an unknown parameter', url(params, { ...query, unknownParameter: '1' }));
      expect(problems).toEqual([]);
    });
  });

  function httpRequest(method: string, path: string, key?: string, headers: Record<string, string> = {}) {
    const req = method === 'POST' ? request(service.app.getHttpServer()).post(path) : request(service.app.getHttpServer()).get(path);
    if (key) req.set('authorization', `Bearer ${key}`);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.buffer(true).parse(rawBody);
  }

  /** No 500, a code on a JSON error, nothing internal, no unescaped markup on a page, and the ledger as it was. */
  async function expectHandledHttp(method: string, path: string, key: string | undefined, sent?: string, headers?: Record<string, string>): Promise<void> {
    const before = await ledgerSize(service.app);
    const res = await httpRequest(method, path, key, headers);
    const type = String(res.headers['content-type'] ?? '');
    const text = (res.body as Buffer).toString('utf8');
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400 && type.includes('json')) expect(CLEAR_ERROR_CODES).toContain(JSON.parse(text).errors?.[0]?.extensions?.code);
    if (res.status >= 400) expectNoInternals(text, sent === undefined ? undefined : safeDecode(sent));
    if (type.includes('html') || type.includes('svg')) expect(text).not.toContain('<script>alert(1)</script>');
    expect(await ledgerSize(service.app)).toBe(before);
  }

  describe('POST /epcis/capture: a valid document walked member by member', () => {
    it('refuses every hostile member with a reason, or records exactly what a valid document records', async () => {
      const { app } = service;
      const capture = (body: string | Buffer, key = world.producer.key) => postRaw(app, '/epcis/capture', body, key, 'application/ld+json');

      const before = await ledgerSize(app);
      const valid = await capture(JSON.stringify(world.epcisDocument()));
      expect(valid.status).toBe(202);
      const growth = (await ledgerSize(app)) - before;
      expect(growth).toBe(5);

      const problems: string[] = [];
      const template = world.epcisDocument();
      const variants = [...jsonVariants(template, [])];
      expect(variants.length).toBeGreaterThan(300);
      for (const variant of variants) {
        const document = withValueAt(world.epcisDocument() as unknown as Record<string, unknown>, variant.path, variant.value);
        if (variant.value === MISSING) deleteAt(document, variant.path);
        const where = `${variant.path.join('.')} = ${variant.label}`;
        try {
          const sizeBefore = await ledgerSize(app);
          const answer = await capture(JSON.stringify(document));
          const sizeAfter = await ledgerSize(app);
          if (answer.status === 202) {
            expect(sizeAfter - sizeBefore).toBe(growth);
            // An event's extension members and eventID are kept in its details, as sent (the ledger entries
            // of readings and transformations have no details: events 2 and 3 keep neither).
            const eventMember = variant.path.length === 4 && variant.path[1] === 'eventList' && Number(variant.path[2]) < 2 ? String(variant.path[3]) : '';
            if (typeof variant.value === 'string' && (eventMember.includes(':') || eventMember === 'eventID')) {
              expect(JSON.stringify(await payloadsAfter(app, sizeBefore, growth))).toContain(JSON.stringify(variant.value));
            }
          } else {
            expectClearError(answer, variant.value);
            expect(sizeAfter).toBe(sizeBefore);
          }
        } catch (err) {
          problems.push(`${where}: ${firstLines(err)}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it.each<[string, () => string | Buffer]>([
      ['not JSON', () => '{"type": "EPCISDocument",'],
      ['a JSON array', () => '[]'],
      ['null', () => 'null'],
      ['not UTF-8', () => withInvalidUtf8(JSON.stringify(world.epcisDocument()).replace('田间批次', 'abINVALIDcd'), 'INVALID')],
      ['nested 1,000,000 deep', () => `${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}`],
      [
        'an extension nested 100,000 deep',
        () => JSON.stringify(world.epcisDocument()).replace('"田间批次"', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`),
      ],
      ['an extension of 10 MB', () => JSON.stringify(world.epcisDocument()).replace('田间批次', 'x'.repeat(10 * 1024 * 1024))],
      ['an extension named __proto__', () => JSON.stringify(world.epcisDocument()).replace('"example:note"', '"__proto__"')],
      ['an extension named constructor', () => JSON.stringify(world.epcisDocument()).replace('"example:note"', '"constructor"')],
      ['a lot number with a NUL', () => JSON.stringify(world.epcisDocument()).replaceAll('/10/EP-', '/10/%00EP-')],
      [
        '1,001 events',
        () => JSON.stringify({ ...world.epcisDocument(), epcisBody: { eventList: Array(1001).fill(world.epcisDocument().epcisBody.eventList[1]) } }),
      ],
      [
        '100,000 events',
        () => JSON.stringify({ ...world.epcisDocument(), epcisBody: { eventList: Array(100_000).fill(world.epcisDocument().epcisBody.eventList[1]) } }),
      ],
      ['an event list of strings', () => JSON.stringify({ ...world.epcisDocument(), epcisBody: { eventList: ['a', 'b'] } })],
    ])('a document that is %s is refused with a code and records nothing', async (_label, body) => {
      await expectRefused(() => postRaw(service.app, '/epcis/capture', body(), world.producer.key, 'application/ld+json'));
    });

    it('keeps the last of duplicated members, as JSON.parse reads them', async () => {
      const document = world.epcisDocument();
      const text = JSON.stringify(document).replace('"example:note":"田间批次"', '"example:note":"decoy","example:note":"田间批次"');
      const before = await ledgerSize(service.app);
      expect((await postRaw(service.app, '/epcis/capture', text, world.producer.key)).status).toBe(202);
      const stored = JSON.stringify(await payloadsAfter(service.app, before, 5));
      expect(stored).toContain('田间批次');
      expect(stored).not.toContain('decoy');
    });
  });

  describe('POST /epcis/event-hash: the public utility, walked member by member', () => {
    it('answers a hash ID for every event of every variant, or refuses it with a clear reason; it never writes', async () => {
      const { app } = service;
      const hash = (body: string | Buffer) => postRaw(app, '/epcis/event-hash?prehash=true', body, undefined, 'application/ld+json');
      const before = await ledgerSize(app);
      const valid = await hash(JSON.stringify(world.epcisDocument()));
      expect(valid.status).toBe(200);
      const problems: string[] = [];
      for (const variant of jsonVariants(world.epcisDocument(), [])) {
        const document = withValueAt(world.epcisDocument() as unknown as Record<string, unknown>, variant.path, variant.value);
        if (variant.value === MISSING) deleteAt(document, variant.path);
        try {
          const answer = await hash(JSON.stringify(document));
          if (answer.status === 200) {
            const events = (answer.body as unknown as { events: { hashId: string }[] }).events;
            for (const e of events) expect(e.hashId).toMatch(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/);
          } else expectClearError(answer, variant.value);
        } catch (err) {
          problems.push(`${variant.path.join('.')} = ${variant.label}: ${firstLines(err)}`);
        }
      }
      expect(problems).toEqual([]);
      expect(await ledgerSize(app)).toBe(before);
    });

    it.each<[string, () => string | Buffer]>([
      ['not JSON', () => '{"type": "EPCISDocument",'],
      ['a JSON array', () => '[]'],
      ['null', () => 'null'],
      ['nested 1,000,000 deep', () => `${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}`],
      [
        'an extension nested 100,000 deep',
        () => JSON.stringify(world.epcisDocument()).replace('"田间批次"', `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`),
      ],
      ['an extension of 10 MB', () => JSON.stringify(world.epcisDocument()).replace('田间批次', 'x'.repeat(10 * 1024 * 1024))],
      ['a time of 100,000 digits', () => JSON.stringify(world.epcisDocument()).replace(/"eventTime":"[^"]*"/, `"eventTime":"${'1'.repeat(100_000)}x"`)],
      [
        '1,001 events',
        () => JSON.stringify({ ...world.epcisDocument(), epcisBody: { eventList: Array(1001).fill(world.epcisDocument().epcisBody.eventList[1]) } }),
      ],
      ['an event list of strings', () => JSON.stringify({ ...world.epcisDocument(), epcisBody: { eventList: ['a', 'b'] } })],
    ])('a document that is %s is refused with a code, without a key', async (_label, body) => {
      await expectRefused(() => postRaw(service.app, '/epcis/event-hash', body(), undefined, 'application/ld+json'));
    });
  });

  // Last: what the hostile values that were accepted did to the batches they reached.
  it('leaves every batch an accepted hostile value reached readable: its page, scan, report, exports and verification', async () => {
    const { app } = service;
    expect(touchedBatches.size).toBeGreaterThan(3);
    const admin = (path: string) => request(app.getHttpServer()).get(path).set('authorization', `Bearer ${TEST_ADMIN_KEY}`).buffer(true).parse(rawBody);
    const problems: string[] = [];
    for (const id of touchedBatches) {
      const { traceCode } = (await gqlOk(app, 'query($id: ID!) { batch(id: $id) { traceCode } }', { id }, TEST_ADMIN_KEY)).batch;
      const answers = {
        page: await request(app.getHttpServer()).get(`/q/${traceCode}`),
        report: await admin(`/reports/mock-recall/${id}.html`),
        csv: await admin(`/exports/trace.csv?batchId=${id}`),
        epcis: await admin(`/epcis/events?batchId=${id}`),
      };
      for (const [what, res] of Object.entries(answers)) if (res.status !== 200) problems.push(`${id} ${what}: ${res.status}`);
      const scan = await postRawGraphql(
        app,
        JSON.stringify({ query: 'query($c: String!) { scan(code: $c) { lotCode timeline { bizStep } verification { valid } } }', variables: { c: traceCode } }),
      );
      if (scan.body.errors || !(scan.body.data?.scan as { verification: { valid: boolean } }).verification.valid)
        problems.push(`${id} scan: ${JSON.stringify(scan.body).slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
    expect(await verifyWholeLedger(app)).toMatchObject({ valid: true, checkedEntries: await ledgerSize(app) });
    // Nothing a client sent reached Object.prototype of this process (the service runs in it).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/**
 * The message says what was wrong: it names the field (or the list or operation it is in), or the
 * thing that was not found or not allowed, or what a malformed id should have been.
 */
function expectNamesTheProblem(variant: Variant, code: string, message: string): void {
  const names = [...variant.path.filter((step): step is string => typeof step === 'string'), variant.owner.split(/[.(]/)[0]];
  const named =
    names.some((name) => message.toLowerCase().includes(name.toLowerCase())) ||
    ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT'].includes(code) ||
    /uuid|larger than the server accepts/i.test(message);
  expect({ named, message: message.slice(0, 200) }).toEqual({ named: true, message: message.slice(0, 200) });
}

/** The first String field of an input-object argument that the baseline fills with text. */
function textFieldOf(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): { arg: string; key: string } | null {
  for (const arg of field.args) {
    const type = getNullableType(arg.type);
    if (!isInputObjectType(type)) continue;
    const value = args[arg.name] as Record<string, unknown>;
    // Not the idempotency key: it is stored, but never shown, so what was kept cannot be read back.
    const text = Object.values(type.getFields()).find(
      (f) => getNamedType(f.type).name === 'String' && f.name !== 'idempotencyKey' && typeof value?.[f.name] === 'string',
    );
    if (text) return { arg: arg.name, key: text.name };
  }
  return null;
}

const MISSING = Symbol('missing member');

/**
 * Hostile variants of every member of a JSON document: its strings and numbers swapped for hostile
 * values of their kind or another kind, each member left out, an unknown one added.
 */
function* jsonVariants(node: unknown, path: (string | number)[]): Generator<{ path: (string | number)[]; label: string; value: unknown; plausible?: boolean }> {
  if (typeof node === 'string') {
    for (const v of HOSTILE_STRINGS) yield { path, ...v };
    yield* [
      { path, label: 'a number', value: 42 },
      { path, label: 'an object', value: { a: 1 } },
      { path, label: 'null', value: null },
    ];
  } else if (typeof node === 'number') {
    for (const v of HOSTILE_FLOATS) yield { path, ...v };
    yield* [
      { path, label: 'a string', value: 'x' },
      { path, label: 'null', value: null },
    ];
  } else if (Array.isArray(node)) {
    yield* [
      { path, label: 'empty list', value: [] },
      { path, label: 'an object', value: {} },
    ];
    for (const [i, child] of node.entries()) yield* jsonVariants(child, [...path, i]);
  } else if (node !== null && typeof node === 'object') {
    yield { path: [...path, 'example:unknown'], label: 'an unknown member', value: 'kept', plausible: true };
    for (const [key, child] of Object.entries(node)) {
      yield { path: [...path, key], label: 'left out', value: MISSING };
      yield* jsonVariants(child, [...path, key]);
    }
  }
}

function deleteAt(document: Record<string, unknown>, path: (string | number)[]): void {
  let node = document as Record<string | number, unknown>;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, unknown>;
  delete node[path[path.length - 1]];
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function firstLines(err: unknown): string {
  return (err as Error).message.split('\n').filter(Boolean).slice(0, 6).join(' | ').slice(0, 500);
}
