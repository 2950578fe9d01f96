import { describe, expect, it } from '@jest/globals';
import { buildSchema } from 'graphql';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { APP_CONFIG } from '../../src/config/config.module.js';
import type { AppConfig } from '../../src/config/config.js';
import { nthSscc } from '../../src/packages/sscc.js';
import { createOrg, Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { gql, gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import {
  API_KEY_IDS,
  ATTACH_CERTIFICATE,
  ATTEST_CERTIFICATE,
  BATCHES_WITH_EXCURSIONS,
  CLOSE_RECALL,
  CREATE_CHECKPOINT,
  INITIATE_RECALL,
  LATEST_CHECKPOINT_SIZE,
  LEDGER_SIZE,
  RECALL_ID,
  RECORD_EVENT,
  RECORD_EVENTS,
  RECORD_INSPECTION,
  RECORD_TEMPERATURES,
  REVOKE_API_KEY,
  TRANSFORM_BATCHES,
  VERIFY_BATCH_VALID,
} from '../support/documents.js';

/**
 * Who may do what, as one table: every mutation, every query and every HTTP route that takes a key,
 * for every kind of caller, with the answer each must get — allowed, or the exact error (code and
 * reason). The resources belong to `owner` (a producer holding its batches); every other
 * organization is a stranger to them. The table must name every operation the schema has.
 */
const CALLERS = ['anonymous', 'revoked', 'admin', 'owner', 'producer', 'processor', 'logistics', 'retailer', 'regulator', 'lab', 'certifier'] as const;
type CallerName = (typeof CALLERS)[number];
type Outcome = 'ok' | `${string}/${string}`;
type Expected = Record<CallerName, Outcome>;

const UNAUTHENTICATED = 'UNAUTHENTICATED/AUTHENTICATION_REQUIRED';
const REVOKED = 'UNAUTHENTICATED/INVALID_API_KEY';
/** A row: everyone gets `rest` except the callers named. */
const table = (rest: Outcome, except: Partial<Expected> = {}): Expected =>
  ({ ...Object.fromEntries(CALLERS.map((c) => [c, rest])), anonymous: UNAUTHENTICATED, revoked: REVOKED, ...except }) as Expected;
const PUBLIC = table('ok', { anonymous: 'ok' });
const ADMIN_OR_REGULATOR = table('FORBIDDEN/ROLE_NOT_ALLOWED', { admin: 'ok', regulator: 'ok' });
const ANY_ORGANIZATION = table('ok', { admin: 'FORBIDDEN/ORGANIZATION_ONLY' });
const SEES_BATCH = table('FORBIDDEN/NOT_OWNER', { admin: 'ok', owner: 'ok', regulator: 'ok', lab: 'ok' });

interface World {
  orgs: Record<Exclude<CallerName, 'anonymous' | 'revoked' | 'admin'>, Org>;
  owner: Org;
  facility: string;
  product: string;
  newBatch(): Promise<{ id: string; traceCode: string }>;
  /** A fresh batch of the owner's GTIN product, and a commissioning of two units of one. */
  gtinBatch(): Promise<string>;
  commissioning(): Promise<string>;
  /** A package of two fresh units of the owner's, packed by it under a given SSCC; and one a supplier shipped to the owner. */
  ownerPackage(): Promise<string>;
  packageShippedToOwner(): Promise<string>;
  heldBatch(): Promise<string>;
  openRecall(): Promise<{ recallId: string; batchId: string }>;
  /** A certificate the owner declared on a fresh batch of its own. */
  declaredCertificate(): Promise<string>;
}

interface Row {
  /** The schema field (Query.x / Mutation.x) or the HTTP route it checks. */
  name: string;
  expected: Expected;
  /** Runs the operation as `key` on fresh resources of the owner; answers the outcome. */
  run(world: World, key: string | undefined): Promise<Outcome>;
}

let counter = 0;
const serial = () => ++counter;
/** An organic certificate (17 digits) for a batch: attested when a certification body or regulator attaches it. */
const organicCertificate = () => ({
  kind: 'ORGANIC',
  number: String(serial()).padStart(17, '1'),
  issuer: '中绿华夏有机产品认证中心',
  documentSha256: 'ab'.repeat(32),
  validFrom: '2026-11-01T00:00:00.000Z',
  validUntil: '2027-11-01T00:00:00.000Z',
});
const outcomeOf = (res: { errors?: { extensions?: { code?: string; reason?: string } }[] }): Outcome =>
  res.errors?.length ? `${res.errors[0].extensions?.code}/${res.errors[0].extensions?.reason}` : 'ok';

describe('permissions', () => {
  const service = useTestApp();

  const graphql = (
    name: string,
    expected: Expected,
    document: string,
    variables: (w: World) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({}),
  ): Row => ({
    name,
    expected,
    run: async (w, key) => outcomeOf(await gql(service.app, document, await variables(w), key)),
  });
  const http = (
    name: string,
    expected: Expected,
    path: (w: World) => Promise<string>,
    method: 'get' | 'post' = 'get',
    body?: (w: World) => Promise<object>,
  ): Row => ({
    name,
    expected,
    run: async (w, key) => {
      const req = request(service.app.getHttpServer())[method](await path(w));
      if (key) req.set('authorization', `Bearer ${key}`);
      const res = method === 'post' ? await req.set('content-type', 'application/json').send(JSON.stringify(await body!(w))) : await req;
      if (res.status < 300) return 'ok';
      const error = (res.body as { errors?: { extensions?: { code?: string; reason?: string } }[] })?.errors?.[0];
      return `${error?.extensions?.code}/${error?.extensions?.reason}`;
    },
  });
  /** A capture job of the owner's: a refused capture (no place), which is on record and writes nothing to the ledger. */
  const ownerCaptureJob = async (w: World): Promise<string> => {
    const refused = await request(service.app.getHttpServer())
      .post('/epcis/capture')
      .set('authorization', `Bearer ${w.owner.key}`)
      .set('content-type', 'application/json')
      .send(
        JSON.stringify({
          type: 'EPCISDocument',
          epcisBody: {
            eventList: [
              {
                type: 'ObjectEvent',
                action: 'OBSERVE',
                bizStep: 'storing',
                eventTime: '2026-11-01T00:00:00Z',
                quantityList: [{ epcClass: 'urn:epc:class:lgtin:4012345.012345.1' }],
              },
            ],
          },
        }),
      );
    return refused.body.errors[0].extensions.captureID as string;
  };
  const event = (w: World, batchId: string) => ({ batchId, bizStep: 'STORING', eventTime: '2026-11-01T00:00:00.000Z', facilityId: w.facility });

  const ROWS: Row[] = [
    // Public queries: anyone, but a revoked key is refused rather than taken for anonymous.
    graphql('Query.ledgerInfo', PUBLIC, LEDGER_SIZE),
    graphql('Query.latestCheckpoint', PUBLIC, LATEST_CHECKPOINT_SIZE),
    graphql('Query.inclusionProof', PUBLIC, '{ inclusionProof(seq: 1, treeSize: 2) { leafIndex } }'),
    graphql('Query.consistencyProof', PUBLIC, '{ consistencyProof(fromSize: 1, toSize: 2) { toSize } }'),
    graphql('Query.scan', PUBLIC, 'query($c: String!) { scan(code: $c) { productName } }', async (w) => ({ c: (await w.newBatch()).traceCode })),
    graphql('Query.verifyBatch', PUBLIC, VERIFY_BATCH_VALID, async (w) => ({ id: (await w.newBatch()).id })),
    // The rules recordEvent checks events with, as data (the console's event form is built from them).
    graphql('Query.eventRules', PUBLIC, '{ eventRules { bizStep details { name } } }'),
    // Serialized units: their public view and the consumer's check of a code.
    graphql('Query.unit', PUBLIC, 'query($g: String!) { unit(gtin: $g, serial: "ABCDEFGHJKLMNPQR") { serial } }', () => ({ g: '06930000000011' })),
    graphql(
      'Mutation.checkUnit',
      PUBLIC,
      'mutation($g: String!) { checkUnit(gtin: $g, serial: "ABCDEFGHJKLMNPQR", checkCode: "ABCDEFGHJK") { genuine } }',
      () => ({
        g: '06930000000011',
      }),
    ),
    // Queries with a key.
    graphql('Query.verifyLedger', ADMIN_OR_REGULATOR, '{ verifyLedger { valid } }'),
    graphql('Query.ledgerEntries', ADMIN_OR_REGULATOR, '{ ledgerEntries(first: 1) { seq } }'),
    graphql('Query.batchesWithExcursions', ADMIN_OR_REGULATOR, BATCHES_WITH_EXCURSIONS),
    graphql('Query.apiKeys', ANY_ORGANIZATION, API_KEY_IDS),
    // Lists: the viewer is any key's own (the admin's owns nothing); the lists across organizations are for regulators and the admin.
    graphql(
      'Query.viewer',
      table('ok'),
      '{ viewer { organization { id } facilities { edges { cursor } } products { edges { cursor } } batches { edges { cursor } } apiKeys { id } ' +
        'inboundBatches { edges { cursor } } recalls { edges { cursor } } } }',
    ),
    // A lab lists batches only to find one lot by a filter that names it (a trace code, or a GTIN with a lot code).
    graphql(
      'Query.batches',
      { ...ADMIN_OR_REGULATOR, lab: 'FORBIDDEN/LOT_LOOKUP_ONLY' },
      '{ batches(first: 1) { edges { node { id } } pageInfo { hasNextPage } } }',
    ),
    graphql(
      'Query.batches',
      { ...ADMIN_OR_REGULATOR, lab: 'ok' },
      'query($code: String!) { batches(filter: { traceCode: $code }) { edges { node { id } } } }',
      async (w) => ({ code: (await w.newBatch()).traceCode }),
    ),
    // Regulators and the admin list every inspection; a lab its own.
    graphql('Query.inspections', { ...ADMIN_OR_REGULATOR, lab: 'ok' }, '{ inspections(first: 1, filter: { verdict: FAIL }) { edges { node { id } } } }'),
    graphql('Query.recalls', ADMIN_OR_REGULATOR, '{ recalls(first: 1) { edges { node { id } } } }'),
    graphql('Query.batchesWithExcursionsConnection', ADMIN_OR_REGULATOR, '{ batchesWithExcursionsConnection(first: 1) { edges { node { id } } } }'),
    graphql('Query.ledgerEntriesConnection', ADMIN_OR_REGULATOR, '{ ledgerEntriesConnection(first: 1) { edges { node { seq } } } }'),
    graphql('Query.organizations', ADMIN_OR_REGULATOR, '{ organizations(first: 1, kind: PRODUCER) { edges { node { id } } } }'),
    // One organization: whoever lists them all, and the organization itself; to anyone else it does not exist.
    graphql(
      'Query.organization',
      table('NOT_FOUND/ORGANIZATION_NOT_FOUND', { admin: 'ok', owner: 'ok', regulator: 'ok' }),
      'query($id: ID!) { organization(id: $id) { id } }',
      (w) => ({ id: w.owner.id }),
    ),
    // The ledger's state for who checks it: the witnesses and the newest audit on record.
    graphql('Query.witnesses', ADMIN_OR_REGULATOR, '{ witnesses { name cosignedSize lastError } }'),
    graphql('Query.lastLedgerAudit', ADMIN_OR_REGULATOR, '{ lastLedgerAudit { finishedAt requestedBy } }'),
    graphql('Query.webhookDeliveries', ANY_ORGANIZATION, '{ webhookDeliveries { id status } }'),
    graphql('Query.batch', SEES_BATCH, 'query($id: ID!) { batch(id: $id) { id } }', async (w) => ({ id: (await w.newBatch()).id })),
    graphql('Query.trace', SEES_BATCH, 'query($id: ID!) { trace(batchId: $id, direction: DOWNSTREAM) { nodes { depth } } }', async (w) => ({
      id: (await w.newBatch()).id,
    })),
    graphql(
      'Query.traceConnection',
      SEES_BATCH,
      'query($id: ID!) { traceConnection(batchId: $id, direction: DOWNSTREAM, first: 5) { edges { node { depth } } } }',
      async (w) => ({ id: (await w.newBatch()).id }),
    ),
    // A field of the entries a batch shows: it answers where the entries do (Batch.events, withheld from who may not read the batch).
    graphql('LedgerEntry.errorDeclaration', SEES_BATCH, 'query($id: ID!) { batch(id: $id) { events { errorDeclaration { reason } } } }', async (w) => ({
      id: (await w.newBatch()).id,
    })),
    // The recall is started by the regulator on the owner's batch: both see it, and the admin.
    graphql('Query.recall', table('FORBIDDEN/NOT_OWNER', { admin: 'ok', owner: 'ok', regulator: 'ok' }), RECALL_ID, async (w) => ({
      id: (await w.openRecall()).recallId,
    })),

    graphql(
      'Mutation.createOrganization',
      table('FORBIDDEN/ADMIN_ONLY', { admin: 'ok' }),
      'mutation { createOrganization(input: { name: "新合作社", kind: PRODUCER }) { apiKey } }',
    ),
    graphql('Mutation.createCheckpoint', ADMIN_OR_REGULATOR, CREATE_CHECKPOINT),
    graphql('Mutation.createApiKey', ANY_ORGANIZATION, 'mutation { createApiKey(input: { label: "scanner" }) { secret } }'),
    // A key for a named organization (the owner): the admin's, or the owner's own naming itself.
    graphql(
      'Mutation.createApiKey (organizationId)',
      table('FORBIDDEN/ADMIN_ONLY', { admin: 'ok', owner: 'ok' }),
      'mutation($id: ID!) { createApiKey(input: { label: "issued", organizationId: $id }) { secret } }',
      (w) => ({ id: w.owner.id }),
    ),
    // A fresh second key of the owner each time: another organization cannot even see it exists.
    graphql('Mutation.revokeApiKey', table('NOT_FOUND/API_KEY_NOT_FOUND', { admin: 'ok', owner: 'ok' }), REVOKE_API_KEY, async (w) => ({
      id: (await gqlOk(service.app, 'mutation { createApiKey(input: { label: "spare" }) { apiKey { id } } }', undefined, w.owner.key)).createApiKey.apiKey.id,
    })),
    graphql('Mutation.registerWebhook', ANY_ORGANIZATION, 'mutation { registerWebhook(url: "https://example.org/hook") { secret } }'),
    graphql('Mutation.registerFacility', ANY_ORGANIZATION, 'mutation { registerFacility(input: { name: "仓库" }) { id } }'),
    graphql(
      'Mutation.registerProduct',
      table('ok', {
        admin: 'FORBIDDEN/ORGANIZATION_ONLY',
        logistics: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        regulator: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        lab: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        certifier: 'FORBIDDEN/ROLE_NOT_ALLOWED',
      }),
      'mutation { registerProduct(input: { name: "大米", category: GRAIN, storage: AMBIENT }) { id } }',
    ),
    // On the owner's product and facility.
    graphql(
      'Mutation.registerBatch',
      table('FORBIDDEN/NOT_OWNER', {
        admin: 'FORBIDDEN/ORGANIZATION_ONLY',
        owner: 'ok',
        logistics: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        regulator: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        lab: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        certifier: 'FORBIDDEN/ROLE_NOT_ALLOWED',
      }),
      'mutation($input: RegisterBatchInput!) { registerBatch(input: $input) { id } }',
      (w) => ({
        input: { productId: w.product, facilityId: w.facility, lotCode: `L-${serial()}`, quantity: 10, unit: 'kg', producedAt: '2026-11-01T00:00:00.000Z' },
      }),
    ),
    // Only the custodian records on a batch; a lab or regulator only inspects.
    graphql(
      'Mutation.recordEvent',
      table('FORBIDDEN/BATCH_NOT_IN_CUSTODY', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      RECORD_EVENT,
      async (w) => ({ input: event(w, (await w.newBatch()).id) }),
    ),
    graphql(
      'Mutation.recordEvents',
      table('FORBIDDEN/BATCH_NOT_IN_CUSTODY', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      RECORD_EVENTS,
      async (w) => {
        const batch = (await w.newBatch()).id;
        return { input: [event(w, batch), { ...event(w, batch), eventTime: '2026-11-02T00:00:00.000Z' }] };
      },
    ),
    graphql(
      'Mutation.recordTemperatures',
      table('FORBIDDEN/BATCH_NOT_IN_CUSTODY', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      RECORD_TEMPERATURES,
      async (w) => ({
        input: { batchId: (await w.newBatch()).id, readings: [{ at: '2026-11-01T00:00:00.000Z', celsius: 4 }] },
      }),
    ),
    graphql('Mutation.transformBatches', table('FORBIDDEN/NOT_OWNER', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }), TRANSFORM_BATCHES, async (w) => ({
      input: {
        facilityId: w.facility,
        eventTime: '2026-11-01T00:00:00.000Z',
        inputs: [{ batchId: (await w.newBatch()).id, quantity: 10 }],
        outputs: [{ productId: w.product, lotCode: `T-${serial()}`, quantity: 9, unit: 'kg' }],
      },
    })),
    // The batch's producer declares one; a regulator or certification body issues one attested. A custodian may not (certificates medium spec).
    graphql(
      'Mutation.attachCertificate',
      table('FORBIDDEN/NOT_OWNER', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok', regulator: 'ok', certifier: 'ok' }),
      ATTACH_CERTIFICATE,
      async (w) => ({ input: { batchId: (await w.newBatch()).id, ...organicCertificate() } }),
    ),
    // Vouching for the owner's declared certificate: only an attester.
    graphql(
      'Mutation.attestCertificate',
      table('FORBIDDEN/ROLE_NOT_ALLOWED', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', regulator: 'ok', certifier: 'ok' }),
      ATTEST_CERTIFICATE,
      async (w) => ({ input: { certificateId: await w.declaredCertificate(), documentSha256: 'ab'.repeat(32) } }),
    ),
    graphql(
      'Mutation.recordInspection',
      table('FORBIDDEN/ROLE_NOT_ALLOWED', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', regulator: 'ok', lab: 'ok' }),
      RECORD_INSPECTION,
      async (w) => ({
        input: { batchId: (await w.newBatch()).id, verdict: 'PASS', items: [{ name: '镉 (Cd)', value: 0.05, limit: 0.2, unit: 'mg/kg', passed: true }] },
      }),
    ),
    graphql(
      'Mutation.releaseBatch',
      table('FORBIDDEN/ROLE_NOT_ALLOWED', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', regulator: 'ok' }),
      'mutation($input: ReleaseBatchInput!) { releaseBatch(input: $input) { id } }',
      async (w) => ({
        input: { batchId: await w.heldBatch(), reason: '复检合格' },
      }),
    ),
    // A regulator, or the producer of every named batch.
    graphql(
      'Mutation.initiateRecall',
      table('FORBIDDEN/NOT_OWNER', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok', regulator: 'ok' }),
      INITIATE_RECALL,
      async (w) => ({
        input: { batchIds: [(await w.newBatch()).id], level: 'LEVEL_3', reason: '标签错误' },
      }),
    ),
    graphql(
      'Mutation.reportRecallRecovery',
      table('FORBIDDEN/BATCH_NOT_IN_CUSTODY', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      'mutation($input: ReportRecallRecoveryInput!) { reportRecallRecovery(input: $input) { id } }',
      async (w) => {
        const { recallId, batchId } = await w.openRecall();
        return { input: { recallId, batchId, quantity: 1, disposition: 'RETURNED' } };
      },
    ),
    // The batch's producer only; other makers are strangers to it, the rest may not commission at all.
    graphql(
      'Mutation.commissionUnits',
      table('FORBIDDEN/NOT_OWNER', {
        admin: 'FORBIDDEN/ORGANIZATION_ONLY',
        owner: 'ok',
        logistics: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        regulator: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        lab: 'FORBIDDEN/ROLE_NOT_ALLOWED',
        certifier: 'FORBIDDEN/ROLE_NOT_ALLOWED',
      }),
      'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
      async (w) => ({ input: { batchId: await w.gtinBatch(), count: 2 } }),
    ),
    // Packing: the custodian of what is packed, at one of its own facilities; the admin key is not an organization's.
    graphql(
      'Mutation.packUnits',
      table('FORBIDDEN/NOT_OWNER', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc } }',
      async (w) => ({ input: { facilityId: w.facility, sscc: nthSscc('0614141', BigInt(1_000_000 + serial())), childSsccs: [await w.ownerPackage()] } }),
    ),
    graphql(
      'Mutation.unpack',
      table('FORBIDDEN/NOT_IN_CUSTODY', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      'mutation($s: String!, $f: ID!) { unpack(sscc: $s, facilityId: $f) { seq } }',
      async (w) => ({ s: await w.ownerPackage(), f: w.facility }),
    ),
    graphql(
      'Mutation.shipPackage',
      table('FORBIDDEN/NOT_IN_CUSTODY', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      'mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq } }',
      async (w) => ({ input: { sscc: await w.ownerPackage(), facilityId: w.facility, destinationOrganizationId: w.orgs.retailer.id } }),
    ),
    // Only the organization it was shipped to receives a package.
    graphql(
      'Mutation.receivePackage',
      table('FORBIDDEN/NOT_SHIPPED_TO_YOU', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      'mutation($input: ReceivePackageInput!) { receivePackage(input: $input) { seq } }',
      async (w) => ({ input: { sscc: await w.packageShippedToOwner(), facilityId: w.facility } }),
    ),
    graphql(
      'Mutation.setGs1CompanyPrefix',
      table('FORBIDDEN/ADMIN_ONLY', { admin: 'ok' }),
      'mutation($id: ID!, $p: String!) { setGs1CompanyPrefix(organizationId: $id, gs1CompanyPrefix: $p) { seq } }',
      async () => ({ id: (await createOrg(service.app, 'PRODUCER')).id, p: `6950${String(serial()).padStart(5, '0')}` }),
    ),
    graphql(
      'Mutation.closeRecall',
      table('FORBIDDEN/ROLE_NOT_ALLOWED', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', regulator: 'ok' }),
      CLOSE_RECALL,
      async (w) => ({
        input: { recallId: (await w.openRecall()).recallId, note: '已完成' },
      }),
    ),

    // HTTP routes that take a key.
    http(
      'GET /labels/<code>.png',
      table('FORBIDDEN/NOT_OWNER', { admin: UNAUTHENTICATED, owner: 'ok' }),
      async (w) => `/labels/${(await w.newBatch()).traceCode}.png`,
    ),
    // The units' CSV: the producer that commissioned them; the admin key is not an organization's.
    http(
      'GET /units/<id>.csv',
      table('FORBIDDEN/NOT_OWNER', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      async (w) => `/units/${await w.commissioning()}.csv`,
    ),
    // Their label sheet: the same callers as the CSV.
    http(
      'GET /units/<id>.pdf',
      table('FORBIDDEN/NOT_OWNER', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      async (w) => `/units/${await w.commissioning()}.pdf`,
    ),
    http('GET /trace/<id>.svg', ADMIN_OR_REGULATOR, async (w) => `/trace/${(await w.newBatch()).id}.svg`),
    // The whole trace streamed: whoever may run the trace query on the batch.
    http('GET /trace/<id>/lots.csv', SEES_BATCH, async (w) => `/trace/${(await w.newBatch()).id}/lots.csv`),
    http('GET /trace/<id>/lots.ndjson', SEES_BATCH, async (w) => `/trace/${(await w.newBatch()).id}/lots.ndjson?direction=UPSTREAM`),
    http('GET /exports/trace.csv', ADMIN_OR_REGULATOR, async (w) => `/exports/trace.csv?batchId=${(await w.newBatch()).id}`),
    http('GET /epcis/events', ADMIN_OR_REGULATOR, async (w) => `/epcis/events?batchId=${(await w.newBatch()).id}`),
    // The EPCIS query interface: any key; each organization reads its own events, so another's is 404 as an unknown one.
    http('GET /epcis/events (query)', table('ok'), async () => '/epcis/events?perPage=1'),
    http('GET /epcis/events/<eventID>', table('NOT_FOUND/EVENT_NOT_FOUND', { admin: 'ok', owner: 'ok', regulator: 'ok' }), async (w) => {
      const lot = `${service.app.get<AppConfig>(APP_CONFIG).publicBaseUrl}/q/${(await w.newBatch()).traceCode}`;
      const listed = await request(service.app.getHttpServer())
        .get(`/epcis/events?MATCH_epcClass=${encodeURIComponent(lot)}`)
        .set('authorization', `Bearer ${TEST_ADMIN_KEY}`);
      const [commissioning] = JSON.parse(listed.text).epcisBody.queryResults.resultsBody.eventList as { eventID: string }[];
      return `/epcis/events/${encodeURIComponent(commissioning.eventID)}`;
    }),
    http('GET /ledger/export', ADMIN_OR_REGULATOR, async () => '/ledger/export?fromSeq=1&toSeq=2'),
    http(
      'GET /reports/mock-recall/<id>.html',
      table('FORBIDDEN/NOT_OWNER', { admin: 'ok', owner: 'ok', regulator: 'ok', lab: 'FORBIDDEN/ROLE_NOT_ALLOWED' }),
      async (w) => `/reports/mock-recall/${(await w.newBatch()).id}.html`,
    ),
    // Capture jobs: each organization reads its own; another's answers as an unknown one (404).
    http('GET /epcis/capture', ANY_ORGANIZATION, async () => '/epcis/capture'),
    http(
      'GET /epcis/capture/<id>',
      table('NOT_FOUND/CAPTURE_JOB_NOT_FOUND', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      async (w) => `/epcis/capture/${await ownerCaptureJob(w)}`,
    ),
    http(
      'POST /epcis/capture',
      table('FORBIDDEN/BATCH_NOT_IN_CUSTODY', { admin: 'FORBIDDEN/ORGANIZATION_ONLY', owner: 'ok' }),
      async () => '/epcis/capture',
      'post',
      async (w) => ({
        type: 'EPCISDocument',
        epcisBody: {
          eventList: [
            {
              type: 'ObjectEvent',
              action: 'OBSERVE',
              bizStep: 'storing',
              eventTime: '2026-11-01T00:00:00Z',
              bizLocation: { id: `urn:uuid:${w.facility}` },
              quantityList: [{ epcClass: `http://localhost:3000/q/${(await w.newBatch()).traceCode}`, quantity: 1 }],
            },
          ],
        },
      }),
    ),
  ];

  async function buildWorld(): Promise<World & { keys: Record<CallerName, string | undefined> }> {
    const { app } = service;
    const owner = await createOrg(app, 'PRODUCER', '东丽湖生态农场');
    const orgs = {
      owner,
      producer: await createOrg(app, 'PRODUCER'),
      processor: await createOrg(app, 'PROCESSOR'),
      logistics: await createOrg(app, 'LOGISTICS'),
      retailer: await createOrg(app, 'RETAILER'),
      regulator: await createOrg(app, 'REGULATOR'),
      lab: await createOrg(app, 'LAB'),
      certifier: await createOrg(app, 'CERTIFIER'),
    };
    // The owner's second key, revoked: even the owner's own revoked key gets nothing.
    const revoked = (await gqlOk(app, 'mutation { createApiKey(input: { label: "old laptop" }) { secret apiKey { id } } }', undefined, owner.key)).createApiKey;
    await gqlOk(app, REVOKE_API_KEY, { id: revoked.apiKey.id }, owner.key);
    const facility = await registerFacility(app, owner);
    const product = await registerProduct(app, owner);
    const newBatch = () => registerBatch(app, owner, product, facility, { quantity: 100 });
    // Serialized units need a GTIN product.
    const cans = await registerProduct(app, owner, { name: '配方奶粉', gtin: '06930000000011' });
    const commissioning = async () =>
      (
        await gqlOk(
          app,
          'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
          { input: { batchId: (await registerBatch(app, owner, cans, facility)).id, count: 2 } },
          owner.key,
        )
      ).commissionUnits.id as string;
    // Packages: units of the owner's (or a supplier's) GTIN lot, packed under SSCCs given (neither has a GS1 company prefix).
    const supplier = await createOrg(app, 'PRODUCER');
    const supplierFacility = await registerFacility(app, supplier);
    const supplierCans = await registerProduct(app, supplier, { name: '配方奶粉', gtin: '06930000000028' });
    let ssccs = 0;
    const packageOf = async (org: Org, productId: string, facilityId: string, gtin: string) => {
      const batchId = (await registerBatch(app, org, productId, facilityId)).id;
      const c = await gqlOk(
        app,
        'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
        { input: { batchId, count: 2 } },
        org.key,
      );
      const csv = await request(app.getHttpServer()).get(`/units/${c.commissionUnits.id}.csv`).set('authorization', `Bearer ${org.key}`);
      const serials = csv.text
        .trim()
        .split('\r\n')
        .slice(1)
        .map((line) => line.split(',')[0]);
      const input = { facilityId, sscc: nthSscc('0614141', BigInt(++ssccs)), gtin, unitSerials: serials };
      return (await gqlOk(app, 'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc } }', { input }, org.key)).packUnits.sscc as string;
    };
    const world: World = {
      orgs,
      owner,
      facility,
      product,
      newBatch,
      gtinBatch: async () => (await registerBatch(app, owner, cans, facility)).id,
      commissioning,
      ownerPackage: () => packageOf(owner, cans, facility, '06930000000011'),
      packageShippedToOwner: async () => {
        const sscc = await packageOf(supplier, supplierCans, supplierFacility, '06930000000028');
        const input = { sscc, facilityId: supplierFacility, destinationOrganizationId: owner.id };
        await gqlOk(app, 'mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq } }', { input }, supplier.key);
        return sscc;
      },
      heldBatch: async () => {
        const { id } = await newBatch();
        await gqlOk(
          app,
          RECORD_INSPECTION,
          { input: { batchId: id, verdict: 'FAIL', items: [{ name: '镉 (Cd)', value: 0.5, limit: 0.2, unit: 'mg/kg', passed: false }] } },
          orgs.lab.key,
        );
        return id;
      },
      declaredCertificate: async () =>
        (await gqlOk(app, ATTACH_CERTIFICATE, { input: { batchId: (await newBatch()).id, ...organicCertificate() } }, owner.key)).attachCertificate.id,
      openRecall: async () => {
        const { id } = await newBatch();
        const recall = await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [id], level: 'LEVEL_2', reason: '标签错误' } }, orgs.regulator.key);
        return { recallId: recall.initiateRecall.id, batchId: id };
      },
    };
    const keys = {
      anonymous: undefined,
      revoked: revoked.secret,
      admin: TEST_ADMIN_KEY,
      ...Object.fromEntries(Object.entries(orgs).map(([name, org]) => [name, org.key])),
    } as Record<CallerName, string | undefined>;
    return { ...world, keys };
  }

  it('names every query and mutation of the schema', () => {
    const schema = buildSchema(readFileSync('schema.gql', 'utf8'));
    const operations = [
      ...Object.keys(schema.getQueryType()!.getFields()).map((f) => `Query.${f}`),
      ...Object.keys(schema.getMutationType()!.getFields()).map((f) => `Mutation.${f}`),
    ];
    expect(operations.filter((op) => !ROWS.some((r) => r.name === op))).toEqual([]);
  });

  it('gives every caller exactly the answer the table says, for every operation', async () => {
    const world = await buildWorld();
    const actual: Record<string, Expected> = {};
    for (const row of ROWS) {
      actual[row.name] = {} as Expected;
      for (const caller of CALLERS) actual[row.name][caller] = await row.run(world, world.keys[caller]);
    }
    // One comparison of the whole table, so a failure shows every cell that differs.
    expect(actual).toEqual(Object.fromEntries(ROWS.map((r) => [r.name, r.expected])));
    // Every operation for every caller, one request after another: on a loaded machine it takes well past the default minute.
  }, 180_000);
});
