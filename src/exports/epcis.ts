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
  const words = new EpcisWords(baseUrl);
  const events: Record<string, unknown>[] = [];
  const transformations = new Map<string, Transformation>();
  for (const s of sources) {
    if (s.type === 'TEMPERATURES_RECORDED') {
      events.push(sensorEvent(s.payload, words.common(s, s.payload.to), { epcClass: words.lotUri(s.lot) }, baseUrl));
    } else if (s.payload.transformationId) {
      const known = transformations.get(s.payload.transformationId);
      const t = known ?? transformationEvent(s, s.payload.transformationId, words);
      if (!known) {
        transformations.set(s.payload.transformationId, t);
        events.push(t.event);
      }
      if (s.type === 'BATCH_REGISTERED') t.outputs.push(words.quantity(s.lot, s.payload.quantity, s.lot.unit));
      else t.inputs.push(words.quantity(s.lot, s.payload.quantity, s.payload.unit ?? s.lot.unit));
    } else {
      events.push(objectEvent(s, words));
    }
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

type LedgerEventSource = Exclude<EpcisSource, { type: 'TEMPERATURES_RECORDED' }>;

/** A TransformationEvent being assembled: its quantity lists are filled from every entry naming it. */
interface Transformation {
  event: Record<string, unknown>;
  inputs: unknown[];
  outputs: unknown[];
}

/** How this service's lots, steps and entries are named in EPCIS, under its base URL. */
class EpcisWords {
  constructor(private readonly baseUrl: string) {}

  lotUri(lot: EpcisSource['lot']): string {
    return lot.gtin ? `https://id.gs1.org/01/${lot.gtin}/10/${encodeURIComponent(lot.lotCode)}` : `${this.baseUrl}/q/${lot.traceCode}`;
  }

  quantity(lot: EpcisSource['lot'], q: unknown, unit: string): Record<string, unknown> {
    return {
      epcClass: this.lotUri(lot),
      ...(typeof q === 'number' ? { quantity: q } : {}),
      ...(uomOf(unit) ? { uom: uomOf(unit) } : {}),
    };
  }

  step(name: string): string {
    return CBV_STEPS.has(name) ? name : `${this.baseUrl}/epcis/bizstep/${name}`;
  }

  /** The members every event starts with: the entry's hash as its eventID. */
  common(s: EpcisSource, eventTime: string): Record<string, unknown> {
    return {
      eventID: `ni:///sha-256;${s.hash}?ver=CBV2.0`,
      eventTime,
      eventTimeZoneOffset: '+08:00',
    };
  }

  bizTransaction(docType: string, number: string): string {
    return `${this.baseUrl}/epcis/doc/${encodeURIComponent(docType || 'document')}/${encodeURIComponent(number)}`;
  }
}

/** A registration happened when the batch was produced, an event at its eventTime. */
function eventTimeOf(s: LedgerEventSource): string {
  return s.type === 'BATCH_REGISTERED' ? s.payload.producedAt : s.payload.eventTime;
}

/** The TransformationEvent the first entry naming a transformation opens; its quantity lists come later. */
function transformationEvent(s: LedgerEventSource, transformationId: string, words: EpcisWords): Transformation {
  const event: Record<string, unknown> = {
    type: 'TransformationEvent',
    ...words.common(s, eventTimeOf(s)),
    transformationID: `urn:uuid:${transformationId}`,
    bizStep: words.step('transforming'),
  };
  if (s.payload.facilityId) event.bizLocation = { id: `urn:uuid:${s.payload.facilityId}` };
  return { event, inputs: [], outputs: [] };
}

/** A registration (commissioning, ADD) or a supply-chain event (OBSERVE) as an ObjectEvent. */
function objectEvent(s: LedgerEventSource, words: EpcisWords): Record<string, unknown> {
  const p = s.payload;
  const bizStep = s.type === 'BATCH_REGISTERED' ? 'commissioning' : s.payload.bizStep.toLowerCase();
  const event: Record<string, unknown> = {
    type: 'ObjectEvent',
    ...words.common(s, eventTimeOf(s)),
    action: s.type === 'BATCH_REGISTERED' ? 'ADD' : 'OBSERVE',
    bizStep: words.step(bizStep),
    quantityList: [words.quantity(s.lot, p.quantity, p.unit ?? s.lot.unit)],
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
        bizTransaction: words.bizTransaction(docType, details.referenceDocumentNumber),
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
  return event;
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
