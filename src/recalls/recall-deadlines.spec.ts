import { describe, expect, it } from '@jest/globals';
import { recallDeadlines } from './recall-deadlines.js';

describe('recall deadlines', () => {
  // Monday 2026-09-28 10:00 in China.
  const monday = new Date('2026-09-28T02:00:00.000Z');

  it('starts within 24/48/72 hours by level', () => {
    expect(recallDeadlines('LEVEL_1', monday, new Set()).startBy.toISOString()).toBe('2026-09-29T02:00:00.000Z');
    expect(recallDeadlines('LEVEL_3', monday, new Set()).startBy.toISOString()).toBe('2026-10-01T02:00:00.000Z');
  });

  it('completes within working days, skipping weekends and holidays, at the end of the day in China', () => {
    // 10 working days after Monday 28 Sep: Tue 29 … Fri 2 Oct (4), Mon 5 … Fri 9 (9), Mon 12 Oct (10).
    expect(recallDeadlines('LEVEL_1', monday, new Set()).completeBy.toISOString()).toBe('2026-10-12T15:59:59.999Z');
    // With the National Day holidays 1–7 October, the count resumes on Thursday 8 October.
    const nationalDay = new Set(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']);
    // Tue 29, Wed 30 (2), Thu 8, Fri 9 (4), Mon 12 … Fri 16 (9), Mon 19 (10).
    expect(recallDeadlines('LEVEL_1', monday, nationalDay).completeBy.toISOString()).toBe('2026-10-19T15:59:59.999Z');
  });
});
