import { describe, expect, it } from '@jest/globals';
import { emptyStory, foldStory, StoryEntry } from '../scan/lot-story.js';
import { KeptStoryRow, StoryLedgerEntry, storyDisagreement } from './story-audit.js';

const BATCH = '0b6f7c1e-8a2d-4c3b-9e4f-5a6b7c8d9e0f';
const event = (seq: number, step: string, verdict: 'PASS' | 'FAIL' | null = null): StoryEntry => ({ seq, at: (1000 - seq) * 60_000_000, step, verdict });
/** A batch's entries: its registration, events, readings (not events) and an inspection. */
const own: StoryLedgerEntry[] = [
  { batchId: BATCH, seq: 3, hash: 'a'.repeat(64), event: event(3, 'COMMISSIONING') },
  { batchId: BATCH, seq: 7, hash: 'b'.repeat(64), event: event(7, 'STORING') },
  { batchId: BATCH, seq: 9, hash: 'c'.repeat(64), event: null },
  { batchId: BATCH, seq: 12, hash: 'd'.repeat(64), event: event(12, 'INSPECTING', 'FAIL') },
];
const kept = (through: number, over: Partial<KeptStoryRow> = {}): KeptStoryRow => ({
  batchId: BATCH,
  throughSeq: through,
  story: foldStory(
    emptyStory(),
    own.flatMap((e) => (e.event && e.seq <= through ? [e.event] : [])),
  ),
  verifiedSeq: 9,
  verifiedHash: 'c'.repeat(64),
  verifiedEntries: 3,
  ...over,
});

describe('a kept lot story against its batch entries', () => {
  it('agrees when kept through the newest entry or behind it (its readers fold the rest in)', () => {
    expect(storyDisagreement(kept(12), own)).toBeNull();
    expect(storyDisagreement(kept(9), own)).toBeNull();
    expect(storyDisagreement(kept(9, { verifiedSeq: null, verifiedHash: null, verifiedEntries: null }), own)).toBeNull();
  });

  it('names a story that differs from the fold of its entries, member by member', () => {
    const story = kept(12).story;
    expect(storyDisagreement(kept(12, { story: { ...story, eventCount: 2 } }), own)).toMatchObject({
      column: 'story.eventCount',
      ledgerValue: '3',
      tableValue: '2',
      seq: 12,
    });
    const failed = { ...story, inspections: { ...story.inspections, failed: 0 } };
    expect(storyDisagreement(kept(12, { story: failed }), own)).toMatchObject({ table: 'batch_story', id: BATCH, column: 'story.inspections' });
    // Kept through 9 but saying what entry 12 says.
    expect(storyDisagreement(kept(9, { story }), own)).toMatchObject({ column: 'story.eventCount' });
  });

  it('names a row ahead of its batch (reads would skip what comes next) and a checked point the entries do not back', () => {
    expect(storyDisagreement(kept(13), own)).toMatchObject({ column: 'through_seq', ledgerValue: 12, tableValue: 13 });
    expect(storyDisagreement(kept(12), [])).toMatchObject({ column: 'through_seq', ledgerValue: null });
    expect(storyDisagreement(kept(12, { verifiedSeq: 8 }), own)).toMatchObject({ column: 'verified_seq', ledgerValue: 7, tableValue: 8 });
    expect(storyDisagreement(kept(12, { verifiedHash: 'e'.repeat(64) }), own)).toMatchObject({ column: 'verified_hash', ledgerValue: 'c'.repeat(64) });
    expect(storyDisagreement(kept(12, { verifiedEntries: 4 }), own)).toMatchObject({ column: 'verified_entries', ledgerValue: 3, tableValue: 4 });
  });
});
