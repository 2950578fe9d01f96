import { createHmac, KeyObject, timingSafeEqual } from 'node:crypto';

/**
 * The token a batch page carries so that its own script, and nothing else, counts a scan: an HMAC of
 * the trace code and the day under a server secret. It proves the poster fetched today's page (a
 * script can do that too: what stops it inflating the count is ScanClients, one count per client and day).
 */

/** The day scans are counted in: China's calendar day, YYYY-MM-DD. */
export function scanDay(at: Date): string {
  // UTC+8 all year: no daylight saving in China.
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The day before `day` (YYYY-MM-DD). */
function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The secret tokens are made with, derived from the ledger's signing key (every process of a
 * deployment has it), with its own label so a token can never stand for anything the key signs.
 */
export function scanTokenSecret(signingKey: KeyObject): Buffer {
  return createHmac('sha256', signingKey.export({ format: 'der', type: 'pkcs8' }))
    .update('suyuan scan-count token v1')
    .digest();
}

export function scanToken(secret: Buffer, traceCode: string, day: string): string {
  return createHmac('sha256', secret).update(`${traceCode}\n${day}`).digest('base64url').slice(0, 32);
}

/** Today's token or yesterday's (a page opened just before midnight still counts). */
export function scanTokenValid(secret: Buffer, traceCode: string, token: string | undefined, at: Date): boolean {
  if (!token) return false;
  const given = Buffer.from(token);
  const today = scanDay(at);
  return [today, dayBefore(today)].some((day) => {
    const expected = Buffer.from(scanToken(secret, traceCode, day));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}

/** The headers a browser sends that say where a request comes from. */
export interface RequestSite {
  origin: string | undefined;
  secFetchSite: string | undefined;
  host: string | undefined;
}

/**
 * Why a request is not from the service's own page, or null when nothing says so: a browser's
 * Sec-Fetch-Site other than same-origin, or an Origin that is neither the public base URL's nor the
 * host the request was sent to. (A script outside a browser sends what it likes: the token and the
 * per-client count are what bound it.)
 */
export function crossSiteReason(site: RequestSite, publicBaseUrl: string): string | null {
  if (site.secFetchSite !== undefined && site.secFetchSite !== 'same-origin')
    return `the request comes from another site (Sec-Fetch-Site: ${site.secFetchSite})`;
  if (site.origin === undefined) return null;
  let host: string;
  try {
    host = new URL(site.origin).host;
  } catch {
    return `the request's Origin (${site.origin.slice(0, 100)}) is not a web origin`;
  }
  if (site.origin === new URL(publicBaseUrl).origin || (site.host !== undefined && host === site.host)) return null;
  return `the request comes from another site (Origin: ${site.origin.slice(0, 100)})`;
}
