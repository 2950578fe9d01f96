import { lotCodeProblem, MAX_LOT_CODE_LENGTH } from '../batches/lot-code.js';
import { DATE_TIME_FORMAT, parseDateTime } from '../common/date-time.js';
import { detailsProblem, jsonDepthProblem } from '../common/json-details.js';
import { isPlainText } from '../common/plain-text.js';
import type { BizStep } from '../events/biz-step.js';
import { REQUIRED_DETAILS } from '../events/key-data-elements.js';
import { type AggregationStep, readAggregationEvent } from './capture-aggregation.js';
import { CaptureTooCostly, captureWork, workOverruns } from './capture-work.js';
import { cbvWord, GlnOrId, LotRef, parseLocation, parseLotClass, parseParty, UNIT_BY_UOM } from './epcis-identifiers.js';
import { ErrorDeclaration, readErrorDeclaration } from './error-declaration.js';
import { commissioningSteps, lotNumberOf, type Planned, unitEventSteps, unitsOfEpcList } from './serialized-plan.js';

/**
 * An EPCIS 2.0 capture document read into the steps Suyuan records, or the reasons it cannot be:
 * every event is read, so the answer lists what is wrong with each. Pure: names of lots, places and
 * parties stay as references; the service resolves them inside the ledger transaction.
 */

export const MAX_CAPTURE_EVENTS = 1000;

interface StepBase {
  /** The event's position in eventList and its eventID, so errors and answers name it. */
  index: number;
  eventID: string | null;
}

export interface QuantityLine {
  lot: LotRef;
  quantity: number | null;
  /** The UN/ECE unit code given with the quantity, checked against the lot's unit. */
  uom: string | null;
}

export type CaptureStep =
  | (StepBase & {
      kind: 'register';
      gtin: string;
      lot: string;
      quantity: number;
      unit: string;
      place: GlnOrId;
      producedAt: Date;
      details: Record<string, unknown>;
    })
  | (StepBase & {
      kind: 'event';
      bizStep: BizStep;
      line: QuantityLine;
      place: GlnOrId;
      eventTime: Date;
      destination: GlnOrId | null;
      details: Record<string, unknown>;
    })
  | (StepBase & { kind: 'temperatures'; lots: LotRef[]; sensorId: string; readings: { at: Date; celsius: number }[] })
  | (StepBase & {
      kind: 'transform';
      place: GlnOrId;
      eventTime: Date;
      inputs: QuantityLine[];
      outputs: { gtin: string; lot: string; quantity: number; unit: string }[];
    })
  /** An OBSERVE ObjectEvent's units of one GTIN (epcList): recorded as one event per lot they belong to, naming them (capture-units.ts). */
  | (StepBase & {
      kind: 'unit-event';
      bizStep: BizStep;
      gtin: string;
      serials: string[];
      place: GlnOrId;
      eventTime: Date;
      destination: GlnOrId | null;
      details: Record<string, unknown>;
    })
  /** An ADD commissioning ObjectEvent's units of one GTIN (epcList), commissioned in the lot its ilmd names. */
  | (StepBase & { kind: 'commission-units'; gtin: string; lot: string; serials: string[] })
  /** An error declaration: the event with this id, captured before by the same organization, declared erroneous. */
  | (StepBase & { kind: 'declare-erroneous'; declaration: ErrorDeclaration })
  /** A TransactionEvent: each lot linked to (ADD, OBSERVE) or unlinked from (DELETE) the business transactions. */
  | (StepBase & {
      kind: 'transactions';
      action: 'ADD' | 'OBSERVE' | 'DELETE';
      bizTransactions: BizTransaction[];
      lines: QuantityLine[];
      eventTime: Date;
      place: GlnOrId | null;
      details: Record<string, unknown>;
    })
  /** An AggregationEvent: packing (ADD) or unpacking (DELETE) a package (capture-aggregation.ts). */
  | (StepBase & AggregationStep);

/**
 * Why an event cannot be captured: EPCIS_INVALID when the event breaks the EPCIS 2.0 standard itself
 * (a required member missing, a member of the wrong JSON type, a time not in the standard's format),
 * EPCIS_NOT_MODELLED when it is valid EPCIS that Suyuan does not record (serial numbers, other event types…).
 */
export type CaptureReasonCode = 'EPCIS_INVALID' | 'EPCIS_NOT_MODELLED';
export interface CaptureReason {
  code: CaptureReasonCode;
  reason: string;
}

/** A business transaction as sent: its type (a CBV word or URI) when given, and its id. */
export interface BizTransaction {
  type?: string;
  bizTransaction: string;
}

export interface CaptureProblem {
  index: number;
  eventID: string | null;
  /** Every reason, in one sentence (what the first-reason answer used to carry). */
  reason: string;
  /** EPCIS_INVALID when any reason is, else EPCIS_NOT_MODELLED. */
  code: CaptureReasonCode;
  /** Each independent problem of the event. */
  reasons: CaptureReason[];
}

/** CBV steps Suyuan records as they are, and its own steps that CBV has no word for (written as `<base>/epcis/bizstep/<word>` by the export). */
const OBSERVED_STEPS: Record<string, BizStep> = {
  shipping: 'SHIPPING',
  receiving: 'RECEIVING',
  storing: 'STORING',
  packing: 'PACKING',
  inspecting: 'INSPECTING',
  retail_selling: 'RETAIL_SELLING',
  destroying: 'DESTROYING',
};
const OWN_STEPS: Record<string, BizStep> = { harvesting: 'HARVESTING', cooling: 'COOLING' };

/** The event members CBV defines that the capture reads or may ignore; any other member is an extension, kept in details. */
const STANDARD_MEMBERS = new Set([
  'type',
  'eventID',
  'eventTime',
  'eventTimeZoneOffset',
  'recordTime',
  'action',
  'bizStep',
  'disposition',
  'persistentDisposition',
  'readPoint',
  'bizLocation',
  'epcList',
  'quantityList',
  'bizTransactionList',
  'sourceList',
  'destinationList',
  'sensorElementList',
  'ilmd',
  'certificationInfo',
  'errorDeclaration',
  '@context',
  'transformationID',
  'inputEPCList',
  'inputQuantityList',
  'outputEPCList',
  'outputQuantityList',
]);
const KDE_NAMES = new Set([...Object.values(REQUIRED_DETAILS).flat(), 'tlcSource']);
const TEMPERATURE_TYPES = new Set(['Temperature', 'gs1:Temperature', 'https://gs1.org/voc/Temperature']);

type Json = Record<string, unknown>;

/** Refuses one event with its reasons (thrown inside an event's reading, caught per event). */
class Refusal extends Error {
  constructor(readonly reasons: CaptureReason[]) {
    super(reasons.map((r) => r.reason).join('; '));
  }
}
/** Valid EPCIS that Suyuan does not record. */
const refuse = (reason: string): never => {
  throw new Refusal([{ code: 'EPCIS_NOT_MODELLED', reason }]);
};
/** Breaks the EPCIS 2.0 standard itself. */
const invalid = (reason: string): never => {
  throw new Refusal([{ code: 'EPCIS_INVALID', reason }]);
};

/**
 * The reads of one event that do not depend on each other: each runs even when another refused, so
 * the answer names every problem of the event at once. `settle` throws them all together.
 */
class Reasons {
  private readonly found: CaptureReason[] = [];

  /** The read's value, or undefined when it refused (its reasons are kept). */
  check<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      this.found.push(...err.reasons);
      return undefined;
    }
  }

  get any(): boolean {
    return this.found.length > 0;
  }

  /** Throws every reason found; past it, each checked read gave its value. */
  settle(): void {
    if (this.found.length > 0) throw new Refusal(this.found);
  }
}

/** A read of serialized-plan.ts: its value, or its refusal thrown as every read's is. */
function planned<T>(read: Planned<T>): T {
  if ('invalid' in read) return invalid(read.invalid);
  if ('refused' in read) return refuse(read.refused);
  return read.value;
}

/** The problem of an event refused for these reasons. */
export function problemOf(index: number, eventID: string | null, reasons: CaptureReason[]): CaptureProblem {
  const code = reasons.some((r) => r.code === 'EPCIS_INVALID') ? 'EPCIS_INVALID' : 'EPCIS_NOT_MODELLED';
  return { index, eventID, reason: reasons.map((r) => r.reason).join('; '), code, reasons };
}

/**
 * The document's steps, or the reasons it cannot be captured. Throws DocumentProblem for a body that
 * is no EPCIS document (or is nested too deep to walk) and CaptureTooCostly for one that would cost
 * the writer more than a capture may, both before any event is read.
 */
export function planCapture(document: unknown, baseUrl: string): { steps: CaptureStep[]; problems: CaptureProblem[] } {
  // First: a document nested thousands deep would overflow the stack of every walk after this one.
  const deep = jsonDepthProblem(document);
  if (deep) throw new DocumentProblem(`the EPCIS document: ${deep}`);
  const events = eventListOf(document);
  const work = captureWork(events);
  const overruns = workOverruns(work);
  if (overruns.length > 0) throw new CaptureTooCostly(work, overruns);
  const steps: CaptureStep[] = [];
  const problems: CaptureProblem[] = [];
  events.forEach((event, index) => {
    const eventID = isObject(event) && typeof event.eventID === 'string' ? event.eventID : null;
    try {
      if (!isObject(event)) invalid('an event is a JSON object');
      steps.push(...readEvent(event as Json, index, eventID, baseUrl));
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      problems.push(problemOf(index, eventID, err.reasons));
    }
  });
  return { steps, problems };
}

/**
 * The document's events, or a DocumentProblem naming what makes it no EPCIS document (`invalid`: it
 * breaks the standard) or one this service does not take (too many events, nested too deep).
 */
export class DocumentProblem extends Error {
  constructor(
    message: string,
    readonly invalid = false,
  ) {
    super(message);
  }
}

function eventListOf(document: unknown): unknown[] {
  if (!isObject(document)) throw new DocumentProblem('the body must be an EPCISDocument (a JSON object)', true);
  if (document.type !== 'EPCISDocument') throw new DocumentProblem(`type must be "EPCISDocument", got ${JSON.stringify(document.type ?? null)}`, true);
  if (document.schemaVersion !== undefined && document.schemaVersion !== '2.0')
    throw new DocumentProblem(`schemaVersion must be "2.0", got ${JSON.stringify(document.schemaVersion)}`, true);
  const body = document.epcisBody;
  const list = isObject(body) ? body.eventList : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new DocumentProblem('epcisBody.eventList must list at least one event', true);
  if (list.length > MAX_CAPTURE_EVENTS)
    throw new DocumentProblem(`epcisBody.eventList has ${list.length} events; one capture takes at most ${MAX_CAPTURE_EVENTS}`);
  return list;
}

/** The EPCIS 2.0 event types; Suyuan captures all but AssociationEvent, which is valid but not modelled. */
const EPCIS_EVENT_TYPES = new Set(['ObjectEvent', 'AggregationEvent', 'TransactionEvent', 'TransformationEvent', 'AssociationEvent']);

function readEvent(event: Json, index: number, eventID: string | null, baseUrl: string): CaptureStep[] {
  const base = { index, eventID };
  const reasons = new Reasons();
  const steps = reasons.check(() => {
    if (event.errorDeclaration !== undefined) return [readDeclaration(event, base)];
    if (event.type === 'TransformationEvent') return [readTransformation(event, base, baseUrl)];
    if (event.type === 'TransactionEvent') return [readTransactionEvent(event, base, baseUrl)];
    if (event.type === 'ObjectEvent') return readObjectEvent(event, base, baseUrl);
    if (event.type === 'AggregationEvent') return [readAggregation(event, base)];
    if (typeof event.type === 'string' && EPCIS_EVENT_TYPES.has(event.type))
      return refuse(
        `type ${JSON.stringify(event.type)} is not modelled; Suyuan captures ObjectEvent, AggregationEvent, TransformationEvent and TransactionEvent`,
      );
    return invalid(`type ${JSON.stringify(event.type ?? null)} is no EPCIS 2.0 event type (${[...EPCIS_EVENT_TYPES].join(', ')})`);
  });
  reasons.settle();
  return steps!;
}

/** An AggregationEvent, read with this plan's readers so its reasons are named as every event's are. */
function readAggregation(event: Json, base: StepBase): CaptureStep {
  const reasons = new Reasons();
  const step = readAggregationEvent(event, {
    refuse,
    invalid,
    check: (read) => reasons.check(read),
    settle: () => reasons.settle(),
    place: placeOf,
    time: timeOf,
    bizStep: bizStepWordOf,
  });
  return { ...base, ...step };
}

/** An ObjectEvent: ADD with commissioning registers lots; OBSERVE records a step on each lot, or a sensor's temperatures. */
function readObjectEvent(event: Json, base: StepBase, baseUrl: string): CaptureStep[] {
  const reasons = new Reasons();
  // Serialized units (SGTINs): their own steps beside the lots' (serialized-plan.ts).
  const units = event.epcList !== undefined ? reasons.check(() => planned(unitsOfEpcList(event.epcList))) : undefined;
  const action = event.action;
  const step = reasons.check(() => bizStepWordOf(event)) ?? null;
  // An event of units alone has no quantityList (judged on epcList as sent, so a refused epcList is not also a missing quantityList).
  const withoutLots =
    Array.isArray(event.epcList) &&
    event.epcList.length > 0 &&
    (event.quantityList === undefined || (Array.isArray(event.quantityList) && event.quantityList.length === 0));
  const lines = withoutLots ? [] : reasons.check(() => quantityLines(event.quantityList, 'quantityList', baseUrl));
  if (withoutLots && event.sensorElementList !== undefined)
    reasons.check(() => refuse('sensorElementList: readings are recorded for lots (name them in quantityList); readings of units alone are not modelled'));
  const eventTime = reasons.check(() => timeOf(event.eventTime, 'eventTime'));

  if (action === 'ADD') {
    if (step !== null && step !== 'commissioning')
      reasons.check(() => refuse(`action ADD with bizStep ${step} is not modelled: ADD with commissioning registers a new lot`));
    const place = reasons.check(() => placeOf(event));
    const details = reasons.check(() => ({ ...(isObject(event.ilmd) ? extensionsOf(event.ilmd, new Set()) : {}), ...detailsOf(event) }));
    const lots = (lines ?? []).map((line, i) => reasons.check(() => newLot(line, `quantityList[${i}]`, ' to register a lot')));
    const lotNumber = units?.length ? reasons.check(() => planned(lotNumberOf(event))) : undefined;
    // Readings taken as the lots were made: recorded for them once registered (later in the same transaction).
    const readings = event.sensorElementList !== undefined ? reasons.check(() => readSensorReport(event, base, lines ?? [], eventTime, baseUrl)) : undefined;
    reasons.settle();
    const registrations: CaptureStep[] = lots.map((lot) => ({ ...base, kind: 'register', ...lot!, place: place!, producedAt: eventTime!, details: details! }));
    if (readings) registrations.push(readings);
    // After the lots it registers: an event may register a lot and commission its units.
    if (units?.length) registrations.push(...commissioningSteps(base, units, lotNumber!));
    return registrations;
  }
  if (action === 'DELETE') reasons.check(() => refuse('action DELETE is not modelled: record a destroying event (action OBSERVE) for what was destroyed'));
  else if (action !== 'OBSERVE') reasons.check(() => invalid(`action must be ADD, OBSERVE or DELETE, got ${JSON.stringify(action ?? null)}`));
  if (action !== 'OBSERVE') {
    reasons.settle();
  }
  if (step === 'sensor_reporting') {
    const report = reasons.check(() => readSensorReport(event, base, lines ?? [], eventTime, baseUrl));
    reasons.settle();
    return [report!];
  }
  const bizStep = observedBizStep(step, baseUrl);
  if (!bizStep && !(event.bizStep !== undefined && typeof event.bizStep !== 'string')) {
    const captured = [...Object.keys(OBSERVED_STEPS), 'sensor_reporting'].join(', ');
    reasons.check(() =>
      refuse(`bizStep ${JSON.stringify(event.bizStep ?? null)} is not modelled; Suyuan captures ${captured} (OBSERVE) and commissioning (ADD)`),
    );
  }
  const place = reasons.check(() => placeOf(event));
  const destination = bizStep === 'SHIPPING' ? reasons.check(() => destinationPartyOf(event)) : null;
  const details = reasons.check(() => detailsOf(event));
  // EPCIS 2.0 allows sensorElementList on any ObjectEvent (a storing event with the store's temperatures):
  // its readings are recorded for the event's lots, after the step itself, as a sensor_reporting event's are.
  const readings = event.sensorElementList !== undefined ? reasons.check(() => readSensorReport(event, base, lines ?? [], eventTime, baseUrl)) : undefined;
  reasons.settle();
  const steps: CaptureStep[] = lines!.map((line) => ({
    ...base,
    kind: 'event' as const,
    bizStep: bizStep!,
    line,
    place: place!,
    eventTime: eventTime!,
    destination: destination ?? null,
    details: details!,
  }));
  if (readings) steps.push(readings);
  if (units?.length)
    steps.push(
      ...unitEventSteps(base, units, { bizStep: bizStep!, place: place!, eventTime: eventTime!, destination: destination ?? null, details: details! }),
    );
  return steps;
}

/** The event's bizStep as a CBV word (or a URI of Suyuan's own), null when it has none; a bizStep that is not a string breaks the standard. */
function bizStepWordOf(event: Json): string | null {
  if (event.bizStep === undefined) return null;
  if (typeof event.bizStep !== 'string') return invalid(`bizStep must be a string (a CBV word or a URI), got ${JSON.stringify(event.bizStep)?.slice(0, 40)}`);
  return cbvWord(event.bizStep);
}

/** A table's own entry for a key a document chose: `constructor` or `__proto__` name nothing, not Object's members. */
function ownEntry<V>(table: Record<string, V>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The step Suyuan records for an OBSERVE event's bizStep (a CBV word, or one of Suyuan's own under its base URL), if it records one. */
export function observedBizStep(step: string | null, baseUrl: string): BizStep | undefined {
  if (step === null) return undefined;
  const own = `${baseUrl}/epcis/bizstep/`;
  return ownEntry(OBSERVED_STEPS, step) ?? (step.startsWith(own) ? ownEntry(OWN_STEPS, step.slice(own.length)) : undefined);
}

/** A lot that an event creates (commissioning, a transformation's output): named by GTIN and lot, with a quantity in a unit Suyuan registers. */
function newLot(line: QuantityLine, where: string, quantityIs: string): { gtin: string; lot: string; quantity: number; unit: string } {
  const reasons = new Reasons();
  if (!('gtin' in line.lot)) reasons.check(() => refuse(`${where}: a new lot is named by GTIN and lot number, not by a trace code`));
  if (line.quantity === null) reasons.check(() => refuse(`${where}.quantity is required${quantityIs}`));
  const unit = line.uom === null ? 'piece' : ownEntry(UNIT_BY_UOM, line.uom);
  if (!unit) reasons.check(() => refuse(`${where}.uom ${line.uom} is not a unit Suyuan registers lots in (${Object.keys(UNIT_BY_UOM).join(', ')})`));
  const lot = line.lot as { gtin: string; lot: string };
  const lotProblem = 'lot' in line.lot ? lotCodeProblem(lot.lot, true) : null;
  if (lotProblem) reasons.check(() => refuse(`${where}.epcClass: the lot number: ${lotProblem}`));
  reasons.settle();
  return { gtin: lot.gtin, lot: lot.lot, quantity: line.quantity!, unit: unit! };
}

/**
 * A sensor's readings for the event's lots. `eventTime` is undefined when the event's own is missing or
 * malformed: that is reported on its own, and reports that would default to it are then not read twice.
 */
function readSensorReport(event: Json, base: StepBase, lines: QuantityLine[], eventTime: Date | undefined, baseUrl: string): CaptureStep {
  const elements = event.sensorElementList;
  if (!Array.isArray(elements)) return invalid('sensorElementList must be a list of sensorElements');
  if (elements.length === 0) refuse('sensorElementList must list at least one sensorElement (it is required on a sensor_reporting event)');
  const reasons = new Reasons();
  const readings: Reading[] = [];
  let sensorId: string | null = null;
  (elements as unknown[]).forEach((element, e) => {
    const where = `sensorElementList[${e}]`;
    if (!isObject(element) || !Array.isArray(element.sensorReport))
      return void reasons.check(() => invalid(`${where}.sensorReport is required (a list of reports)`));
    const metadata = isObject((element as Json).sensorMetadata) ? ((element as Json).sensorMetadata as Json) : {};
    const device = typeof metadata.deviceID === 'string' ? metadata.deviceID.replace(`${baseUrl}/epcis/sensor/`, '') : 'unnamed';
    if (sensorId !== null && decodeURIComponentSafe(device) !== sensorId)
      reasons.check(() => refuse(`${where}.sensorMetadata.deviceID: one event's sensor reports are captured from one device`));
    sensorId ??= decodeURIComponentSafe(device);
    ((element as Json).sensorReport as unknown[]).forEach((report, r) => {
      const reading = reasons.check(() => readTemperature(report, metadata, eventTime, `${where}.sensorReport[${r}]`));
      if (reading) readings.push(reading);
    });
  });
  reasons.settle();
  if (readings.length === 0 && eventTime !== undefined) refuse('sensorElementList holds no readings (a Temperature report with a value and a time)');
  return { ...base, kind: 'temperatures', lots: lines.map((l) => l.lot), sensorId: sensorId ?? 'unnamed', readings };
}

type Reading = { at: Date; celsius: number };

/**
 * One Temperature report in Celsius; null for a summary (min, max, mean) without a value. Its time: the
 * report's own, else its sensorMetadata's, else the event's eventTime. EPCIS 2.0's JSON Schema makes both
 * sensorReport.time and sensorMetadata.time optional; the standard's own sentence on the default was not
 * at hand to quote, so this is a reading, not a quotation: a sensor element's metadata applies to each of
 * its reports, and the event's time is the time of what the event reports when nothing narrower is given.
 */
function readTemperature(report: unknown, metadata: Json, eventTime: Date | undefined, at: string): Reading | null {
  if (!isObject(report)) invalid(`${at} must be an object`);
  const { type, value, uom, time } = report as Json;
  const reasons = new Reasons();
  if (!TEMPERATURE_TYPES.has(String(type ?? '')))
    reasons.check(() => refuse(`${at}.type ${JSON.stringify(type ?? null)} is not modelled; Suyuan records Temperature readings`));
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) reasons.check(() => invalid(`${at}.value must be a number`));
  const celsius =
    typeof value === 'number' && Number.isFinite(value)
      ? reasons.check(
          () =>
            toCelsius(value, uom ?? 'CEL') ??
            refuse(`${at}.uom ${JSON.stringify(uom ?? 'CEL')}: a temperature is captured in CEL, FAH or KEL (UN/ECE codes), not in this unit`),
        )
      : undefined;
  const when = reasons.check(() =>
    time !== undefined
      ? timeOf(time, `${at}.time`)
      : metadata.time !== undefined
        ? timeOf(metadata.time, `${at.replace(/\.sensorReport\[\d+\]$/, '')}.sensorMetadata.time`)
        : eventTime,
  );
  reasons.settle();
  if (value === undefined) return null; // derived from readings, not recorded
  // No time of its own and no eventTime: the missing eventTime is the event's reason already.
  return when === undefined ? null : { at: when, celsius: celsius! };
}

/**
 * A temperature in Celsius from a UN/ECE unit (CEL, KEL: K − 273.15, FAH: (F − 32) × 5/9), or null for
 * any other unit. Worked in decimal on the number as written, so 277.15 KEL is 4 and 39.2 FAH is 4 (in
 * binary floating point they come out 4.000000000000028 and 4.000000000000001); the one rounding is to
 * the nearest double at the end (F − 32) × 5/9 needs when it has no finite decimal.
 */
export function toCelsius(value: number, uom: unknown): number | null {
  if (uom === 'CEL') return value;
  if (uom !== 'KEL' && uom !== 'FAH') return null;
  const { digits, scale } = decimalOf(value);
  const unit = 10n ** BigInt(scale);
  if (uom === 'KEL') return quotient(digits * 100n - 27315n * unit, unit * 100n);
  return quotient((digits - 32n * unit) * 5n, unit * 9n);
}

/** A finite number as an integer over a power of ten, read from its shortest decimal form (as JavaScript writes it). */
function decimalOf(value: number): { digits: bigint; scale: number } {
  const [mantissa, exponent = '0'] = String(value).toLowerCase().split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const scale = fraction.length - Number(exponent);
  const digits = BigInt(whole + fraction);
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

/** The double nearest numerator / denominator (denominator > 0), from its first 40 decimal places. */
function quotient(numerator: bigint, denominator: bigint): number {
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const places = 40n;
  const scaled = (n * 10n ** places) / denominator;
  const text = scaled.toString().padStart(Number(places) + 1, '0');
  const result = Number(`${text.slice(0, -Number(places))}.${text.slice(-Number(places))}`);
  return negative ? -result : result;
}

function readTransformation(event: Json, base: StepBase, baseUrl: string): CaptureStep {
  const reasons = new Reasons();
  for (const list of ['inputEPCList', 'outputEPCList']) {
    if (Array.isArray(event[list]) && (event[list] as unknown[]).length > 0)
      reasons.check(() =>
        refuse(`${list}: instance-level identifiers (serial numbers) are not modelled; list lots with quantities in ${list.replace('EPC', 'Quantity')}`),
      );
  }
  if (event.sensorElementList !== undefined)
    reasons.check(() =>
      refuse(
        'sensorElementList on a TransformationEvent is not modelled: send the readings in an OBSERVE event (e.g. sensor_reporting) of the lots they are for',
      ),
    );
  const inputs = reasons.check(() => quantityLines(event.inputQuantityList, 'inputQuantityList', baseUrl));
  (inputs ?? []).forEach(
    (line, i) => line.quantity === null && reasons.check(() => refuse(`inputQuantityList[${i}].quantity is required: how much of the lot was used`)),
  );
  const outputLines = reasons.check(() => quantityLines(event.outputQuantityList, 'outputQuantityList', baseUrl));
  const outputs = (outputLines ?? []).map((line, i) => reasons.check(() => newLot(line, `outputQuantityList[${i}]`, ': how much was made')));
  const place = reasons.check(() => placeOf(event));
  const eventTime = reasons.check(() => timeOf(event.eventTime, 'eventTime'));
  reasons.settle();
  return { ...base, kind: 'transform', place: place!, eventTime: eventTime!, inputs: inputs!, outputs: outputs.map((o) => o!) };
}

/**
 * An error declaration: read here, matched with the event it declares erroneous at capture (the same
 * organization's event of the same id and the same content but for errorDeclaration).
 */
function readDeclaration(event: Json, base: StepBase): CaptureStep {
  const declaration = readErrorDeclaration(event);
  if ('problem' in declaration) refuse(declaration.problem);
  return { ...base, kind: 'declare-erroneous', declaration: declaration as ErrorDeclaration };
}

/** The standard members of a TransactionEvent kept as sent in its entry's details (with the extensions). */
const TRANSACTION_DETAIL_MEMBERS = ['bizStep', 'disposition', 'persistentDisposition', 'sourceList', 'destinationList', 'certificationInfo'];
const MAX_BIZ_TRANSACTIONS = 100;

/**
 * A TransactionEvent on lots: each lot of quantityList linked to (ADD, OBSERVE) or unlinked from (DELETE)
 * the business transactions of bizTransactionList, as sent. Where it happened is optional, as in EPCIS.
 */
function readTransactionEvent(event: Json, base: StepBase, baseUrl: string): CaptureStep {
  if (Array.isArray(event.epcList) && event.epcList.length > 0)
    refuse('epcList: instance-level identifiers (serial numbers) are not modelled; Suyuan records lots: name them in quantityList by lot class');
  if (event.parentID !== undefined) refuse('parentID: instance-level identifiers (a pallet or case) are not modelled; name the lots in quantityList');
  if (event.sensorElementList !== undefined)
    refuse('sensorElementList on a TransactionEvent is not modelled: send the readings in an OBSERVE ObjectEvent (e.g. sensor_reporting) of the lots');
  const action = event.action;
  if (action !== 'ADD' && action !== 'OBSERVE' && action !== 'DELETE') refuse(`action must be ADD, OBSERVE or DELETE, got ${JSON.stringify(action ?? null)}`);
  const list = event.bizTransactionList;
  if (!Array.isArray(list) || list.length === 0) refuse('bizTransactionList: a TransactionEvent names at least one business transaction');
  if ((list as unknown[]).length > MAX_BIZ_TRANSACTIONS) refuse(`bizTransactionList: at most ${MAX_BIZ_TRANSACTIONS} business transactions per event`);
  const bizTransactions = (list as unknown[]).map((element, i): BizTransaction => {
    const where = `bizTransactionList[${i}]`;
    if (!isObject(element) || typeof element.bizTransaction !== 'string' || !isPlainText(element.bizTransaction, 1, 2048))
      refuse(`${where}.bizTransaction is required: the transaction's id (1 to 2048 characters)`);
    const { type, bizTransaction } = element as Json;
    if (type !== undefined && (typeof type !== 'string' || !isPlainText(type, 1, 2048))) refuse(`${where}.type must be a CBV business transaction type (text)`);
    return { ...(type !== undefined ? { type: type as string } : {}), bizTransaction: bizTransaction as string };
  });
  const lines = quantityLines(event.quantityList, 'quantityList', baseUrl);
  const place = isObject(event.bizLocation) || isObject(event.readPoint) ? placeOf(event) : null;
  const standard = Object.fromEntries(TRANSACTION_DETAIL_MEMBERS.filter((m) => event[m] !== undefined).map((m) => [m, event[m]]));
  const details = { ...(typeof event.eventID === 'string' ? { epcisEventID: event.eventID } : {}), ...standard, ...extensionsOf(event, STANDARD_MEMBERS) };
  // The standard members kept with the extensions are bounded as any event's details are.
  const problem = detailsProblem(details, 'bizStep, disposition, sourceList, destinationList, certificationInfo and extension members');
  if (problem) refuse(problem);
  return {
    ...base,
    kind: 'transactions',
    action: action as 'ADD' | 'OBSERVE' | 'DELETE',
    bizTransactions,
    lines,
    eventTime: timeOf(event.eventTime, 'eventTime'),
    place,
    details,
  };
}

function quantityLines(list: unknown, name: string, baseUrl: string): QuantityLine[] {
  if (list !== undefined && !Array.isArray(list)) invalid(`${name} must be a list of quantity elements`);
  if (!Array.isArray(list) || list.length === 0) refuse(`${name}: at least one lot is required (Suyuan records lots with their quantities)`);
  const reasons = new Reasons();
  const lines = (list as unknown[]).map((element, i) =>
    reasons.check((): QuantityLine => {
      const where = `${name}[${i}]`;
      if (!isObject(element) || typeof element.epcClass !== 'string') invalid(`${where}.epcClass is required (a string)`);
      const { epcClass, quantity, uom } = element as Json;
      const line = new Reasons();
      const lot = line.check(() => {
        const parsed = parseLotClass(epcClass as string, baseUrl);
        if (!parsed)
          refuse(`${where}.epcClass ${epcClass} is not a lot: give urn:epc:class:lgtin:…, a GS1 Digital Link …/01/<GTIN>/10/<lot>, or a Suyuan page URL`);
        // Looked up before any input class checks it, so refused here as a registered lot code would be.
        if ('lot' in parsed! && !isPlainText(parsed.lot, 1, MAX_LOT_CODE_LENGTH))
          refuse(`${where}.epcClass: the lot number must be 1 to ${MAX_LOT_CODE_LENGTH} printable characters`);
        return parsed!;
      });
      if (quantity !== undefined && (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0))
        line.check(() => invalid(`${where}.quantity must be a number of at least 0`));
      if (uom !== undefined && typeof uom !== 'string') line.check(() => invalid(`${where}.uom must be a UN/ECE unit code (a string)`));
      line.settle();
      return { lot: lot!, quantity: (quantity as number | undefined) ?? null, uom: (uom as string | undefined) ?? null };
    }),
  );
  reasons.settle();
  return lines.map((l) => l!);
}

/** Where it happened: bizLocation, else readPoint. */
function placeOf(event: Json): GlnOrId {
  for (const member of ['bizLocation', 'readPoint']) {
    if (event[member] !== undefined && !isObject(event[member])) invalid(`${member} must be an object with an id`);
  }
  const where = isObject(event.bizLocation)
    ? 'bizLocation'
    : isObject(event.readPoint)
      ? 'readPoint'
      : refuse('bizLocation or readPoint is required: where it happened (urn:uuid:<facility id>, an SGLN or a Digital Link /414/<GLN>)');
  const id = (event[where] as Json).id;
  if (typeof id !== 'string') invalid(`${where}.id is required (a string)`);
  return (
    parseLocation(id as string) ??
    refuse(`${where}.id ${JSON.stringify(id)} is not a place Suyuan reads (urn:uuid:<facility id>, urn:epc:id:sgln:…, or a Digital Link /414/<GLN>)`)
  );
}

/** The organization a shipment goes to: the owning party, else the possessing party. */
function destinationPartyOf(event: Json): GlnOrId {
  if (event.destinationList !== undefined && !Array.isArray(event.destinationList)) invalid('destinationList must be a list of destinations');
  const list = Array.isArray(event.destinationList) ? (event.destinationList as unknown[]).filter(isObject) : [];
  const party = list.find((d) => cbvWord(String(d.type)) === 'owning_party') ?? list.find((d) => cbvWord(String(d.type)) === 'possessing_party');
  if (!party) refuse('destinationList: a shipping event names the organization it goes to (type owning_party or possessing_party)');
  if (typeof party!.destination !== 'string') invalid(`destinationList: the ${cbvWord(String(party!.type))}'s destination is required (a string)`);
  return (
    parseParty(party!.destination as string) ??
    refuse(
      `destinationList: party ${JSON.stringify(party!.destination)} is not one Suyuan reads ` +
        '(urn:uuid:<organization id>, a PGLN, an SGLN or a Digital Link /417/<GLN>)',
    )
  );
}

/** Key data elements from the standard members, then extensions as given (KDE names by their local name). */
function detailsOf(event: Json): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (typeof event.eventID === 'string') details.epcisEventID = event.eventID;
  const transactions = Array.isArray(event.bizTransactionList) ? (event.bizTransactionList as unknown[]).filter(isObject) : [];
  if (transactions.length > 0 && typeof transactions[0].bizTransaction === 'string') {
    details.referenceDocumentType = typeof transactions[0].type === 'string' ? cbvWord(transactions[0].type) : 'document';
    details.referenceDocumentNumber = transactions[0].bizTransaction;
  }
  const destinations = Array.isArray(event.destinationList) ? (event.destinationList as unknown[]).filter(isObject) : [];
  const shipTo = destinations.find((d) => cbvWord(String(d.type)) === 'location');
  if (shipTo && typeof shipTo.destination === 'string') details.shipToLocation = shipTo.destination;
  if (Array.isArray(event.sourceList) && event.sourceList.length > 0) details.epcisSourceList = event.sourceList;
  return { ...details, ...extensionsOf(event, STANDARD_MEMBERS) };
}

function extensionsOf(object: Json, standard: Set<string>): Record<string, unknown> {
  // fromEntries keeps a "__proto__" member as a member (an assignment would set the prototype), so it is refused below.
  const kept = Object.fromEntries(
    Object.entries(object)
      .filter(([key]) => !standard.has(key))
      .map(([key, value]) => {
        const local = key.includes(':') ? key.slice(key.lastIndexOf(':') + 1) : key;
        return [KDE_NAMES.has(local) ? local : key, value];
      }),
  );
  // Checked before the input classes copy them: class-transformer would recurse through a member nested a million deep.
  const problem = detailsProblem(kept, 'extension members');
  if (problem) refuse(problem);
  return kept;
}

function timeOf(value: unknown, where: string): Date {
  return parseDateTime(value) ?? invalid(`${where} must be ${DATE_TIME_FORMAT}, got ${JSON.stringify(value ?? null)?.slice(0, 40)}`);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
