import { parseDigitalLinkPath } from '../../digital-link/digital-link-uri.js';
import { normalizeGtin } from '../../products/gtin.js';

/**
 * What the unit and package screens read from what a user pastes or uploads: pure, so it is tested
 * without a browser (src/console/units-browser.spec.ts). The serials' and SSCCs' own rules are the API's
 * (src/units/serial-rules.ts, src/packages/sscc.ts), bundled as they are.
 */

/**
 * A list of serials or SSCCs, one a line (a pasted column, or a file such as the units CSV: its header
 * line and the columns after the first are dropped). A serial may hold a comma (GS1 set 82 has one), so
 * a line is cut at a comma only when the file is the units CSV (its header says so).
 */
export function parseLines(text: string): string[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim());
  const isUnitsCsv = /^serial,/i.test(lines[0] ?? '');
  return lines.slice(isUnitsCsv ? 1 : 0).flatMap((line) => {
    const value = isUnitsCsv ? line.split(',')[0] : line;
    return value ? [value] : [];
  });
}

/** A unit named by a user: a GTIN (8–14 digits) and a serial, or null when the GTIN is not one. */
export interface UnitName {
  gtin: string;
  serial: string;
}

/**
 * A unit from a GS1 Digital Link with a serial (…/01/<GTIN>[/10/<lot>]/21/<serial>, any host), the unit's
 * page (/u/<GTIN>/<serial>), or null when the text is neither.
 */
export function parseUnitLink(text: string): UnitName | null {
  const value = text.trim();
  let path: string;
  try {
    path = new URL(value, 'https://x.invalid').pathname;
  } catch {
    return null;
  }
  const page = /^\/u\/(\d{8,14})\/([^/]+)\/?$/.exec(path);
  if (page) {
    const gtin = normalizeGtin(page[1]);
    return gtin ? { gtin, serial: decodeURIComponent(page[2]) } : null;
  }
  const at = path.indexOf('/01/');
  if (at < 0) return null;
  const link = parseDigitalLinkPath(path.slice(at));
  return 'gtin' in link && link.serial ? { gtin: link.gtin, serial: link.serial } : null;
}
