import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { nthSscc } from '../../src/packages/sscc.js';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, Org, registerBatch, registerFacility, registerProduct } from './builders.js';
import { gqlOk } from './test-app.js';
import { ATTACH_CERTIFICATE, INITIATE_RECALL, RECORD_INSPECTION } from './documents.js';

/**
 * A small supply chain for input tests: a producer with two facilities (one with a GLN, so EPCIS can
 * name it) and two products with GTINs, a retailer, a lab, a regulator and a certification body; and fresh
 * batches, held batches, recalls, declared certificates and EPCIS documents on demand, so a test that consumes state gets its own.
 */
export interface InputWorld {
  app: INestApplication<App>;
  producer: Org;
  retailer: Org;
  lab: Org;
  regulator: Org;
  certifier: Org;
  facilityId: string;
  retailerFacilityId: string;
  gln: string;
  /** The same place as an EPCIS SGLN. */
  sgln: string;
  rice: { id: string; gtin: string };
  milledRice: { id: string; gtin: string };
  /** A batch with plenty left, for events that change nothing (STORING, INSPECTING, temperatures). */
  sharedBatch: { id: string; traceCode: string; lotCode: string };
  unique(prefix: string): string;
  /** A distinct instant in the past on every call: temperature readings must not repeat per sensor. */
  freshInstant(): string;
  newBatch(input?: Record<string, unknown>): Promise<{ id: string; traceCode: string; lotCode: string }>;
  heldBatch(): Promise<string>;
  openRecall(): Promise<{ recallId: string; batchId: string }>;
  /** An organic certificate the producer declared on a fresh batch (document 'ab' × 32), not yet attested. */
  declaredCertificate(): Promise<string>;
  epcisDocument(): EpcisDocument;
  /** A capture job of the producer's: a refused capture, on record, with nothing in the ledger. */
  captureJobId: string;
  /** The eventID of a storing event the producer captured (epcisDocument's second event). */
  capturedEventId: string;
  /** Two serialized units the producer commissioned of the shared batch: the commissioning, and the first unit with its check code. */
  units: { commissioningId: string; gtin: string; serial: string; checkCode: string };
  /** Packing: units of rice the producer holds, one fresh serial a call, SSCCs never used, and packages of them. */
  packing: {
    gtin: string;
    freshSerial(): string;
    freshSscc(): string;
    /** A package of one fresh unit, packed by the producer at its facility. */
    freshPackage(): Promise<string>;
    /** A fresh package the producer shipped to the retailer. */
    packageShippedToRetailer(): Promise<string>;
  };
}

export interface EpcisDocument {
  type: 'EPCISDocument';
  schemaVersion: string;
  epcisBody: { eventList: Record<string, unknown>[] };
  [member: string]: unknown;
}

const withCheckDigit = (body: string) => body + gtinCheckDigit(body);

export async function buildInputWorld(app: INestApplication<App>): Promise<InputWorld> {
  let counter = 0;
  const unique = (prefix: string) => `${prefix}-${++counter}`;
  // One minute apart from the start of 2026: always in the past, never twice the same.
  const freshInstant = () => new Date(Date.UTC(2026, 0, 1) + ++counter * 60_000).toISOString();

  const producer = await createOrg(app, 'PRODUCER', '天津市小站稻种植专业合作社');
  const retailer = await createOrg(app, 'RETAILER', '津门超市');
  const lab = await createOrg(app, 'LAB', '天津市食品检验所');
  const regulator = await createOrg(app, 'REGULATOR', '天津市市场监督管理委员会');
  const certifier = await createOrg(app, 'CERTIFIER', '中绿华夏有机产品认证中心');
  const gln = withCheckDigit('690123400001');
  const sgln = `urn:epc:id:sgln:${gln.slice(0, 7)}.${gln.slice(7, 12)}.0`;
  const facilityId = await registerFacility(app, producer, { name: '宁河基地', gln });
  const retailerFacilityId = await registerFacility(app, retailer, { name: '门店' });
  const rice = { gtin: withCheckDigit('0690123400010'), id: '' };
  rice.id = await registerProduct(app, producer, { name: '小站稻', gtin: rice.gtin });
  const milledRice = { gtin: withCheckDigit('0690123400020'), id: '' };
  milledRice.id = await registerProduct(app, producer, { name: '小站稻 大米', gtin: milledRice.gtin });

  const newBatch = (input: Record<string, unknown> = {}) =>
    registerBatch(app, producer, rice.id, facilityId, { lotCode: unique('LOT'), quantity: 1e9, ...input });
  const sharedBatch = await newBatch();

  const heldBatch = async () => {
    const { id } = await newBatch();
    const items = [{ name: '镉 (Cd)', value: 0.5, limit: 0.2, unit: 'mg/kg', passed: false }];
    await gqlOk(app, RECORD_INSPECTION, { input: { batchId: id, verdict: 'FAIL', items } }, lab.key);
    return id;
  };

  const openRecall = async () => {
    const { id } = await newBatch();
    const recall = await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [id], level: 'LEVEL_2', reason: '标签错误' } }, regulator.key);
    return { recallId: recall.initiateRecall.id as string, batchId: id };
  };

  const declaredCertificate = async () => {
    const certificate = {
      batchId: (await newBatch()).id,
      kind: 'ORGANIC',
      number: String(++counter).padStart(17, '2'),
      issuer: '中绿华夏有机产品认证中心',
      validFrom: '2026-01-01T00:00:00Z',
      validUntil: '2027-01-01T00:00:00Z',
      documentSha256: 'ab'.repeat(32),
    };
    return (await gqlOk(app, ATTACH_CERTIFICATE, { input: certificate }, producer.key)).attachCertificate.id as string;
  };

  // Commissioning, storing, temperatures and a milling of a new lot: every kind of step capture records.
  const epcisDocument = (): EpcisDocument => {
    const lot = `https://id.gs1.org/01/${rice.gtin}/10/${unique('EP')}`;
    const milled = `https://id.gs1.org/01/${milledRice.gtin}/10/${unique('EPM')}`;
    const place = { id: sgln };
    const [t1, t2, t3, t4, t5] = Array.from({ length: 5 }, freshInstant);
    return {
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      epcisBody: {
        eventList: [
          {
            type: 'ObjectEvent',
            action: 'ADD',
            bizStep: 'commissioning',
            eventTime: t1,
            bizLocation: place,
            quantityList: [{ epcClass: lot, quantity: 100, uom: 'KGM' }],
            'example:note': '田间批次',
          },
          {
            type: 'ObjectEvent',
            action: 'OBSERVE',
            bizStep: 'storing',
            eventID: `urn:uuid:${randomUUID()}`,
            eventTime: t2,
            bizLocation: { id: `urn:uuid:${facilityId}` },
            quantityList: [{ epcClass: lot, quantity: 100, uom: 'KGM' }],
          },
          {
            type: 'ObjectEvent',
            action: 'OBSERVE',
            bizStep: 'sensor_reporting',
            eventTime: t4,
            quantityList: [{ epcClass: lot }],
            sensorElementList: [
              {
                sensorMetadata: { deviceID: 'logger-7' },
                sensorReport: [
                  { type: 'Temperature', time: t3, value: 18.5, uom: 'CEL' },
                  { type: 'Temperature', time: t4, value: 66, uom: 'FAH' },
                ],
              },
            ],
          },
          {
            type: 'TransformationEvent',
            eventTime: t5,
            bizLocation: { id: `urn:uuid:${facilityId}` },
            inputQuantityList: [{ epcClass: lot, quantity: 40, uom: 'KGM' }],
            outputQuantityList: [{ epcClass: milled, quantity: 28, uom: 'KGM' }],
          },
        ],
      },
    };
  };

  const refusedCapture = await request(app.getHttpServer())
    .post('/epcis/capture')
    .set('authorization', `Bearer ${producer.key}`)
    .set('content-type', 'application/json')
    .send(JSON.stringify({ ...epcisDocument(), epcisBody: { eventList: [{ ...epcisDocument().epcisBody.eventList[0], bizLocation: undefined }] } }));
  const captureJobId = refusedCapture.body.errors[0].extensions.captureID as string;
  const capturedDocument = epcisDocument();
  const capturedEventId = capturedDocument.epcisBody.eventList[1].eventID as string;
  const capture = await request(app.getHttpServer())
    .post('/epcis/capture')
    .set('authorization', `Bearer ${producer.key}`)
    .set('content-type', 'application/ld+json')
    .send(JSON.stringify(capturedDocument));
  if (capture.status !== 202) throw new Error(`the input world's capture was refused: ${capture.text}`);

  const commissioned = await gqlOk(
    app,
    'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
    { input: { batchId: sharedBatch.id, count: 2 } },
    producer.key,
  );
  const commissioningId = commissioned.commissionUnits.id as string;
  const csv = await request(app.getHttpServer()).get(`/units/${commissioningId}.csv`).set('authorization', `Bearer ${producer.key}`);
  const [serial, , checkCode] = csv.text.split('\r\n')[1].split(',');
  const units = { commissioningId, gtin: rice.gtin, serial, checkCode };

  // Units to pack: 2,000 of a lot of their own, handed out one a call (the hostile-input suite packs one per variant).
  const packingBatch = await newBatch();
  const pool = await gqlOk(
    app,
    'mutation($input: CommissionUnitsInput!) { commissionUnits(input: $input) { id } }',
    { input: { batchId: packingBatch.id, count: 2000 } },
    producer.key,
  );
  const poolCsv = await request(app.getHttpServer()).get(`/units/${pool.commissionUnits.id}.csv`).set('authorization', `Bearer ${producer.key}`);
  const poolSerials = poolCsv.text
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(',')[0]);
  let ssccs = 0;
  const freshSerial = () => {
    const next = poolSerials.pop();
    if (!next) throw new Error("the input world's units to pack ran out");
    return next;
  };
  // The producer has no GS1 company prefix: any valid SSCC is its to give (GS1's example prefix here).
  const freshSscc = () => nthSscc('0614141', BigInt(++ssccs))!;
  const freshPackage = async () =>
    (
      await gqlOk(
        app,
        'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc } }',
        { input: { facilityId, sscc: freshSscc(), gtin: rice.gtin, unitSerials: [freshSerial()] } },
        producer.key,
      )
    ).packUnits.sscc as string;
  const packageShippedToRetailer = async () => {
    const sscc = await freshPackage();
    const input = { sscc, facilityId, destinationOrganizationId: retailer.id };
    await gqlOk(app, 'mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq } }', { input }, producer.key);
    return sscc;
  };
  const packing = { gtin: rice.gtin, freshSerial, freshSscc, freshPackage, packageShippedToRetailer };

  return {
    app,
    units,
    packing,
    captureJobId,
    capturedEventId,
    producer,
    retailer,
    lab,
    regulator,
    certifier,
    facilityId,
    retailerFacilityId,
    gln,
    sgln,
    rice,
    milledRice,
    sharedBatch,
    unique,
    freshInstant,
    newBatch,
    heldBatch,
    openRecall,
    declaredCertificate,
    epcisDocument,
  };
}
