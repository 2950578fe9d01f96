import { describe, expect, it } from '@jest/globals';
import { emptyStory, foldStory, keptAtCurrentSizes, mergeStories, NEWEST_KEY_STEPS, StoryEntry } from './lot-story.js';
import { TIMELINE_HEAD } from './timeline-page.js';

const STEPS = ['COMMISSIONING', 'STORING', 'SHIPPING', 'RECEIVING', 'INSPECTING', 'RETAIL_SELLING', 'RECALLING'];

/** A small seeded generator, so a failure names a case that can be run again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Events of several batches, in seq order, with times out of order and ties (events recorded late, the same minute twice). */
function storyOf(seed: number, batches: string[], count: number): (StoryEntry & { batchId: string })[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const step = STEPS[Math.floor(next() * STEPS.length)];
    const verdict = step === 'INSPECTING' ? (next() < 0.3 ? 'FAIL' : 'PASS') : null;
    return { batchId: batches[Math.floor(next() * batches.length)], seq: i + 1, at: Math.floor(next() * 50) * 60_000_000, step, verdict };
  });
}

/** What reading every event gives (scan.repository.ts before the summary): the reference the summary must equal. */
function wholeStoryRead(events: (StoryEntry & { batchId: string })[]) {
  const byTime = [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const firsts = STEPS.flatMap((step) => byTime.filter((e) => e.step === step).slice(0, 1));
  const newest = [...byTime].reverse().slice(0, NEWEST_KEY_STEPS);
  const keySeqs = new Set([...firsts, ...newest].map((e) => e.seq));
  const counts = STEPS.map((bizStep) => ({ bizStep, count: events.filter((e) => e.step === bizStep).length })).filter((c) => c.count > 0);
  const inspected = events.filter((e) => e.verdict);
  return {
    eventCount: events.length,
    stepCounts: counts.sort((a, b) => b.count - a.count || (a.bizStep < b.bizStep ? -1 : 1)),
    keySteps: byTime.filter((e) => keySeqs.has(e.seq)).map(({ batchId, seq, at, step }) => ({ batchId, seq, at, step })),
    head: byTime.slice(0, TIMELINE_HEAD).map(({ batchId, seq, at, step }) => ({ batchId, seq, at, step })),
    inspections: {
      total: inspected.length,
      failed: inspected.filter((e) => e.verdict === 'FAIL').length,
      latest: inspected.at(-1)?.verdict ?? null,
    },
  };
}

/** Each batch's summary kept after a random split of its entries into folds, as refreshes at random moments would keep it. */
function keptInFolds(seed: number, events: (StoryEntry & { batchId: string })[], batches: string[]) {
  const next = random(seed + 1);
  return batches.map((batchId) => {
    const own = events.filter((e) => e.batchId === batchId);
    let story = emptyStory();
    for (let from = 0; from < own.length;) {
      const to = from + 1 + Math.floor(next() * 40);
      story = foldStory(JSON.parse(JSON.stringify(story)), own.slice(from, to));
      from = to;
    }
    return { batchId, story };
  });
}

describe('a lot story kept as a summary', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('equals reading every event, folded at random points and merged over the lot and its sources (seed %i)', (seed) => {
    const batches = ['lot', 'source-a', 'source-b'].slice(0, 1 + (seed % 3));
    const events = storyOf(seed, batches, 30 + seed * 60);
    expect(mergeStories(keptInFolds(seed, events, batches))).toEqual(wholeStoryRead(events));
  });

  it('keeps a bounded summary however long the story', () => {
    const events = storyOf(42, ['lot'], 10_000);
    const story = foldStory(emptyStory(), events);
    expect(story.eventCount).toBe(10_000);
    expect(story.head).toHaveLength(TIMELINE_HEAD);
    expect(story.newest).toHaveLength(NEWEST_KEY_STEPS);
    expect(story.firsts.length).toBeLessThanOrEqual(STEPS.length);
    expect(JSON.stringify(story).length).toBeLessThan(10_000);
  });

  it('leaves the kept summary as it was, and knows a summary kept at other sizes', () => {
    const kept = foldStory(emptyStory(), storyOf(9, ['lot'], 20));
    const copy = JSON.parse(JSON.stringify(kept));
    foldStory(kept, storyOf(10, ['lot'], 20));
    expect(kept).toEqual(copy);
    expect(keptAtCurrentSizes(kept)).toBe(true);
    expect(keptAtCurrentSizes({ ...kept, sizes: { head: 50, newest: NEWEST_KEY_STEPS } })).toBe(false);
  });
});
