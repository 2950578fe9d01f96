import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { pageWithinHead, TIMELINE_DEFAULT_PAGE, TIMELINE_MAX_PAGE, timelineCursor, timelineCursorSeq, timelinePageSize } from './timeline-page.js';

const events = (seqs: number[]) => seqs.map((seq) => ({ seq }));

describe('timeline pages', () => {
  it('gives cursors that read back to their seq, and refuses anything else naming after', () => {
    expect(timelineCursorSeq(timelineCursor(65_123))).toBe(65_123);
    const encoded = (text: string) => Buffer.from(text).toString('base64url');
    for (const bad of ['', '42', 'seq:42', encoded('seq:-1'), encoded('seq:4x'), encoded('seq:07'), `${timelineCursor(7)}=`]) {
      expect(() => timelineCursorSeq(bad)).toThrow(
        new DomainError('INVALID_INPUT', 'after must be the cursor of an event of this timeline, as a previous page gave it'),
      );
    }
  });

  it('takes first from 1 to the maximum, the default when absent, and refuses others naming first', () => {
    expect(timelinePageSize(undefined)).toBe(TIMELINE_DEFAULT_PAGE);
    expect(timelinePageSize(null)).toBe(TIMELINE_DEFAULT_PAGE);
    expect(timelinePageSize(1)).toBe(1);
    expect(timelinePageSize(TIMELINE_MAX_PAGE)).toBe(TIMELINE_MAX_PAGE);
    for (const bad of [0, -1, TIMELINE_MAX_PAGE + 1, 2.5]) {
      expect(() => timelinePageSize(bad)).toThrow(/^first must be from 1 to 500, got /);
    }
  });

  it('serves a page from the kept head only when the head holds all of it', () => {
    const head = events([3, 5, 8, 9]);
    // A head of 4 events of a story of 10.
    expect(pageWithinHead(head, 10, 2, null)).toEqual(events([3, 5]));
    expect(pageWithinHead(head, 10, 2, 5)).toEqual(events([8, 9]));
    expect(pageWithinHead(head, 10, 3, 5)).toBeNull();
    expect(pageWithinHead(head, 10, 5, null)).toBeNull();
    expect(pageWithinHead(head, 10, 1, 9)).toBeNull();
    expect(pageWithinHead(head, 10, 1, 42)).toBeNull();
    // The whole story: any page is in it, the one after the last is empty.
    expect(pageWithinHead(head, 4, 100, null)).toEqual(head);
    expect(pageWithinHead(head, 4, 100, 8)).toEqual(events([9]));
    expect(pageWithinHead(head, 4, 100, 9)).toEqual([]);
    expect(pageWithinHead(head, 4, 100, 42)).toBeNull();
  });
});
