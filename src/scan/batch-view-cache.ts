import type { TouchedBatches } from '../ledger/ledger-writer.js';

/** How many recent changes are remembered to check a view that was being read while they came. */
const HISTORY = 1000;
/** How many keys read once are remembered, so that a second read keeps the view. */
const SEEN_ONCE = 10_000;

interface Cached<V> {
  value: V;
  dependsOn: readonly string[];
  storedAt: number;
  weight: number;
}

/**
 * Views of batches (a scan's public story), each kept until the ledger touches one of the batches it
 * was read from, for at most `maxAgeMs`, and while their weights (rows held: `weigh` says how many a
 * view has) add up to at most `capacity`; the least recently used go first.
 *
 * A view read from the database while a change to its batches committed may already be stale when it
 * is stored, so a read starts with `mark()` and `set` refuses a view that a change since then touched
 * (or that happened too long ago to tell).
 */
export class BatchViewCache<V> {
  private readonly entries = new Map<string, Cached<V>>();
  /** Batch id → keys of the views read from it. */
  private readonly dependents = new Map<string, Set<string>>();
  private generation = 0;
  private weight = 0;
  /** The newest changes, oldest first; changes[i] was generation `generation - changes.length + 1 + i`. */
  private readonly changes: TouchedBatches[] = [];
  /**
   * Keys read once and not kept: a view is kept from its second read on. Most lots are scanned once or
   * twice and a few very often; keeping every first read filled the cache with views never asked for
   * again, and evicting them made old-generation garbage.
   */
  private readonly seenOnce = new Set<string>();
  /**
   * Reads under way, by key, with the generation they started at. A popular lot whose view expired or was
   * touched is asked for by many phones at once: they share one read (for a lot of 10,000 events, one
   * that hashes its whole chain) instead of each starting its own and exhausting the database's connections.
   */
  private readonly reading = new Map<string, { generation: number; read: Promise<{ value: V; dependsOn: readonly string[] } | null> }>();

  /** `live()` says whether changes are being heard: while they are not, nothing is served or kept. */
  constructor(
    private readonly capacity: number,
    private readonly maxAgeMs: number,
    private readonly live: () => boolean,
    private readonly weigh: (value: V) => number = () => 1,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The view kept under `key`, or the one `read` gets from the database (kept from the key's second read on, unless a change overtook it).
   * `mark`: when what `read` builds on was read before this call (a page rendered from a view), the mark taken before that.
   */
  async through(key: string, read: () => Promise<{ value: V; dependsOn: readonly string[] } | null>, mark = this.mark()): Promise<V | null> {
    const live = this.live();
    const cached = live ? this.get(key) : undefined;
    if (cached !== undefined) return cached;
    // Joined only when nothing changed since what it builds on was read: a read after this process's own write must see that write.
    const under = this.reading.get(key);
    if (live && under && under.generation === this.generation) return (await under.read)?.value ?? null;
    const started = { generation: mark, read: read() };
    if (live) this.reading.set(key, started);
    let fresh: Awaited<typeof started.read>;
    try {
      fresh = await started.read;
    } finally {
      if (this.reading.get(key) === started) this.reading.delete(key);
    }
    if (fresh && live && this.live() && this.seenBefore(key)) this.set(key, fresh.value, fresh.dependsOn, mark);
    return fresh?.value ?? null;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    const cached = this.entries.get(key);
    if (!cached) return undefined;
    if (this.now() - cached.storedAt > this.maxAgeMs) {
      this.delete(key);
      return undefined;
    }
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.entries.delete(key);
    this.entries.set(key, cached);
    return cached.value;
  }

  /** Call before reading a view from the database; pass the result to `set`. */
  mark(): number {
    return this.generation;
  }

  set(key: string, value: V, dependsOn: readonly string[], mark: number): void {
    const weight = this.weigh(value);
    if (weight > this.capacity || this.touchedSince(mark, dependsOn)) return;
    this.delete(key);
    this.entries.set(key, { value, dependsOn, storedAt: this.now(), weight });
    this.weight += weight;
    for (const id of dependsOn) {
      const keys = this.dependents.get(id) ?? new Set<string>();
      keys.add(key);
      this.dependents.set(id, keys);
    }
    while (this.weight > this.capacity) this.delete(this.entries.keys().next().value as string);
  }

  /** Drops every view read from a touched batch. */
  invalidate(touched: TouchedBatches): void {
    this.generation += 1;
    this.changes.push(touched);
    if (this.changes.length > HISTORY) this.changes.shift();
    // A view dropped here was asked for twice already: its next read is kept at once.
    if (touched === 'all') {
      for (const key of this.entries.keys()) this.rememberRead(key);
      this.entries.clear();
      this.dependents.clear();
      this.weight = 0;
      return;
    }
    for (const id of touched) {
      for (const key of this.dependents.get(id) ?? []) {
        this.delete(key);
        this.rememberRead(key);
      }
    }
  }

  private seenBefore(key: string): boolean {
    if (this.seenOnce.delete(key)) return true;
    this.rememberRead(key);
    return false;
  }

  private rememberRead(key: string): void {
    if (this.seenOnce.size >= SEEN_ONCE) this.seenOnce.clear();
    this.seenOnce.add(key);
  }

  private touchedSince(mark: number, dependsOn: readonly string[]): boolean {
    const missed = this.generation - mark;
    if (missed === 0) return false;
    if (missed > this.changes.length) return true;
    return this.changes.slice(-missed).some((touched) => touched === 'all' || dependsOn.some((id) => touched.has(id)));
  }

  private delete(key: string): void {
    const cached = this.entries.get(key);
    if (!cached) return;
    this.entries.delete(key);
    this.weight -= cached.weight;
    for (const id of cached.dependsOn) {
      const keys = this.dependents.get(id);
      keys?.delete(key);
      if (keys?.size === 0) this.dependents.delete(id);
    }
  }
}
