import { gtinCheckDigit } from '../products/gtin.js';
import { digitalLinkPath } from './epcis-identifiers.js';
import { parseUnitEpc, type UnitRef } from './serial-identifiers.js';
import { ssccProblem } from '../packages/sscc.js';

/**
 * How EPCIS names packages and serialized units (GS1 Tag Data Standard 2.x URNs and GS1 Digital Link
 * URIs), read into SSCCs and GTIN + serial, and written back. Pure.
 */

/** A child of an AggregationEvent: a serialized unit, or a package. */
export type ChildEpc = { unit: UnitRef } | { sscc: string };

/**
 * An SSCC: urn:epc:id:sscc:<company prefix>.<extension digit><serial reference> (17 digits between them)
 * or a Digital Link …/00/<SSCC> on any resolver host. Null for anything else, or a wrong check digit.
 */
export function parseSsccEpc(uri: string): string | null {
  const urn = /^urn:epc:id:sscc:(\d+)\.(\d+)$/.exec(uri);
  if (urn) {
    const [, prefix, rest] = urn;
    if (prefix.length < 6 || prefix.length > 12 || prefix.length + rest.length !== 17) return null;
    const body = rest[0] + prefix + rest.slice(1);
    return body + gtinCheckDigit(body);
  }
  const link = digitalLinkPath(uri);
  const match = link && /^(?:.*\/)?00\/(\d{18})$/.exec(link);
  return match && ssccProblem(match[1]) === null ? match[1] : null;
}

/**
 * A serialized unit, in either form (src/epcis/serial-identifiers.ts reads it, for ObjectEvents too): null
 * for anything else, and for a unit whose serial is outside AI 21 (packing could not name it).
 */
export function parseSgtinEpc(uri: string): UnitRef | null {
  const unit = parseUnitEpc(uri);
  return unit && 'gtin' in unit ? unit : null;
}

/** A child EPC of an AggregationEvent: a unit (SGTIN) or a package (SSCC), in either form; null for anything else. */
export function parseChildEpc(uri: string): ChildEpc | null {
  const unit = parseSgtinEpc(uri);
  if (unit) return { unit };
  const sscc = parseSsccEpc(uri);
  return sscc ? { sscc } : null;
}

/**
 * An SSCC as EPCIS names it: the URN when the organization's GS1 company prefix is the SSCC's (the URN
 * needs the prefix's length to split it), else its Digital Link, which needs none.
 */
export function ssccEpc(sscc: string, companyPrefix: string | null): string {
  if (companyPrefix && sscc.slice(1, 1 + companyPrefix.length) === companyPrefix) {
    const n = companyPrefix.length;
    return `urn:epc:id:sscc:${companyPrefix}.${sscc[0]}${sscc.slice(1 + n, 17)}`;
  }
  return `https://id.gs1.org/00/${sscc}`;
}

/**
 * A unit as EPCIS names it: an SGTIN URN when the GTIN (after its indicator digit) starts with the
 * organization's GS1 company prefix, else its Digital Link …/01/<GTIN>/21/<serial>.
 */
export function sgtinEpc(gtin14: string, serial: string, companyPrefix: string | null): string {
  if (companyPrefix && gtin14.slice(1, 1 + companyPrefix.length) === companyPrefix) {
    const n = companyPrefix.length;
    return `urn:epc:id:sgtin:${companyPrefix}.${gtin14[0]}${gtin14.slice(1 + n, 13)}.${urnEscape(serial)}`;
  }
  return `https://id.gs1.org/01/${gtin14}/21/${encodeURIComponent(serial)}`;
}

/** TDS 2.x §7: the characters of set 82 a URN component %-escapes. */
function urnEscape(serial: string): string {
  return serial.replace(/["%&/<>?]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
