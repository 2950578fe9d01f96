import { DomainError } from '../common/domain-error.js';

/** Events a scan's `timeline` returns when `first` is not given. */
export const TIMELINE_DEFAULT_PAGE = 50;
/** The most events one `timeline` page returns: a lot's whole story is read page by page. */
export const TIMELINE_MAX_PAGE = 500;
/** The first events of a lot's story, kept with its cached scan: the default page (and any page within them) needs no query. */
export const TIMELINE_HEAD = 100;

/** An event's cursor: opaque to clients, the ledger entry's seq inside (events are ordered by time, then seq). */
export function timelineCursor(seq: number): string {
  return Buffer.from(`seq:${seq}`).toString('base64url');
}

/** The seq a cursor names; BAD_USER_INPUT naming `after` when it is not one this service gave. */
export function timelineCursorSeq(cursor: string): number {
  const match = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match || timelineCursor(Number(match[1])) !== cursor) {
    throw new DomainError('INVALID_INPUT', 'after must be the cursor of an event of this timeline, as a previous page gave it');
  }
  return Number(match[1]);
}

/** How many events a page holds: `first` (the default when absent), refused outside 1..TIMELINE_MAX_PAGE. */
export function timelinePageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return TIMELINE_DEFAULT_PAGE;
  if (!Number.isInteger(first) || first < 1 || first > TIMELINE_MAX_PAGE) {
    throw new DomainError('INVALID_RANGE', `first must be from 1 to ${TIMELINE_MAX_PAGE}, got ${first}: page through the timeline with after`);
  }
  return first;
}

/**
 * The page of `size` events after the one with seq `afterSeq` (from the start when null), if the story's
 * first events `head` (of `total` in all) hold all of it; null when it must be read from the database.
 */
export function pageWithinHead<E extends { seq: number }>(head: readonly E[], total: number, size: number, afterSeq: number | null): E[] | null {
  const start = afterSeq === null ? 0 : head.findIndex((e) => e.seq === afterSeq) + 1;
  if (start === 0 && afterSeq !== null) return null; // not among the head: the database knows whether it is a cursor at all
  const whole = head.length >= total;
  return whole || start + size <= head.length ? head.slice(start, start + size) : null;
}
