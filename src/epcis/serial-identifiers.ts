import { gtinCheckDigit, normalizeGtin } from '../products/gtin.js';
import { serialProblem } from '../units/unit-serials.js';

/**
 * How EPCIS names a serialized unit (an instance of a trade item) and how Suyuan reads it: a GS1 Tag
 * Data Standard SGTIN URN or a GS1 Digital Link with AI 21. Pure.
 */

/** A unit by GTIN-14 and serial. */
export interface UnitRef {
  gtin: string;
  serial: string;
}

/** The units of one GTIN an epcList names, in the list's order. */
export interface UnitsOfGtin {
  gtin: string;
  serials: string[];
}

/**
 * A unit's EPC: `urn:epc:id:sgtin:<company prefix>.<indicator + item reference>.<serial>` (TDS 2.0 §6.3.1:
 * prefix and item reference 13 digits together; the GTIN is the indicator digit, the prefix, the rest of
 * the item reference and the check digit computed here; the serial %-escaped as TDS escapes it), or a GS1
 * Digital Link `…/01/<GTIN>[/10/<lot>]/21/<serial>` on any resolver host. A string naming the serial
 * outside AI 21 answers its problem; anything else that is no unit answers null.
 */
export function parseUnitEpc(uri: string): UnitRef | { problem: string } | null {
  const sgtin = /^urn:epc:id:sgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  if (sgtin) {
    const [, prefix, itemRef, escaped] = sgtin;
    if (prefix.length + itemRef.length !== 13 || prefix.length < 6) return null;
    const body = itemRef[0] + prefix + itemRef.slice(1);
    return withSerial(body + gtinCheckDigit(body), escaped);
  }
  let path: string;
  try {
    const url = new URL(uri);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    path = url.pathname;
  } catch {
    return null;
  }
  const link = /(?:^|\/)01\/(\d{8,14})(?:\/10\/[^/]+)?\/21\/([^/]+)$/.exec(path);
  const gtin = link && normalizeGtin(link[1]);
  return link && gtin ? withSerial(gtin, link[2]) : null;
}

function withSerial(gtin: string, escaped: string): UnitRef | { problem: string } {
  let serial: string;
  try {
    serial = decodeURIComponent(escaped);
  } catch {
    return { problem: `the serial ${JSON.stringify(escaped.slice(0, 40))} is not %-escaped as GS1's Tag Data Standard escapes it` };
  }
  const problem = serialProblem(serial);
  return problem ? { problem } : { gtin, serial };
}

/** The units grouped by GTIN, in order of first appearance; the serials of each in list order. */
export function unitsByGtin(units: readonly UnitRef[]): UnitsOfGtin[] {
  const groups = new Map<string, string[]>();
  for (const { gtin, serial } of units) {
    const serials = groups.get(gtin) ?? [];
    serials.push(serial);
    groups.set(gtin, serials);
  }
  return [...groups].map(([gtin, serials]) => ({ gtin, serials }));
}

/** The units of a GTIN grouped by the lot each belongs to (`lotOf`: its batch id), in order of first appearance. */
export function serialsByLot(serials: readonly string[], lotOf: (serial: string) => string): { batchId: string; serials: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const serial of serials) {
    const batchId = lotOf(serial);
    const list = groups.get(batchId) ?? [];
    list.push(serial);
    groups.set(batchId, list);
  }
  return [...groups].map(([batchId, list]) => ({ batchId, serials: list }));
}
