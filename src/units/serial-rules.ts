import { CSET82_UP_TO_20 } from '../digital-link/digital-link-uri.js';

/**
 * What a serial (GS1 AI 21) and a producer's list of them must be: pure and free of Node, so the console
 * checks a pasted list in the browser with the very rule commissionUnits applies.
 */

/** What is wrong with a serial under GS1 AI 21 (1 to 20 characters of set 82), or null. */
export function serialProblem(serial: string): string | null {
  if (CSET82_UP_TO_20.test(serial)) return null;
  const shown = serial.length > 40 ? `${serial.slice(0, 40)}…` : serial;
  return (
    `serial ${JSON.stringify(shown)} is not a GS1 serial number (AI 21): ` +
    `1 to 20 characters of GS1's character set 82 (letters, digits and !"%&'()*+,-./:;<=>?_)`
  );
}

/**
 * What is wrong with a list of serials a producer names: the first one outside AI 21, or the first
 * repeated one (each with its place in the list), or null.
 */
export function givenSerialsProblem(serials: readonly string[], where = 'serials'): string | null {
  const seen = new Map<string, number>();
  for (const [i, serial] of serials.entries()) {
    const problem = serialProblem(serial);
    if (problem) return `${where}[${i}]: ${problem}`;
    const first = seen.get(serial);
    if (first !== undefined) return `${where}[${i}]: serial ${JSON.stringify(serial)} is named twice (also ${where}[${first}])`;
    seen.set(serial, i);
  }
  return null;
}
