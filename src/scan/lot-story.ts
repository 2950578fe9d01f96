import { TIMELINE_HEAD } from './timeline-page.js';

/**
 * A lot's story as its page and scan summarize it, kept per batch so that reading it costs what changed
 * since it was kept, not the whole history (docs/benchmarks.md, "Costs that do not grow with history").
 * Pure: the fold of a batch's new entries into its kept summary, and the merge of the summaries of a lot
 * and of every batch it was made from into what the page and the scan show. Both must give exactly what
 * reading every event gives (scan.repository.ts orders events by time, then seq); lot-story.spec.ts
 * checks them against that.
 */

/** Newest events among the page's key steps, besides the first event of each kind. */
export const NEWEST_KEY_STEPS = 10;

/** One event as the summary keeps it: enough to order it and to read it again by its seq. */
export interface StoryEvent {
  seq: number;
  /** The event's time in microseconds since 1970 (PostgreSQL's precision, exact in a double). */
  at: number;
  step: string;
}

/** What is kept of one batch's own story: counts, and the few events a page or scan may show. */
export interface LotStory {
  /** The sizes the lists were kept at: a summary kept at other sizes is folded again from the start. */
  sizes: { head: number; newest: number };
  eventCount: number;
  stepCounts: Record<string, number>;
  /** The first event of each kind. */
  firsts: StoryEvent[];
  /** The newest NEWEST_KEY_STEPS events, newest first. */
  newest: StoryEvent[];
  /** The first TIMELINE_HEAD events, oldest first. */
  head: StoryEvent[];
  inspections: { total: number; failed: number; latest: { seq: number; verdict: Verdict } | null };
}

export type Verdict = 'PASS' | 'FAIL';

/** An event entry of the batch after the kept summary (its inspection verdict when it records one). */
export interface StoryEntry extends StoryEvent {
  verdict: Verdict | null;
}

/** An event of the lot's story and the batch whose chain holds it (the lot's own or one it was made from). */
export interface StoryEventOf extends StoryEvent {
  batchId: string;
}

/** What the page and the scan show of a lot's whole story (its own and its sources'). */
export interface MergedStory {
  eventCount: number;
  /** Most first, then by step. */
  stepCounts: { bizStep: string; count: number }[];
  /** The first event of each kind and the newest NEWEST_KEY_STEPS, oldest first. */
  keySteps: StoryEventOf[];
  /** The first TIMELINE_HEAD events, oldest first. */
  head: StoryEventOf[];
  inspections: { total: number; failed: number; latest: Verdict | null };
}

const byTime = (a: StoryEvent, b: StoryEvent) => a.at - b.at || a.seq - b.seq;
const newestFirst = (a: StoryEvent, b: StoryEvent) => byTime(b, a);
const slim = ({ seq, at, step }: StoryEvent): StoryEvent => ({ seq, at, step });

export function emptyStory(): LotStory {
  return {
    sizes: { head: TIMELINE_HEAD, newest: NEWEST_KEY_STEPS },
    eventCount: 0,
    stepCounts: {},
    firsts: [],
    newest: [],
    head: [],
    inspections: { total: 0, failed: 0, latest: null },
  };
}

/** Whether a kept summary was kept at the sizes this code shows. */
export function keptAtCurrentSizes(story: LotStory): boolean {
  return story.sizes?.head === TIMELINE_HEAD && story.sizes?.newest === NEWEST_KEY_STEPS;
}

/** `story` with `entries` (the batch's event entries after it, in seq order) folded in; `story` is not changed. */
export function foldStory(story: LotStory, entries: readonly StoryEntry[]): LotStory {
  if (entries.length === 0) return story;
  const stepCounts = { ...story.stepCounts };
  const firsts = new Map(story.firsts.map((e) => [e.step, e]));
  let newest = story.newest;
  let head = story.head;
  let { total, failed, latest } = story.inspections;
  for (const entry of entries) {
    const e = slim(entry);
    stepCounts[e.step] = (stepCounts[e.step] ?? 0) + 1;
    const first = firsts.get(e.step);
    if (!first || byTime(e, first) < 0) firsts.set(e.step, e);
    if (newest.length < NEWEST_KEY_STEPS || newestFirst(e, newest.at(-1)!) < 0) newest = [...newest, e].sort(newestFirst).slice(0, NEWEST_KEY_STEPS);
    if (head.length < TIMELINE_HEAD || byTime(e, head.at(-1)!) < 0) head = [...head, e].sort(byTime).slice(0, TIMELINE_HEAD);
    if (entry.verdict) {
      total += 1;
      if (entry.verdict === 'FAIL') failed += 1;
      if (!latest || entry.seq > latest.seq) latest = { seq: entry.seq, verdict: entry.verdict };
    }
  }
  return {
    sizes: story.sizes,
    eventCount: story.eventCount + entries.length,
    stepCounts,
    firsts: [...firsts.values()].sort(byTime),
    newest,
    head,
    inspections: { total, failed, latest },
  };
}

/** The story of a lot from its own summary and those of the batches it was made from (each batch once). */
export function mergeStories(parts: readonly { batchId: string; story: LotStory }[]): MergedStory {
  const of = (batchId: string) => (e: StoryEvent) => ({ ...e, batchId });
  const counts = new Map<string, number>();
  const firsts = new Map<string, StoryEventOf>();
  const newest: StoryEventOf[] = [];
  const head: StoryEventOf[] = [];
  const inspections = { total: 0, failed: 0, latest: null as { seq: number; verdict: Verdict } | null };
  let eventCount = 0;
  for (const { batchId, story } of parts) {
    eventCount += story.eventCount;
    for (const [step, n] of Object.entries(story.stepCounts)) counts.set(step, (counts.get(step) ?? 0) + n);
    for (const e of story.firsts.map(of(batchId))) {
      const first = firsts.get(e.step);
      if (!first || byTime(e, first) < 0) firsts.set(e.step, e);
    }
    newest.push(...story.newest.map(of(batchId)));
    head.push(...story.head.map(of(batchId)));
    inspections.total += story.inspections.total;
    inspections.failed += story.inspections.failed;
    const latest = story.inspections.latest;
    if (latest && (!inspections.latest || latest.seq > inspections.latest.seq)) inspections.latest = latest;
  }
  const keySteps = new Map<number, StoryEventOf>([...firsts.values()].map((e) => [e.seq, e]));
  for (const e of newest.sort(newestFirst).slice(0, NEWEST_KEY_STEPS)) keySteps.set(e.seq, e);
  return {
    eventCount,
    // In code-point order, as the database's C collation orders them (the whole-story read sorts in SQL).
    stepCounts: [...counts].map(([bizStep, count]) => ({ bizStep, count })).sort((a, b) => b.count - a.count || (a.bizStep < b.bizStep ? -1 : 1)),
    keySteps: [...keySteps.values()].sort(byTime),
    head: head.sort(byTime).slice(0, TIMELINE_HEAD),
    inspections: { total: inspections.total, failed: inspections.failed, latest: inspections.latest?.verdict ?? null },
  };
}
