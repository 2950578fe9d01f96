/**
 * Group commit, knowing nothing of what is written: callers queue items and get a promise each; the
 * queue hands them to one `write` function in groups, so under load many items share one commit.
 *
 * The queue:
 * - MUST hand `write` at most one group at a time: a group is written only after the previous one's
 *   `write` has settled, so `write` may keep state between groups without locks.
 * - MUST form groups in arrival order, each of at most `maxGroupSize` items.
 * - MUST settle every item's promise: one that `write` leaves unanswered is rejected, and when `write`
 *   throws, every unanswered item of its group is rejected with that error.
 * - MUST NOT drop or reorder items, and MUST NOT wait for more items to arrive: a group is whatever
 *   queued while the previous group was being written (one item when idle).
 * - MUST resolve `whenIdle()` only once every item queued so far has been answered.
 *
 * `write`:
 * - MUST answer each item of its group with `resolve` or `reject` (once; later calls are ignored).
 * - MUST NOT call back into the queue to wait for its own group (that would wait for ever).
 */
export interface Queued<T> {
  readonly item: T;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export type WriteGroup<T> = (group: Queued<T>[]) => Promise<void>;

export class GroupCommitQueue<T> {
  private readonly waiting: Queued<T>[] = [];
  private draining = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  constructor(
    private readonly write: WriteGroup<T>,
    private readonly maxGroupSize: number,
  ) {
    if (!(maxGroupSize >= 1)) throw new Error(`maxGroupSize must be at least 1 (got ${maxGroupSize})`);
  }

  /** Queues `item`; the promise settles as `write` answers it. */
  add<R>(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push(answerOnce(item, resolve as (value: unknown) => void, reject));
      if (!this.draining) void this.drain();
    });
  }

  /** Resolves once every item queued so far has been answered (graceful shutdown). */
  whenIdle(): Promise<void> {
    return this.draining ? this.idle : Promise.resolve();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    this.idle = new Promise((resolve) => (this.markIdle = resolve));
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, this.maxGroupSize);
        try {
          await this.write(group);
        } catch (err) {
          for (const queued of group) queued.reject(err);
        }
        for (const queued of group) queued.reject(new Error('the group writer left this item unanswered'));
      }
    } finally {
      this.draining = false;
      this.markIdle();
    }
  }
}

/** An item whose promise settles on the first answer only, so the queue can answer whatever `write` left. */
function answerOnce<T>(item: T, resolve: (value: unknown) => void, reject: (error: unknown) => void): Queued<T> {
  let answered = false;
  return {
    item,
    resolve: (value) => {
      if (answered) return;
      answered = true;
      resolve(value);
    },
    reject: (error) => {
      if (answered) return;
      answered = true;
      reject(error);
    },
  };
}
