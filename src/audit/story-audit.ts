import { canonicalJson } from '../ledger/canonical-json.js';
import { emptyStory, foldStory, keptAtCurrentSizes, LotStory, StoryEntry } from '../scan/lot-story.js';
import type { AuditTally, ColumnValue, Disagreement } from './projection-replay.js';

/**
 * The kept lot stories (batch_story, src/scan/lot-story.ts) against the ledger: each row's story folded
 * again from its batch's entries up to its `through_seq`, and its checked point against the entry it
 * names. A row may be behind the ledger (its readers fold in the rest) or missing; it may not say what
 * the ledger does not. Pure, streamed as the other tables are (projection-replay.ts).
 */

/** A row of batch_story. */
export interface KeptStoryRow {
  batchId: string;
  throughSeq: number;
  story: LotStory;
  verifiedSeq: number | null;
  verifiedHash: string | null;
  verifiedEntries: number | null;
}

/** An entry of a batch that has a kept story: its hash, and what its story keeps of it when it is an event. */
export interface StoryLedgerEntry {
  batchId: string;
  seq: number;
  hash: string;
  event: StoryEntry | null;
}

const STORY_MEMBERS = ['eventCount', 'stepCounts', 'firsts', 'newest', 'head', 'inspections'] as const;

/** Rows and entries both ordered by batch id (entries then by seq), merged as they stream. */
export async function auditStories(rows: AsyncIterable<KeptStoryRow>, entries: AsyncIterable<StoryLedgerEntry>, tally: AuditTally): Promise<void> {
  const entryIt = entries[Symbol.asyncIterator]();
  let entry = await nextOf(entryIt);
  for await (const row of rows) {
    while (entry && entry.batchId < row.batchId) entry = await nextOf(entryIt);
    const own: StoryLedgerEntry[] = [];
    for (; entry && entry.batchId === row.batchId; entry = await nextOf(entryIt)) own.push(entry);
    tally.compared(storyDisagreement(row, own));
  }
}

/** The first thing a kept story says that its batch's entries (`own`, in seq order) do not; null when it agrees. */
export function storyDisagreement(row: KeptStoryRow, own: readonly StoryLedgerEntry[]): Disagreement | null {
  const differs = (column: string, ledgerValue: ColumnValue, tableValue: ColumnValue, seq: number | null): Disagreement => ({
    table: 'batch_story',
    id: row.batchId,
    column,
    ledgerValue,
    tableValue,
    seq,
    reason: `batch_story ${row.batchId} ${column}: the ledger says ${JSON.stringify(ledgerValue)}, the table says ${JSON.stringify(tableValue)}`,
  });
  const newest = own.at(-1)?.seq ?? null;
  if (newest === null || row.throughSeq > newest) return differs('through_seq', newest, row.throughSeq, newest);
  // A story kept at other sizes is folded again by every read, whatever it says.
  if (keptAtCurrentSizes(row.story)) {
    const expected = foldStory(
      emptyStory(),
      own.flatMap((e) => (e.event && e.seq <= row.throughSeq ? [e.event] : [])),
    );
    for (const member of STORY_MEMBERS) {
      const [ledgerValue, tableValue] = [canonicalJson(expected[member]), canonicalJson(row.story[member] ?? null)];
      if (ledgerValue !== tableValue) return differs(`story.${member}`, ledgerValue, tableValue, row.throughSeq);
    }
  }
  if (row.verifiedSeq !== null) {
    const upTo = own.filter((e) => e.seq <= row.verifiedSeq!);
    const named = upTo.at(-1);
    if (named?.seq !== row.verifiedSeq) return differs('verified_seq', named?.seq ?? null, row.verifiedSeq, named?.seq ?? null);
    if (named.hash !== row.verifiedHash) return differs('verified_hash', named.hash, row.verifiedHash, named.seq);
    if (upTo.length !== row.verifiedEntries) return differs('verified_entries', upTo.length, row.verifiedEntries, named.seq);
  }
  return null;
}

async function nextOf<T>(it: AsyncIterator<T>): Promise<T | null> {
  const step = await it.next();
  return step.done ? null : step.value;
}
