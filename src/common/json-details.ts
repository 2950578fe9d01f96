import { DomainError } from './domain-error.js';

export const MAX_DETAILS_BYTES = 16 * 1024;
export const MAX_DETAILS_DEPTH = 8;

/**
 * Free-form details are kept as given, but bounded: a JSON object, at most 16 KiB once serialised
 * and 8 levels deep, so one request cannot bloat the ledger that every verifier downloads.
 */
export function checkDetails(details: unknown, field = 'details'): Record<string, unknown> | undefined {
  if (details === undefined || details === null) return undefined;
  if (typeof details !== 'object' || Array.isArray(details)) throw new DomainError('INVALID_INPUT', `${field} must be a JSON object`);
  const depth = depthOf(details);
  if (depth > MAX_DETAILS_DEPTH) throw new DomainError('INVALID_INPUT', `${field} is nested ${depth} levels deep; at most ${MAX_DETAILS_DEPTH} are allowed`);
  const bytes = Buffer.byteLength(JSON.stringify(details), 'utf8');
  if (bytes > MAX_DETAILS_BYTES) throw new DomainError('INVALID_INPUT', `${field} is ${bytes} bytes; at most ${MAX_DETAILS_BYTES} are allowed`);
  return details as Record<string, unknown>;
}

function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  let deepest = 0;
  for (const child of children) {
    deepest = Math.max(deepest, depthOf(child));
    if (deepest > MAX_DETAILS_DEPTH) break;
  }
  return 1 + deepest;
}
