/**
 * Date-times as clients send them (GraphQL DateTime, EPCIS eventTime): RFC 3339 with its offset.
 * JavaScript's Date parser is lenient: it turns 2026-02-30 into March 2nd, reads a time without an
 * offset in the server's zone, takes numbers as epoch milliseconds and years like +099999 that
 * PostgreSQL cannot cast back from the ledger's payloads. Only what is stored exactly is accepted.
 */

const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/i;

/** The years a traceability ledger has any use for; four digits, as RFC 3339 and PostgreSQL both read them. */
export const EARLIEST_DATE_TIME = new Date('1900-01-01T00:00:00Z');
export const LATEST_DATE_TIME = new Date('9999-12-31T23:59:59.999Z');

export const DATE_TIME_FORMAT =
  'a date and time with its offset (RFC 3339), such as 2026-10-06T09:00:00Z or 2026-10-06T17:00:00+08:00, from 1900 to 9999, to the millisecond';

/** The instant, or null when the value is not exactly one a Date keeps. */
export function parseDateTime(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = RFC_3339.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const fraction = m[7] ?? '';
  if (/[1-9]/.test(fraction.slice(3))) return null;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.slice(0, 3).padEnd(3, '0')));
  const check = new Date(local);
  // Out-of-range fields (February 30th, 24:00, minute 60) roll over in Date.UTC: refuse them.
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  )
    return null;
  const offsetMinutes = m[8].toUpperCase() === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (Number(m[10] ?? 0) > 23 || Number(m[11] ?? 0) > 59) return null;
  const instant = new Date(local - offsetMinutes * 60_000);
  return instant >= EARLIEST_DATE_TIME && instant <= LATEST_DATE_TIME ? instant : null;
}
