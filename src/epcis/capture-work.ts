/**
 * What an EPCIS document costs the ledger writer, which holds the ledger lock for the whole capture.
 * The event cap alone does not bound it: every element of an event's quantityList becomes an entry
 * of its own that keeps the event's other members again (sources, destinations, ILMD, extensions),
 * and a sensor event stores each of its reports once per lot it names. So the work is counted on the
 * document before any event is read, and a document past a bound is refused before the writer is
 * called. Pure; nesting is bounded earlier (jsonDepthProblem), so the sizes here are safe to take.
 */

export interface CaptureWork {
  /** Ledger entries written: one per lot line (a lot registered, a step recorded, temperatures recorded, a transformation's input or output). */
  entries: number;
  /** Temperature readings stored: each report of a sensor event, once per lot the event names. */
  readings: number;
  /** About what those entries store: each keeps its event's members (less the lists) and its own line, a sensor event's lots all its reports. */
  storedBytes: number;
}

/**
 * Units of work, one per temperature reading stored: an entry costs the writer about as much as 20
 * readings (a few lookups and checks each, measured in docs/benchmarks.md).
 */
export const ENTRY_WORK = 20;

/** The most one capture may cost: 1,000 single-lot events, or 20,000 readings, or a mix; and 2 MiB of payload. */
export const MAX_CAPTURE_WORK = 20_000;
export const MAX_CAPTURE_STORED_BYTES = 2 * 1024 * 1024;

/** A bound the document is past, by how much: what the refusal names and carries. */
export interface WorkOverrun {
  bound: 'work' | 'storedBytes';
  limit: number;
  actual: number;
}

/** The units of work of a capture: entries weighted by ENTRY_WORK, plus readings. */
export function workUnits(work: CaptureWork): number {
  return work.entries * ENTRY_WORK + work.readings;
}

const LINE_LISTS = ['quantityList', 'inputQuantityList', 'outputQuantityList'] as const;

/** The work of a document's events (anything that is not an event costs nothing here: reading it refuses it). */
export function captureWork(events: readonly unknown[]): CaptureWork {
  const total: CaptureWork = { entries: 0, readings: 0, storedBytes: 0 };
  for (const event of events) {
    if (!isObject(event)) continue;
    const lists = LINE_LISTS.map((name) => event[name]).filter((list) => Array.isArray(list));
    const lines = lists.reduce((n, list) => n + list.length, 0);
    const lots = Array.isArray(event.quantityList) ? event.quantityList.length : 0;
    const elements = Array.isArray(event.sensorElementList) ? event.sensorElementList : [];
    const reports = elements.reduce((n: number, e) => n + (isObject(e) && Array.isArray(e.sensorReport) ? e.sensorReport.length : 0), 0);
    const shared = Object.fromEntries(Object.entries(event).filter(([key]) => key !== 'sensorElementList' && !(LINE_LISTS as readonly string[]).includes(key)));
    total.entries += lines;
    total.readings += lots * reports;
    total.storedBytes += lines * bytesOf(shared) + lists.reduce((n, list) => n + bytesOf(list), 0) + lots * bytesOf(event.sensorElementList);
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
    const entries = `${count(work.entries)} ledger entries, one per lot line of each event, × ${ENTRY_WORK}`;
    const readings = `${count(work.readings)} temperature readings, each sensor report once per lot of its event`;
    const what =
      bound === 'work'
        ? `${count(actual)} units of work (${entries} + ${readings})`
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
