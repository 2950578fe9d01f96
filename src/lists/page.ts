import { createHash } from 'node:crypto';
import { DomainError } from '../common/domain-error.js';
import { decodeToken, encodeToken } from '../common/opaque-token.js';

/**
 * Keyset pagination, pure: a page is "the next `first` rows after this key" in one fixed order
 * (newest first: created_seq, then id, both descending), so a row added while a client pages never
 * shifts or repeats what it already read, and page 1,000 costs what page 1 does (no OFFSET).
 */

/** A page holds this many rows when `first` is not given. */
export const DEFAULT_PAGE_SIZE = 20;
/** The largest `first` a list takes; a larger one is refused, naming the argument (field-costs.ts counts a list at most this). */
export const MAX_PAGE_SIZE = 100;

/**
 * Where a row sits in the order: the ledger sequence that created it, and its id to break ties (a
 * transformation makes several rows in one entry). A ledger entry is its sequence alone (id '').
 */
export interface PageKey {
  seq: string;
  id: string;
}

/** What a list's cursors are of: a cursor of one list is refused by another, not read as a position in it. */
export type CursorKind =
  'batch' | 'inboundBatch' | 'facility' | 'product' | 'recall' | 'organization' | 'ledgerEntry' | 'traceNode' | 'inspection' | 'package' | 'inboundPackage';

/** Lists whose rows are one a ledger entry (an entry, a package its packing entry made): their position is the sequence alone (id ''). */
const SEQ_ONLY_KINDS: ReadonlySet<CursorKind> = new Set(['ledgerEntry', 'package', 'inboundPackage']);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEQ = /^[0-9]{1,19}$/;
const SCOPE = /^[A-Za-z0-9_-]{11}$/;
/** 2: cursors carry the scope of their filter (1 did not, and is refused like any cursor not handed out). */
const VERSION = 2;

/**
 * What a page was read with besides its position: the filter (and whose list it is). A position is only
 * meaningful in the list it came from — the same row sits elsewhere, or nowhere, under another filter —
 * so a cursor carries a short hash of this and a page with other values refuses it.
 */
export type CursorScope = Readonly<Record<string, string | number | boolean | Date | null | undefined>>;

/** 11 base64url characters (66 bits) of SHA-256 over the scope's set values, in name order: the same filter written any way hashes alike. */
export function scopeHash(scope: CursorScope): string {
  const set = Object.keys(scope)
    .filter((name) => scope[name] !== undefined && scope[name] !== null)
    .sort()
    .map((name) => {
      const value = scope[name];
      return [name, value instanceof Date ? value.toISOString() : value];
    });
  return createHash('sha256').update(JSON.stringify(set)).digest('base64url').slice(0, 11);
}

/** The opaque cursor of a row: base64url of its list, its filter's hash, position and a version, so the format can change without clients noticing. */
export function encodeCursor(kind: CursorKind, scope: CursorScope, key: PageKey): string {
  return encodeToken([VERSION, kind, scopeHash(scope), key.seq, key.id]);
}

/**
 * The position an `after` cursor names. A cursor this list did not hand out is BAD_USER_INPUT
 * INVALID_CURSOR; one of this list read with another filter is CURSOR_FILTER_MISMATCH, so a client that
 * changed its filter mid-walk hears so instead of getting pages that skip or repeat rows.
 */
export function decodeCursor(kind: CursorKind, scope: CursorScope, cursor: string): PageKey {
  const refused = () =>
    new DomainError('INVALID_CURSOR', `after: "${cursor.slice(0, 80)}" is not a cursor of this list; pass an endCursor or a cursor this list returned`);
  const parsed = decodeToken(cursor, 5);
  if (!parsed) throw refused();
  const [version, itsKind, itsScope, seq, id] = parsed;
  const idFits = typeof id === 'string' && (SEQ_ONLY_KINDS.has(kind) ? id === '' : UUID.test(id));
  if (version !== VERSION || itsKind !== kind || typeof itsScope !== 'string' || !SCOPE.test(itsScope) || typeof seq !== 'string' || !SEQ.test(seq) || !idFits)
    throw refused();
  if (itsScope !== scopeHash(scope))
    throw new DomainError(
      'CURSOR_FILTER_MISMATCH',
      'after: this cursor is from the same list read with another filter; a position means nothing under a different filter, ' +
        'so start again without `after` or keep the filter the cursor was read with',
    );
  return { seq, id: id.toLowerCase() };
}

/** How many rows to read: `first` if given (1–MAX_PAGE_SIZE), else the default; anything else is refused, naming `first`. */
export function pageSize(first: number | null | undefined, max = MAX_PAGE_SIZE, fallback = DEFAULT_PAGE_SIZE): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 1 || first > max) throw new DomainError('INVALID_INPUT', `first must be between 1 and ${max}, got ${first}`);
  return first;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * A connection from up to `size + 1` rows read in order: the extra row only says there is a next page.
 * `keyOf` gives each row's position, from which, with the scope it was read in, its cursor is made.
 */
export function toConnection<T>(kind: CursorKind, scope: CursorScope, rows: readonly T[], size: number, keyOf: (row: T) => PageKey): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(kind, scope, keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}
