/**
 * The eventID of an EPCIS event generated from a ledger entry (one recorded through GraphQL, or captured
 * before events were kept as sent): the RFC 6920 named-information URI of the entry's hash,
 * `ni:///sha-256;<base64url of the 32 hash bytes, no padding>`. It claims no more than it is: the
 * digest of the ledger entry, not CBV 2.0's event hash (that one ends in `?ver=CBV2.0` and hashes the
 * event's content), so an auditor can decode it and find the entry behind the event.
 */

const PREFIX = 'ni:///sha-256;';
const HEX_HASH = /^[0-9a-f]{64}$/;
/** 32 bytes in base64url without padding: 43 characters, the last one carrying 4 bits (so one of AEIMQUYcgkosw048). */
const BASE64URL_HASH = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** The eventID naming the ledger entry with this hash (64 lowercase hex digits). */
export function ledgerEventId(entryHashHex: string): string {
  if (!HEX_HASH.test(entryHashHex)) throw new Error(`a ledger entry hash is 64 lowercase hex digits, got ${JSON.stringify(entryHashHex.slice(0, 80))}`);
  return PREFIX + Buffer.from(entryHashHex, 'hex').toString('base64url');
}

/** The ledger entry hash (hex) an eventID of `ledgerEventId` names, or null when the eventID is no such URI (a CBV 2.0 hash ID, a URN, …). */
export function entryHashOfEventId(eventID: string): string | null {
  if (!eventID.startsWith(PREFIX)) return null;
  const digest = eventID.slice(PREFIX.length);
  return BASE64URL_HASH.test(digest) ? Buffer.from(digest, 'base64url').toString('hex') : null;
}
