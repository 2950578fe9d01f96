/**
 * What an EPCIS document costs the ledger writer, which holds the ledger lock for the whole capture.
 * The event cap alone does not bound it: every element of an event's quantityList becomes an entry
 * of its own that keeps the event's other members again (sources, destinations, ILMD, extensions),
 * and a sensor event stores each of its reports once per lot it names. So the work is counted on the
 * document before any event is read, and a document past a bound is refused before the writer is
 * called. Pure; nesting is bounded earlier (jsonDepthProblem), so the sizes here are safe to take.
 */

export interface CaptureWork {
  /** Steps recorded on a lot by an observing event: one per lot line; events next to each other are recorded in one call. */
  steps: number;
  /**
   * Lots written one at a time: each lot registered (commissioning), read by a sensor, or used or made by a
   * transformation; and each package packed or unpacked.
   */
  lots: number;
  /** Temperature readings stored: each report of a sensor event, once per lot the event names. */
  readings: number;
  /** About what the entries store: each keeps its event's members (less the lists) and its own line, a sensor event's lots all its reports. */
  storedBytes: number;
}

/**
 * Units of work, one per temperature reading stored; a step costs the writer about 10 readings, a lot
 * written on its own (its own look-ups, checks and rows) about 50 (measured in docs/benchmarks.md).
 */
export const WORK_PER_STEP = 10;
export const WORK_PER_LOT = 50;
/** Units of an epcList that cost the writer about one step. */
export const UNITS_PER_STEP = 10;

/** The most one capture may cost: 1,000 single-lot steps, or 200 lots registered, or about 10,000 readings, or a mix; and 2 MiB of payload. */
export const MAX_CAPTURE_WORK = 10_000;
export const MAX_CAPTURE_STORED_BYTES = 2 * 1024 * 1024;

/** A bound the document is past, by how much: what the refusal names and carries. */
export interface WorkOverrun {
  bound: 'work' | 'storedBytes';
  limit: number;
  actual: number;
}

/** The units of work of a capture. */
export function workUnits(work: CaptureWork): number {
  return work.steps * WORK_PER_STEP + work.lots * WORK_PER_LOT + work.readings;
}

const LINE_LISTS = ['quantityList', 'inputQuantityList', 'outputQuantityList'] as const;

/**
 * The work of a document's events, by what each will be read as: lots written one at a time for a
 * commissioning (ADD), a sensor event or a transformation, steps for any other event. An event that
 * claims to be one thing and is another is refused when it is read, before the writer; anything that is
 * not an event costs nothing here, for the same reason.
 */
export function captureWork(events: readonly unknown[]): CaptureWork {
  const total: CaptureWork = { steps: 0, lots: 0, readings: 0, storedBytes: 0 };
  for (const event of events) {
    if (!isObject(event)) continue;
    const lists = LINE_LISTS.map((name) => event[name]).filter((list) => Array.isArray(list));
    const lines = lists.reduce((n, list) => n + list.length, 0);
    const lots = Array.isArray(event.quantityList) ? event.quantityList.length : 0;
    const elements = Array.isArray(event.sensorElementList) ? event.sensorElementList : [];
    const reports = elements.reduce((n: number, e) => n + (isObject(e) && Array.isArray(e.sensorReport) ? e.sensorReport.length : 0), 0);
    const shared = Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'sensorElementList' && !(LINE_LISTS as readonly string[]).includes(key)));
    // A TransactionEvent's lots are linked one at a time, each with its custody (and for DELETE its links) read first.
    const alone = event.action === 'ADD' || event.type === 'TransformationEvent' || event.type === 'TransactionEvent' || event.sensorElementList !== undefined;
    if (alone) total.lots += lines;
    else total.steps += lines;
    // Units an epcList names (serialized events, capture-units.ts): the event's own step or commissioning, and a
    // tenth of a step per unit for its index rows (an estimate, not measured): about 10,000 units a capture.
    const units = Array.isArray(event.epcList) ? event.epcList.length : 0;
    if (units > 0) {
      if (event.action === 'ADD') total.lots += 1;
      else total.steps += 1;
      total.steps += Math.ceil(units / UNITS_PER_STEP);
    }
    total.readings += lots * reports;
    total.storedBytes += lines * bytesOf(shared) + lists.reduce((n, list) => n + bytesOf(list), 0) + lots * bytesOf(event.sensorElementList);
    // An AggregationEvent packs or unpacks one package, checked and written as a lot is; its children are rows (bounded as payload).
    if (event.type === 'AggregationEvent') {
      total.lots += 1;
      total.storedBytes += bytesOf(event.childEPCs);
    }
  }
  return total;
}

/** A document that costs more than one capture may: refused before the writer is called. */
export class CaptureTooCostly extends Error {
  constructor(
    work: CaptureWork,
    readonly overruns: WorkOverrun[],
  ) {
    super(overrunMessage(work, overruns));
    this.name = 'CaptureTooCostly';
  }
}

/** Each bound the work is past (the work, then the stored bytes); empty when the capture may go ahead. */
export function workOverruns(work: CaptureWork): WorkOverrun[] {
  const overruns: WorkOverrun[] = [];
  const units = workUnits(work);
  if (units > MAX_CAPTURE_WORK) overruns.push({ bound: 'work', limit: MAX_CAPTURE_WORK, actual: units });
  if (work.storedBytes > MAX_CAPTURE_STORED_BYTES) overruns.push({ bound: 'storedBytes', limit: MAX_CAPTURE_STORED_BYTES, actual: work.storedBytes });
  return overruns;
}

/** One sentence naming every bound passed, what it is made of, and by how much. */
export function overrunMessage(work: CaptureWork, overruns: readonly WorkOverrun[]): string {
  const parts = overruns.map(({ bound, limit, actual }) => {
    const steps = `${count(work.steps)} steps recorded (lot lines of observing events) × ${WORK_PER_STEP}`;
    const lots = `${count(work.lots)} lots registered, read by a sensor or transformed × ${WORK_PER_LOT}`;
    const readings = `${count(work.readings)} temperature readings (each sensor report once per lot of its event)`;
    const what =
      bound === 'work'
        ? `${count(actual)} units of work (${steps} + ${lots} + ${readings})`
        : `${count(actual)} bytes of ledger payload (each entry keeps its event’s members again)`;
    return `${what}, ${count(actual - limit)} more than the ${count(limit)} one capture may`;
  });
  return `the EPCIS document would cost ${parts.join('; and ')}: nothing was recorded; send it as several smaller documents`;
}

function bytesOf(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value), 'utf8');
}

const count = (n: number) => n.toLocaleString('en');

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
