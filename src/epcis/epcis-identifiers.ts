import { TRACE_CODE_PATTERN } from '../batches/trace-code.js';
import { isValidGln } from '../facilities/gln.js';
import { gtinCheckDigit, normalizeGtin } from '../products/gtin.js';

/**
 * How EPCIS names lots, places and parties, and how Suyuan reads those names (GS1 Tag Data Standard
 * URNs, GS1 Digital Link URIs, and the urn:uuid and page URLs Suyuan's own export writes). Pure.
 */

/** A lot: by GTIN and lot number, or by the trace code of its page. */
export type LotRef = { gtin: string; lot: string } | { traceCode: string };
/** A place or a party: by Suyuan id, or by GLN. */
export type GlnOrId = { id: string } | { gln: string };

/** UN/ECE Rec. 20 codes EPCIS quantities use, for the units batches are registered in. */
export const UOM_BY_UNIT: Record<string, string> = {
  kg: 'KGM',
  t: 'TNE',
  g: 'GRM',
  l: 'LTR',
  ml: 'MLT',
  bottle: 'H87',
  bag: 'H87',
  box: 'H87',
  pack: 'H87',
  case: 'H87',
  piece: 'H87',
  瓶: 'H87',
  袋: 'H87',
  盒: 'H87',
  箱: 'H87',
  件: 'H87',
};
/** The unit a lot captured with a UN/ECE code is registered in. */
export const UNIT_BY_UOM: Record<string, string> = { KGM: 'kg', TNE: 't', GRM: 'g', LTR: 'L', MLT: 'mL', H87: 'piece' };

export function uomOf(unit: string): string | undefined {
  return UOM_BY_UNIT[unit.trim().toLowerCase()];
}

/** How a lot is named as an EPCIS class: its GS1 Digital Link when the product has a GTIN, else its page URL. */
export function lotClassUri(lot: { gtin: string | null; lotCode: string; traceCode: string }, baseUrl: string): string {
  return lot.gtin ? `https://id.gs1.org/01/${lot.gtin}/10/${encodeURIComponent(lot.lotCode)}` : `${baseUrl}/q/${lot.traceCode}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A lot class: urn:epc:class:lgtin:<company prefix>.<indicator + item reference>.<lot>, a GS1 Digital
 * Link …/01/<GTIN>/10/<lot> (any resolver host), or `<baseUrl>/q/<trace code>`. Null for anything
 * else (a serialised item, a product class without a lot, a pattern).
 */
export function parseLotClass(uri: string, baseUrl: string): LotRef | null {
  const lgtin = /^urn:epc:class:lgtin:(\d+)\.(\d+)\.(.+)$/.exec(uri);
  if (lgtin) {
    const [, prefix, itemRef, lot] = lgtin;
    if (prefix.length + itemRef.length !== 13) return null;
    const body = itemRef[0] + prefix + itemRef.slice(1);
    const lotCode = decode(lot);
    return lotCode ? { gtin: body + gtinCheckDigit(body), lot: lotCode } : null;
  }
  const page = `${baseUrl}/q/`;
  if (uri.startsWith(page)) {
    const code = uri.slice(page.length);
    return TRACE_CODE_PATTERN.test(code) ? { traceCode: code } : null;
  }
  const link = digitalLinkPath(uri);
  const match = link && /^(?:.*\/)?01\/(\d{8,14})\/10\/([^/?#]+)$/.exec(link);
  if (!match) return null;
  const gtin = normalizeGtin(match[1]);
  const lot = decode(match[2]);
  return gtin && lot ? { gtin, lot } : null;
}

/** A place: urn:uuid:<facility id>, urn:epc:id:sgln:<company prefix>.<location reference>.<extension>, or a Digital Link …/414/<GLN>. */
export function parseLocation(uri: string): GlnOrId | null {
  return uuidOf(uri) ?? glnFromSgln(uri) ?? glnFromDigitalLink(uri, '414');
}

/** A party: urn:uuid:<organization id>, urn:epc:id:pgln:…, or a location of the party (SGLN, Digital Link /417/ or /414/). */
export function parseParty(uri: string): GlnOrId | null {
  const pgln = /^urn:epc:id:pgln:(\d+)\.(\d*)$/.exec(uri);
  if (pgln) return glnOf(pgln[1] + pgln[2]);
  return uuidOf(uri) ?? glnFromSgln(uri) ?? glnFromDigitalLink(uri, '417') ?? glnFromDigitalLink(uri, '414');
}

/**
 * A CBV 2.0 vocabulary word (business step, disposition, source/destination or transaction type),
 * whichever way it is written: bare, as a ref.gs1.org/cbv URI, or as an EPCIS 1.x URN.
 */
export function cbvWord(value: string): string {
  return value.replace(/^urn:epcglobal:cbv:[a-z]+:/, '').replace(/^https:\/\/ref\.gs1\.org\/cbv\/[A-Za-z]+-/, '');
}

function uuidOf(uri: string): { id: string } | null {
  const id = uri.startsWith('urn:uuid:') ? uri.slice('urn:uuid:'.length) : '';
  return UUID.test(id) ? { id: id.toLowerCase() } : null;
}

function glnFromSgln(uri: string): { gln: string } | null {
  const sgln = /^urn:epc:id:sgln:(\d+)\.(\d*)\.(.*)$/.exec(uri);
  return sgln ? glnOf(sgln[1] + sgln[2]) : null;
}

function glnFromDigitalLink(uri: string, ai: '414' | '417'): { gln: string } | null {
  const link = digitalLinkPath(uri);
  const match = link && new RegExp(`^(?:.*/)?${ai}/(\\d{13})(?:/.*)?$`).exec(link);
  return match && isValidGln(match[1]) ? { gln: match[1] } : null;
}

/** 12 digits of company prefix and reference, completed with the check digit. */
function glnOf(body: string): { gln: string } | null {
  return body.length === 12 ? { gln: body + gtinCheckDigit(body) } : null;
}

/** The path of an http(s) URI without its leading slash (a Digital Link's keys and values); null for anything else. */
export function digitalLinkPath(uri: string): string | null {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.pathname.replace(/^\//, '') : null;
  } catch {
    return null;
  }
}

function decode(text: string): string | null {
  try {
    const value = decodeURIComponent(text);
    return value.length > 0 ? value : null;
  } catch {
    return null;
  }
}
