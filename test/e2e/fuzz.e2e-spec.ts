import { beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import request from 'supertest';
import { BIZ_STEPS } from '../../src/events/biz-step.js';
import {
  expectClearError,
  GraphqlAnswer,
  HOSTILE_DATE_TIMES,
  HOSTILE_STRINGS,
  ledgerSize,
  postRaw,
  postRawGraphql,
  verifyWholeLedger,
} from '../support/hostile-values.js';
import { buildInputWorld, InputWorld } from '../support/input-world.js';
import { gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';
import { RECORD_EVENT, RECORD_EVENTS } from '../support/documents.js';

/**
 * Property-based fuzzing of the two ways events enter the ledger: GraphQL recordEvent/recordEvents
 * and EPCIS capture, with inputs built from valid and invalid parts. Whatever is sent: never a 500,
 * every error has a code, a refused request writes nothing, an accepted one writes exactly its
 * entries, and the ledger verifies after every run.
 *
 * Reproducible: a fixed seed unless FUZZ_SEED is set, FUZZ_RUNS runs per property (default 200).
 * A failure prints the seed and the shrunk counterexample; rerun with FUZZ_SEED=<seed> to replay it.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

/** Any UTF-16 code unit: NUL, controls, lone surrogates, direction overrides… */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: codeUnit, maxLength: 20 }),
  fc.constantFrom(...HOSTILE_STRINGS.map((v) => v.value as string)),
);
const hostileTime = fc.oneof(fc.constantFrom(...HOSTILE_DATE_TIMES.map((v) => v.value)), anyText);
/** JSON whose strings and keys may hold any code unit: NUL, controls, lone surrogates. */
const anyJson = (maxDepth: number) => fc.oneof(fc.jsonValue({ maxDepth }), fc.jsonValue({ maxDepth, stringUnit: codeUnit }));
const pastInstant = fc.date({ min: new Date('1899-06-01T00:00:00Z'), max: new Date('2026-11-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

/** Placeholders resolved when a run executes (a fresh batch, a new lot, a unique key…), so generated values stay plain data. */
type Placeholder = `@${string}`;

// recordEvent / recordEvents

/** A valid event of each kind of step on this run's fresh batch, before any part of it is swapped. */
const validEvent = fc
  .constantFrom<Record<string, unknown>>(
    { bizStep: 'STORING', details: { note: '二号仓' } },
    { bizStep: 'HARVESTING', quantity: 500, details: { fieldName: '七里海 3 号田', harvestDate: '2026-01-01' } },
    { bizStep: 'COOLING', details: { coolingDate: '2026-01-01' } },
    { bizStep: 'PACKING', details: { lotCode: 'PK-1' } },
    { bizStep: 'INSPECTING' },
    { bizStep: 'RETAIL_SELLING', quantity: 5 },
    { bizStep: 'DESTROYING', quantity: 1 },
    {
      bizStep: 'SHIPPING',
      quantity: 10,
      destinationOrganizationId: '@retailer',
      details: { shipToLocation: '津门超市', referenceDocumentType: 'BOL', referenceDocumentNumber: 'B-1' },
    },
  )
  .map((step) => ({ batchId: '@fresh', eventTime: '@time', facilityId: '@facility', ...step }));

const keyDataElements = fc.record(
  {
    fieldName: anyText,
    harvestDate: fc.oneof(fc.constantFrom('2026-01-01', '2026-02-30', '1999-1-1'), anyText),
    coolingDate: fc.oneof(fc.constant('2026-01-01'), anyText),
    lotCode: anyText,
    shipToLocation: anyText,
    referenceDocumentType: fc.oneof(fc.constant('BOL'), anyText),
    referenceDocumentNumber: anyText,
  },
  { requiredKeys: [] },
);

/** One part of an event swapped for another value, valid or not (undefined: left out). */
const swappedPart = fc.oneof(
  fc.record({ field: fc.constant('batchId'), value: fc.oneof(fc.constantFrom<Placeholder>('@shared', '@held'), fc.uuid(), anyText) }),
  fc.record({ field: fc.constant('bizStep'), value: fc.oneof(fc.constantFrom(...BIZ_STEPS), anyText) }),
  fc.record({ field: fc.constant('eventTime'), value: fc.oneof(pastInstant, hostileTime) }),
  fc.record({ field: fc.constant('facilityId'), value: fc.oneof(fc.constant<Placeholder>('@retailerFacility'), fc.uuid(), anyText) }),
  fc.record({ field: fc.constant('destinationOrganizationId'), value: fc.oneof(fc.constant<Placeholder>('@retailer'), fc.uuid(), anyText) }),
  fc.record({
    field: fc.constant('quantity'),
    value: fc.oneof(fc.integer({ min: -10, max: 2000 }), fc.double(), fc.constantFrom(1e12, 1e13, 2 ** 53 + 1, 1e308)),
  }),
  fc.record({ field: fc.constant('details'), value: fc.oneof(keyDataElements, anyJson(10), fc.dictionary(anyText, anyJson(3))) }),
  fc.record({
    field: fc.constant('idempotencyKey'),
    value: fc.oneof(fc.constant<Placeholder>('@unique'), fc.constantFrom('fuzz-repeat-1', 'fuzz-repeat-2'), anyText),
  }),
  fc.record({ field: fc.constantFrom('batchId', 'bizStep', 'eventTime', 'facilityId', 'details'), value: fc.constant(undefined) }),
);

const recordEventInput = fc.tuple(validEvent, fc.array(swappedPart, { maxLength: 2 })).map(([event, swaps]) => {
  const swapped: Record<string, unknown> = { ...event };
  for (const { field, value } of swaps) {
    if (value === undefined) delete swapped[field];
    else swapped[field] = value;
  }
  return swapped;
});

const caller = fc.constantFrom('producer', 'producer', 'producer', 'producer', 'retailer', 'lab', 'anonymous');

const eventCall = fc.record({
  caller,
  events: fc.oneof(
    recordEventInput.map((e) => ({ single: true as const, list: [e] })),
    fc.array(recordEventInput, { minLength: 0, maxLength: 5 }).map((list) => ({ single: false as const, list })),
  ),
});

// EPCIS capture documents

const lotClass = fc.oneof(
  fc.constantFrom<Placeholder>('@lot1', '@lot1', '@lot2', '@sharedLot', '@milledLot'),
  fc.constantFrom(
    'urn:epc:class:lgtin:4012345.011111.%00',
    'https://id.gs1.org/01/00000000000000/10/x',
    'urn:epc:id:sgtin:0614141.107346.2017',
    'http://localhost:3000/q/AAAAAAAAAAAA',
  ),
  anyText,
);
const place = fc.oneof(
  fc.constantFrom<Placeholder>('@facilityUrn', '@sgln', '@retailerFacilityUrn'),
  fc.constantFrom('urn:uuid:6f1d2c3b-4a59-4e68-9b7a-8c9d0e1f2a3b', 'urn:epc:id:sgln:0000000.00000.0'),
  anyText,
);
const eventTime = fc.oneof(fc.constant<Placeholder>('@time'), fc.constant<Placeholder>('@time'), hostileTime);
const quantityElement = fc.record(
  {
    epcClass: lotClass,
    quantity: fc.oneof(fc.integer({ min: -5, max: 300 }), fc.double(), fc.constant(undefined)),
    uom: optional(fc.oneof(fc.constantFrom('KGM', 'LTR', 'H87', 'TNE', 'XXX'), anyText)),
  },
  { requiredKeys: ['epcClass'] },
);
const sensorElement = fc.record({
  sensorMetadata: fc.record({ deviceID: fc.oneof(fc.constant('logger-9'), anyText) }, { requiredKeys: [] }),
  sensorReport: fc.array(
    fc.record(
      {
        type: fc.oneof(fc.constant('Temperature'), anyText),
        value: fc.oneof(fc.double({ min: -50, max: 150 }), fc.double()),
        uom: fc.constantFrom('CEL', 'FAH', 'K'),
        time: eventTime,
      },
      { requiredKeys: ['type'] },
    ),
    { maxLength: 4 },
  ),
});
const objectEvent = fc.record(
  {
    type: fc.oneof(fc.constant('ObjectEvent'), fc.constantFrom('AggregationEvent', 'TransactionEvent'), anyText),
    action: fc.oneof(fc.constantFrom('ADD', 'OBSERVE', 'OBSERVE', 'DELETE'), anyText),
    bizStep: fc.oneof(
      fc.constantFrom(
        'commissioning',
        'storing',
        'shipping',
        'receiving',
        'packing',
        'inspecting',
        'retail_selling',
        'destroying',
        'sensor_reporting',
        'https://ref.gs1.org/cbv/BizStep-storing',
        'urn:epcglobal:cbv:bizstep:storing',
      ),
      anyText,
    ),
    eventTime,
    eventID: optional(anyText),
    bizLocation: fc.record({ id: place }),
    quantityList: fc.array(quantityElement, { maxLength: 3 }),
    destinationList: optional(
      fc.array(
        fc.record({
          type: fc.constantFrom('owning_party', 'possessing_party', 'location', 'other'),
          destination: fc.oneof(fc.constant<Placeholder>('@retailerParty'), anyText),
        }),
        { maxLength: 2 },
      ),
    ),
    bizTransactionList: optional(fc.array(fc.record({ type: fc.oneof(fc.constant('po'), anyText), bizTransaction: anyText }), { maxLength: 2 })),
    sensorElementList: optional(fc.array(sensorElement, { maxLength: 2 })),
    'example:extension': optional(anyJson(12)),
  },
  { requiredKeys: ['type', 'action', 'eventTime', 'quantityList'] },
);
const transformationEvent = fc.record({
  type: fc.constant('TransformationEvent'),
  eventTime,
  bizLocation: fc.record({ id: place }),
  inputQuantityList: fc.array(quantityElement, { maxLength: 2 }),
  outputQuantityList: fc.array(quantityElement, { maxLength: 2 }),
});
const anyEvent = fc.oneof({ weight: 4, arbitrary: objectEvent }, { weight: 2, arbitrary: transformationEvent }, { weight: 1, arbitrary: anyJson(4) });

/** A valid document (commissioning, storing, readings, milling of a new lot) with up to three of its parts replaced, dropped or added to. */
const edit = fc.oneof(
  fc.record({ replace: fc.nat(3), event: anyEvent }),
  fc.record({ drop: fc.nat(3) }),
  fc.record({ append: anyEvent }),
  fc.record({ member: fc.constantFrom('type', 'schemaVersion', 'epcisBody', '@context'), value: fc.oneof(anyText, anyJson(3)) }),
);
const captureCall = fc.record({
  caller: fc.constantFrom('producer', 'producer', 'producer', 'retailer', 'anonymous'),
  edits: fc.array(edit, { maxLength: 3 }),
});

describe('fuzz: events and EPCIS documents', () => {
  const service = useTestApp({ RATE_LIMIT_PUBLIC: '0', RATE_LIMIT_PER_KEY: '0' });
  let world: InputWorld;
  let heldBatchId: string;

  beforeAll(async () => {
    world = await buildInputWorld(service.app);
    heldBatchId = await world.heldBatch();
    console.info(`fuzz seed ${SEED}, ${RUNS} runs per property (set FUZZ_SEED and FUZZ_RUNS to change)`);
  });

  const keyOf = (who: string) => ({ producer: world.producer.key, retailer: world.retailer.key, lab: world.lab.key, anonymous: undefined })[who];

  /** Sends one request and checks the properties every answer must have; returns how many entries it wrote. */
  async function sendAndCheck(
    sent: unknown,
    send: () => Promise<GraphqlAnswer>,
    newEntries: (answer: GraphqlAnswer, before: number) => number,
  ): Promise<number> {
    const before = await ledgerSize(service.app);
    const answer = await send();
    const after = await ledgerSize(service.app);
    expect(answer.status).toBeLessThan(500);
    if (answer.status >= 400 || answer.body.errors?.length) {
      expectClearError(answer, sent);
      expect(after).toBe(before);
      return 0;
    }
    expect(after - before).toBe(newEntries(answer, before));
    if (after > before) {
      const verification = (
        await gqlOk(
          service.app,
          'query($from: SafeInt, $to: SafeInt) { verifyLedger(fromSeq: $from, toSeq: $to) { valid reason } }',
          { from: before + 1, to: after },
          TEST_ADMIN_KEY,
        )
      ).verifyLedger;
      expect(verification).toEqual({ valid: true, reason: null });
    }
    return after - before;
  }

  async function expectReadable(traceCode: string): Promise<void> {
    const page = await request(service.app.getHttpServer()).get(`/q/${traceCode}`);
    expect(page.status).toBe(200);
    const scan = await postRawGraphql(
      service.app,
      JSON.stringify({ query: 'query($c: String!) { scan(code: $c) { timeline { bizStep } verification { valid } } }', variables: { c: traceCode } }),
    );
    expect(scan.body.errors).toBeUndefined();
    expect((scan.body.data!.scan as { verification: { valid: boolean } }).verification.valid).toBe(true);
  }

  it('recordEvent and recordEvents: never a 500, every error has a code, the ledger grows by exactly the events accepted, and verifies', async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(eventCall, async ({ caller: who, events }) => {
        const freshBatch = events.list.some((e) => e.batchId === '@fresh') ? await world.newBatch() : null;
        const fresh = freshBatch?.id ?? '';
        const placeholders: Record<Placeholder, () => string> = {
          '@fresh': () => fresh,
          '@shared': () => world.sharedBatch.id,
          '@held': () => heldBatchId,
          '@facility': () => world.facilityId,
          '@retailerFacility': () => world.retailerFacilityId,
          '@retailer': () => world.retailer.id,
          '@unique': () => world.unique('fuzz'),
          '@time': () => world.freshInstant(),
        };
        const resolve = (value: unknown): unknown =>
          typeof value === 'string' && Object.hasOwn(placeholders, value) ? placeholders[value as Placeholder]() : value;
        const list = events.list.map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, resolve(v)])));
        const [query, input] = events.single ? [RECORD_EVENT, list[0]] : [RECORD_EVENTS, list];
        accepted += await sendAndCheck(
          input,
          () => postRawGraphql(service.app, JSON.stringify({ query, variables: { input } }), keyOf(who)),
          // A repeated idempotency key answers the entry it made before: only seqs past the old head are new.
          (answer, before) =>
            new Set(
              [(answer.body.data as Record<string, { seq: number } | { seq: number }[]>)[events.single ? 'recordEvent' : 'recordEvents']]
                .flat()
                .map((e) => e.seq)
                .filter((seq) => seq > before),
            ).size,
        );
        // What was accepted can be read back: the batch's public page and scan still work.
        if (freshBatch) await expectReadable(freshBatch.traceCode);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.info(`recordEvent(s): ${accepted} entries recorded in ${RUNS} runs`);
    // Not vacuous: a good share of the generated calls were valid and recorded.
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(await verifyWholeLedger(service.app)).toMatchObject({ valid: true });
  });

  it('EPCIS capture: never a 500, every error has a code, the ledger grows by exactly the entries of the events captured, and verifies', async () => {
    let captured = 0;
    await fc.assert(
      fc.asyncProperty(captureCall, async ({ caller: who, edits }) => {
        const document: Record<string, unknown> = { ...world.epcisDocument() };
        for (const change of edits) {
          const list = (document.epcisBody as { eventList?: unknown } | null)?.eventList;
          if ('replace' in change && Array.isArray(list)) list[change.replace % Math.max(list.length, 1)] = change.event;
          else if ('drop' in change && Array.isArray(list)) list.splice(change.drop, 1);
          else if ('append' in change && Array.isArray(list)) list.push(change.append);
          else if ('member' in change) document[change.member] = change.value;
        }
        const text = resolvePlaceholders(JSON.stringify(document));
        captured += await sendAndCheck(
          JSON.parse(text),
          () => postRaw(service.app, '/epcis/capture', text, keyOf(who), 'application/ld+json'),
          // One entry per lot an event registered or recorded on (a transformation: one per input and output).
          (answer) => (answer.body as unknown as { events: { batchIds: string[] }[] }).events.reduce((n, e) => n + e.batchIds.length, 0),
        );
      }),
      { seed: SEED, numRuns: RUNS },
    );
    console.info(`EPCIS capture: ${captured} entries recorded in ${RUNS} runs`);
    expect(captured).toBeGreaterThan(RUNS / 20);
    expect(await verifyWholeLedger(service.app)).toMatchObject({ valid: true });
  });

  /** The placeholders of a generated document, as this run's lots, places and times. */
  function resolvePlaceholders(text: string): string {
    const link = (gtin: string, lot: string) => `https://id.gs1.org/01/${gtin}/10/${encodeURIComponent(lot)}`;
    const values: Record<string, string> = {
      '@lot1': link(world.rice.gtin, world.unique('FZ')),
      '@lot2': link(world.rice.gtin, world.unique('FZ')),
      '@sharedLot': link(world.rice.gtin, world.sharedBatch.lotCode),
      '@milledLot': link(world.milledRice.gtin, world.unique('FZM')),
      '@facilityUrn': `urn:uuid:${world.facilityId}`,
      '@sgln': world.sgln,
      '@retailerFacilityUrn': `urn:uuid:${world.retailerFacilityId}`,
      '@retailerParty': `urn:uuid:${world.retailer.id}`,
    };
    return text.replace(/"(@\w+)"/g, (whole, name: string) =>
      name === '@time' ? JSON.stringify(world.freshInstant()) : name in values ? JSON.stringify(values[name]) : whole,
    );
  }
});
