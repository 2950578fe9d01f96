import { uomOf } from '../epcis/epcis-identifiers.js';
import type { EntryType, TemperaturesRecordedPayload, TypedEntry } from '../ledger/entry-types.js';

/**
 * GS1 EPCIS 2.0 JSON-LD for the events of a set of lots (CBV 2.0 vocabulary where it has a word):
 * each supply-chain event an ObjectEvent, each transformation one TransformationEvent. Lots are
 * identified class-level: by their GS1 Digital Link (GTIN + lot) when the product has a GTIN, else by
 * their page URL; places and parties by urn:uuid. Each batch of temperature readings is a
 * sensor_reporting ObjectEvent with one sensor element: the logger's time span, a report per reading
 * and the minimum and maximum. Every eventID is the ledger entry's hash, so an
 * auditor can find the entry behind each event.
 */
/** The entries an EPCIS export is made of. */
export const EPCIS_SOURCE_TYPES = ['BATCH_REGISTERED', 'EVENT_RECORDED', 'TEMPERATURES_RECORDED'] as const satisfies readonly EntryType[];

export type EpcisSource = TypedEntry<(typeof EPCIS_SOURCE_TYPES)[number]> & {
  seq: number;
  hash: string;
  batchId: string;
  lot: { lotCode: string; traceCode: string; gtin: string | null; unit: string };
};

const CBV_STEPS = new Set(['commissioning', 'packing', 'shipping', 'receiving', 'storing', 'inspecting', 'retail_selling', 'destroying']);
const BIZ_TRANSACTION_TYPES = new Set([
  'bol',
  'cert',
  'desadv',
  'inv',
  'pedigree',
  'po',
  'poc',
  'prodorder',
  'recadv',
  'rma',
  'testprd',
  'testprdcrt',
  'upevt',
]);

export function epcisDocument(sources: EpcisSource[], baseUrl: string, createdAt: Date): Record<string, unknown> {
  const lotUri = (lot: EpcisSource['lot']) =>
    lot.gtin ? `https://id.gs1.org/01/${lot.gtin}/10/${encodeURIComponent(lot.lotCode)}` : `${baseUrl}/q/${lot.traceCode}`;
  const quantity = (lot: EpcisSource['lot'], q: unknown, unit: string) => ({
    epcClass: lotUri(lot),
    ...(typeof q === 'number' ? { quantity: q } : {}),
    ...(uomOf(unit) ? { uom: uomOf(unit) } : {}),
  });
  const step = (name: string) => (CBV_STEPS.has(name) ? name : `${baseUrl}/epcis/bizstep/${name}`);
  const common = (s: EpcisSource, eventTime: string) => ({
    eventID: `ni:///sha-256;${s.hash}?ver=CBV2.0`,
    eventTime,
    eventTimeZoneOffset: '+08:00',
  });

  const events: Record<string, unknown>[] = [];
  const transformations = new Map<string, { event: Record<string, unknown>; inputs: unknown[]; outputs: unknown[] }>();
  for (const s of sources) {
    if (s.type === 'TEMPERATURES_RECORDED') {
      events.push(sensorEvent(s.payload, common(s, s.payload.to), { epcClass: lotUri(s.lot) }, baseUrl));
      continue;
    }
    const p = s.payload;
    // A registration happened when the batch was produced, an event at its eventTime.
    const eventTime = s.type === 'BATCH_REGISTERED' ? s.payload.producedAt : s.payload.eventTime;
    const transformationId = p.transformationId;
    if (transformationId) {
      let t = transformations.get(transformationId);
      if (!t) {
        t = {
          event: {
            type: 'TransformationEvent',
            ...common(s, eventTime),
            transformationID: `urn:uuid:${transformationId}`,
            bizStep: step('transforming'),
          },
          inputs: [],
          outputs: [],
        };
        if (p.facilityId) t.event.bizLocation = { id: `urn:uuid:${p.facilityId}` };
        transformations.set(transformationId, t);
        events.push(t.event);
      }
      if (s.type === 'BATCH_REGISTERED') t.outputs.push(quantity(s.lot, p.quantity, s.lot.unit));
      else t.inputs.push(quantity(s.lot, p.quantity, p.unit ?? s.lot.unit));
      continue;
    }
    const bizStep = s.type === 'BATCH_REGISTERED' ? 'commissioning' : s.payload.bizStep.toLowerCase();
    const event: Record<string, unknown> = {
      type: 'ObjectEvent',
      ...common(s, eventTime),
      action: s.type === 'BATCH_REGISTERED' ? 'ADD' : 'OBSERVE',
      bizStep: step(bizStep),
      quantityList: [quantity(s.lot, p.quantity, p.unit ?? s.lot.unit)],
    };
    if (p.facilityId) {
      event.readPoint = { id: `urn:uuid:${p.facilityId}` };
      event.bizLocation = { id: `urn:uuid:${p.facilityId}` };
    }
    const details = (p.details ?? {}) as Record<string, unknown>;
    if (typeof details.referenceDocumentNumber === 'string') {
      const docType = String(details.referenceDocumentType ?? '').toLowerCase();
      event.bizTransactionList = [
        {
          ...(BIZ_TRANSACTION_TYPES.has(docType) ? { type: docType } : {}),
          bizTransaction: `${baseUrl}/epcis/doc/${encodeURIComponent(docType || 'document')}/${encodeURIComponent(details.referenceDocumentNumber)}`,
        },
      ];
    }
    if (s.type === 'EVENT_RECORDED' && bizStep === 'shipping' && s.payload.destinationOrganizationId) {
      event.disposition = 'in_transit';
      event.destinationList = [{ type: 'owning_party', destination: `urn:uuid:${s.payload.destinationOrganizationId}` }];
    }
    if (s.type === 'EVENT_RECORDED' && bizStep === 'receiving' && s.payload.immediatePreviousSource) {
      event.disposition = 'in_progress';
      event.sourceList = [{ type: 'owning_party', source: `urn:uuid:${s.payload.immediatePreviousSource}` }];
    }
    events.push(event);
  }
  for (const t of transformations.values()) {
    t.event.inputQuantityList = t.inputs;
    t.event.outputQuantityList = t.outputs;
  }
  return {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: createdAt.toISOString(),
    epcisBody: { eventList: events },
  };
}

/** A logger's readings of a lot as EPCIS 2.0 sensor data: CBV's sensor_reporting step, temperatures in CEL. */
function sensorEvent(p: TemperaturesRecordedPayload, common: Record<string, unknown>, lot: { epcClass: string }, baseUrl: string): Record<string, unknown> {
  const deviceID = `${baseUrl}/epcis/sensor/${encodeURIComponent(p.sensorId)}`;
  return {
    type: 'ObjectEvent',
    ...common,
    action: 'OBSERVE',
    bizStep: 'sensor_reporting',
    quantityList: [lot],
    sensorElementList: [
      {
        sensorMetadata: { startTime: p.from, endTime: p.to, deviceID },
        sensorReport: [
          ...p.readings.map((r) => ({ type: 'Temperature', time: r.at, value: r.celsius, uom: 'CEL' })),
          { type: 'Temperature', minValue: p.minC, maxValue: p.maxC, uom: 'CEL' },
        ],
      },
    ],
  };
}
