import { lotClassUri, uomOf } from '../epcis/epcis-identifiers.js';
import { prefixesOf } from '../epcis/event-hash.js';
import { ledgerEventId } from '../epcis/ledger-event-id.js';
import type { EntryType, TemperaturesRecordedPayload, TypedEntry } from '../ledger/entry-types.js';

/**
 * GS1 EPCIS 2.0 JSON-LD for the events of a set of lots. An event captured through POST /epcis/capture
 * comes back as it was sent (kept beside the ledger, its CBV 2.0 hash ID committed in the entry's
 * details where the payload has details), once, where its first entry is, with its eventID (its CBV 2.0
 * hash ID when it came without one). Other events are generated from their ledger entries (CBV 2.0
 * vocabulary where it has a word): each supply-chain event an ObjectEvent, each transformation one
 * TransformationEvent. Lots are identified class-level: by their GS1 Digital Link (GTIN + lot) when the
 * product has a GTIN, else by their page URL; places by their GLN's Digital Link (/414/) when the
 * facility has one, else, like parties (organizations have no GS1 key here), by urn:uuid. Each batch of
 * temperature readings is a sensor_reporting ObjectEvent with one sensor element: the logger's time
 * span, a report per reading and the minimum and maximum. A generated event's eventID is the RFC 6920
 * ni: URI of its ledger entry's hash (see ledger-event-id.ts), so an auditor can find the entry behind it.
 */
/** The entries an EPCIS export is made of. */
export const EPCIS_SOURCE_TYPES = ['BATCH_REGISTERED', 'EVENT_RECORDED', 'TEMPERATURES_RECORDED'] as const satisfies readonly EntryType[];

export type EpcisSource = TypedEntry<(typeof EPCIS_SOURCE_TYPES)[number]> & {
  seq: number;
  hash: string;
  batchId: string;
  lot: { lotCode: string; traceCode: string; gtin: string | null; unit: string };
  /** The GLN of the facility the entry names (payload.facilityId), if it has one. */
  facilityGln: string | null;
};

/** A captured event as it was sent, with the ids it was captured under, the ledger entries it became and its document's "@context". */
export interface CapturedOriginal {
  /** Its eventID, or its CBV 2.0 hash ID when it came without one. */
  eventId: string;
  hashId: string;
  seqs: number[];
  event: Record<string, unknown>;
  /** The capture document's "@context" (undefined when it had none). */
  context: unknown;
}

/** An exported event, the ledger entries behind it, and (for a captured one) its document's "@context". */
export interface ExportedEvent {
  event: Record<string, unknown>;
  seqs: number[];
  context?: unknown;
}

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
/** The prefixes the standard context binds (as CBV 2.0's hash algorithm reads them). */
const STANDARD_PREFIXES = prefixesOf(undefined);

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

/** The EPCIS document of these entries (in ledger order), captured events given back as they were sent. */
export function epcisDocument(sources: EpcisSource[], baseUrl: string, createdAt: Date, originals: CapturedOriginal[] = []): Record<string, unknown> {
  return epcisDocumentOf(epcisEvents(sources, originals, baseUrl), createdAt);
}

/**
 * The events of these entries, in ledger order, each with the seqs of the entries behind it: a captured
 * event (one of `originals` naming the entry's seq) once, at its first entry; every other entry as the
 * event generated from it (a transformation's entries as one event).
 */
export function epcisEvents(sources: EpcisSource[], originals: CapturedOriginal[], baseUrl: string): ExportedEvent[] {
  const words = new EpcisWords(baseUrl);
  const originalOfSeq = new Map(originals.flatMap((o) => o.seqs.map((seq) => [seq, o] as const)));
  const given = new Set<CapturedOriginal>();
  const events: ExportedEvent[] = [];
  const transformations = new Map<string, Transformation>();
  for (const s of sources) {
    const original = originalOfSeq.get(s.seq);
    if (original) {
      if (!given.has(original)) events.push(capturedEvent(original));
      given.add(original);
    } else if (s.type === 'TEMPERATURES_RECORDED') {
      events.push({ event: sensorEvent(s.payload, words.common(s, s.payload.to), { epcClass: words.lotUri(s.lot) }, baseUrl), seqs: [s.seq] });
    } else if (s.payload.transformationId) {
      const known = transformations.get(s.payload.transformationId);
      const t = known ?? transformationEvent(s, s.payload.transformationId, words);
      if (!known) {
        transformations.set(s.payload.transformationId, t);
        events.push(t.exported);
      } else t.exported.seqs.push(s.seq);
      if (s.type === 'BATCH_REGISTERED') t.outputs.push(words.quantity(s.lot, s.payload.quantity, s.lot.unit));
      else t.inputs.push(words.quantity(s.lot, s.payload.quantity, s.payload.unit ?? s.lot.unit));
    } else {
      events.push({ event: objectEvent(s, words), seqs: [s.seq] });
    }
  }
  for (const t of transformations.values()) {
    t.exported.event.inputQuantityList = t.inputs;
    t.exported.event.outputQuantityList = t.outputs;
  }
  return events;
}

/** An EPCIS document of these events, under one "@context" that gives every captured event's prefixes their meaning. */
export function epcisDocumentOf(events: ExportedEvent[], createdAt: Date): Record<string, unknown> {
  const { context, eventList } = mergedContexts(events);
  return {
    '@context': context,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: createdAt.toISOString(),
    epcisBody: { eventList },
  };
}

/** The captured event as sent, with its CBV 2.0 hash ID as eventID when it came without a usable one; with its entries and its document's context. */
export function capturedEvent(original: CapturedOriginal): ExportedEvent {
  const { eventID, ...members } = original.event;
  const event = typeof eventID === 'string' && eventID.trim() !== '' ? original.event : { eventID: original.hashId, ...members };
  return { event: withCbvWordsAsJson(event), seqs: [...original.seqs], context: original.context };
}

/** CBV's vocabulary written in a form EPCIS 2.0 JSON's schema refuses: its EPCIS 1.x URN, or a ns.gs1.org/cbv URI. */
const REFUSED_CBV_FORM = /^(urn:epcglobal:cbv:[a-z]+:|https?:\/\/ns\.gs1\.org\/cbv\/[A-Za-z]+-)/;

/**
 * The event with each CBV vocabulary value sent in a form EPCIS 2.0 JSON refuses (`urn:epcglobal:cbv:btt:po`)
 * written as the bare word it names (`po`): the same CBV element, in the one form the export's schema
 * takes, so a captured event does not make the export invalid. Every other value is left as sent.
 */
function withCbvWordsAsJson(event: Record<string, unknown>): Record<string, unknown> {
  const word = (value: unknown) => (typeof value === 'string' && REFUSED_CBV_FORM.test(value) ? value.replace(REFUSED_CBV_FORM, '') : value);
  const typed = (list: unknown) => (Array.isArray(list) ? list.map((m) => (isObject(m) && 'type' in m ? { ...m, type: word(m.type) } : m)) : list);
  const out: Record<string, unknown> = { ...event };
  for (const member of ['bizStep', 'disposition'] as const) if (member in out) out[member] = word(out[member]);
  for (const member of ['bizTransactionList', 'sourceList', 'destinationList'] as const) if (member in out) out[member] = typed(out[member]);
  const persistent = out.persistentDisposition;
  if (isObject(persistent))
    out.persistentDisposition = Object.fromEntries(
      Object.entries(persistent).map(([k, v]) => [k, (k === 'set' || k === 'unset') && Array.isArray(v) ? v.map(word) : v]),
    );
  if (isObject(out.errorDeclaration) && 'reason' in out.errorDeclaration)
    out.errorDeclaration = { ...out.errorDeclaration, reason: word(out.errorDeclaration.reason) };
  return JSON.stringify(out) === JSON.stringify(event) ? event : out;
}

/**
 * One "@context" for events captured from documents with contexts of their own: the standard context,
 * every other context URL they named, and one object of their term bindings. When a document binds a
 * term another one (exported earlier) bound to something else, its event's member names using that
 * prefix are written as full IRIs, so no name means something it did not mean when it was sent.
 */
export function mergedContexts(events: ExportedEvent[]): { context: unknown[]; eventList: Record<string, unknown>[] } {
  const urls: string[] = [EPCIS_CONTEXT];
  const bindings: Record<string, unknown> = {};
  const eventList = events.map(({ event, context }) => {
    if (context === undefined || context === null) return event;
    const clashes = new Map<string, string>();
    for (const entry of Array.isArray(context) ? context : [context]) {
      if (typeof entry === 'string') {
        if (!urls.includes(entry)) urls.push(entry);
      } else if (isObject(entry)) {
        for (const [term, meaning] of Object.entries(entry)) {
          // A standard prefix (cbv, gs1, cbvmda, epcis) bound as the standard binds it needs no binding; bound otherwise, it clashes.
          const bound = Object.hasOwn(STANDARD_PREFIXES, term) ? STANDARD_PREFIXES[term] : Object.hasOwn(bindings, term) ? bindings[term] : undefined;
          if (bound === undefined) bindings[term] = meaning;
          else if (JSON.stringify(bound) !== JSON.stringify(meaning)) {
            const iri = typeof meaning === 'string' ? meaning : isObject(meaning) && typeof meaning['@id'] === 'string' ? meaning['@id'] : null;
            if (iri !== null) clashes.set(term, iri);
          }
        }
      }
    }
    return clashes.size > 0 ? (withPrefixesExpanded(event, clashes) as Record<string, unknown>) : event;
  });
  return { context: Object.keys(bindings).length > 0 ? [...urls, bindings] : urls, eventList };
}

/** Every member name `prefix:local` of these prefixes, at any depth, written as the prefix's IRI followed by `local`. */
function withPrefixesExpanded(value: unknown, prefixes: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => withPrefixesExpanded(v, prefixes));
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      const colon = key.indexOf(':');
      const iri = colon > 0 ? prefixes.get(key.slice(0, colon)) : undefined;
      return [iri !== undefined ? iri + key.slice(colon + 1) : key, withPrefixesExpanded(v, prefixes)];
    }),
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type LedgerEventSource = Exclude<EpcisSource, { type: 'TEMPERATURES_RECORDED' }>;

/** A TransformationEvent being assembled: its quantity lists are filled from every entry naming it. */
interface Transformation {
  exported: ExportedEvent;
  inputs: unknown[];
  outputs: unknown[];
}

/** How this service's lots, steps and entries are named in EPCIS, under its base URL. */
class EpcisWords {
  constructor(private readonly baseUrl: string) {}

  lotUri(lot: EpcisSource['lot']): string {
    return lotClassUri(lot, this.baseUrl);
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

  /** The place an entry names: its facility's GLN as a GS1 Digital Link when it has one, else the facility's id. */
  place(s: EpcisSource, facilityId: string): { id: string } {
    return { id: s.facilityGln ? `https://id.gs1.org/414/${s.facilityGln}` : `urn:uuid:${facilityId}` };
  }

  /** The members every event starts with: the ni: URI of the entry's hash as its eventID. */
  common(s: EpcisSource, eventTime: string): Record<string, unknown> {
    return {
      eventID: ledgerEventId(s.hash),
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
  if (s.payload.facilityId) event.bizLocation = words.place(s, s.payload.facilityId);
  return { exported: { event, seqs: [s.seq] }, inputs: [], outputs: [] };
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
  // Units the event named (serialized): by GS1 Digital Link with AI 21, beside the lot's quantity.
  if (s.type === 'EVENT_RECORDED' && s.payload.serials?.length && s.lot.gtin) event.epcList = s.payload.serials.map((serial) => unitUri(s.lot.gtin!, serial));
  if (p.facilityId) {
    event.readPoint = words.place(s, p.facilityId);
    event.bizLocation = words.place(s, p.facilityId);
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

/** A unit as EPCIS names it: its GS1 Digital Link, …/01/<GTIN>/21/<serial>. */
function unitUri(gtin: string, serial: string): string {
  return `https://id.gs1.org/01/${gtin}/21/${encodeURIComponent(serial)}`;
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
