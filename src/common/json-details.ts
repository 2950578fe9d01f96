import { MAX_JSON_DEPTH } from '../ledger/canonical-json.js';
import { DomainError } from './domain-error.js';

export const MAX_DETAILS_BYTES = 16 * 1024;
export const MAX_DETAILS_DEPTH = 8;

/**
 * Keys Nest's ValidationPipe deletes from every input (against prototype pollution), and
 * class-transformer turns into prototypes: a member so named would silently never be stored.
 */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Free-form details are kept as given, but bounded: a JSON object, at most 16 KiB once serialised
 * and 8 levels deep, so one request cannot bloat the ledger that every verifier downloads; and
 * without NUL characters, which PostgreSQL's jsonb (how pages and exports read payloads) cannot hold.
 */
export function checkDetails(details: unknown, field = 'details'): Record<string, unknown> | undefined {
  if (details === undefined || details === null) return undefined;
  const problem = detailsProblem(details, field);
  if (problem) throw new DomainError('INVALID_INPUT', problem);
  return details as Record<string, unknown>;
}

/** What checkDetails refuses, as a sentence naming `field`; null for details it keeps. */
export function detailsProblem(details: unknown, field: string): string | null {
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return `${field} must be a JSON object`;
  const depth = depthOf(details);
  if (depth > MAX_DETAILS_DEPTH)
    return `${field} is nested ${depth > DEPTH_MEASURED ? `more than ${DEPTH_MEASURED}` : depth} levels deep; at most ${MAX_DETAILS_DEPTH} are allowed`;
  const bytes = Buffer.byteLength(JSON.stringify(details), 'utf8');
  if (bytes > MAX_DETAILS_BYTES) return `${field} is ${bytes} bytes; at most ${MAX_DETAILS_BYTES} are allowed`;
  if (firstKeyOrString(details, (text) => text.includes('\u0000')) !== null) return `${field} contains a NUL character (U+0000), which cannot be stored`;
  const reserved = reservedKeyIn(details);
  return reserved ? `${field} uses the reserved key "${reserved}"; name the member otherwise` : null;
}

/**
 * For any JSON a client sends (GraphQL's JSON scalar), before the request pipeline copies it: deeper
 * than DEPTH_MEASURED, class-transformer's recursive copy would overflow the stack (a 500); a reserved
 * key would be deleted without a word.
 */
export function jsonInputProblem(value: unknown): string | null {
  const deep = jsonDepthProblem(value);
  if (deep) return deep;
  const reserved = reservedKeyIn(value);
  return reserved ? `JSON members named "${reserved}" are reserved and would not be stored; name the member otherwise` : null;
}

/** For any JSON walked recursively later (an EPCIS document): deeper than DEPTH_MEASURED is refused before the walk. */
export function jsonDepthProblem(value: unknown): string | null {
  return depthOf(value) > DEPTH_MEASURED ? `JSON is nested more than ${DEPTH_MEASURED} levels deep` : null;
}

/** The first reserved key anywhere in a JSON value. */
export function reservedKeyIn(value: unknown): string | null {
  return firstKeyOrString(value, (text, isKey) => isKey && RESERVED_KEYS.has(text));
}

/** The first key or string anywhere in a JSON value that `flagged` picks, walked without recursion (a value may be nested a million deep). */
function firstKeyOrString(value: unknown, flagged: (text: string, isKey: boolean) => boolean): string | null {
  const stack = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string' && flagged(node, false)) return node;
    if (node === null || typeof node !== 'object') continue;
    for (const key of Object.keys(node)) {
      if (!Array.isArray(node) && flagged(key, true)) return key;
      stack.push((node as Record<string, unknown>)[key]);
    }
  }
  return null;
}

/** How deep depthOf looks: deeper than this, how much deeper is not worth a walk that could overflow the stack. */
const DEPTH_MEASURED = MAX_JSON_DEPTH;

/** The depth of a JSON value, or DEPTH_MEASURED + 1 for anything deeper. */
function depthOf(value: unknown, limit = DEPTH_MEASURED): number {
  if (value === null || typeof value !== 'object') return 0;
  if (limit === 0) return 1;
  let deepest = 0;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    deepest = Math.max(deepest, depthOf(child, limit - 1));
    if (deepest >= limit) break;
  }
  return 1 + deepest;
}
