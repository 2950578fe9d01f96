/**
 * Opaque page tokens (capture jobs' nextPageToken, the lists' cursors): a JSON array in base64url, so a
 * client passes it back whole and the format can change without clients noticing. Pure.
 */

/** The longest token read: anything longer is no token this service gave. */
const MAX_TOKEN_LENGTH = 200;

export function encodeToken(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/** The array a token holds, with `length` members; null for anything this service did not give (the caller says how it is refused). */
export function decodeToken(token: string, length: number): unknown[] | null {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  return Array.isArray(decoded) && decoded.length === length ? decoded : null;
}
