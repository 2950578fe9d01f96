/**
 * Work for many endpoints at once, one item at a time per endpoint, so a slow endpoint delays only
 * its own items.
 *
 * - Items of one endpoint MUST run one after another, in the order they were added.
 * - At most `maxEndpoints` endpoints hold work at once (and so at most that many items run at once);
 *   a caller asks `freeEndpoints()` and `busyEndpoints()` before adding, and `add` refuses more.
 * - An endpoint holds at most `maxPerEndpoint` items; `add` refuses more.
 * - `stop()` aborts the items running (their signal fires) and returns those never started.
 */
export class EndpointQueues<T> {
  private readonly queues = new Map<string, T[]>();
  private readonly running = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();

  constructor(
    private readonly maxEndpoints: number,
    private readonly maxPerEndpoint: number,
    private readonly run: (item: T, stopped: AbortSignal) => Promise<void>,
  ) {}

  /** Endpoints with work queued or running: add nothing for them until they are done. */
  busyEndpoints(): string[] {
    return [...this.queues.keys()];
  }

  /** How many more endpoints may be given work now. */
  freeEndpoints(): number {
    return this.shutdown.signal.aborted ? 0 : this.maxEndpoints - this.queues.size;
  }

  /** Queues an idle endpoint's items (in order) and starts on them. */
  add(endpoint: string, items: T[]): void {
    if (this.queues.has(endpoint)) throw new Error(`endpoint ${endpoint} already has work`);
    if (this.freeEndpoints() <= 0) throw new Error('no endpoint slot is free');
    if (items.length > this.maxPerEndpoint) throw new Error(`${items.length} items for one endpoint; at most ${this.maxPerEndpoint}`);
    if (items.length === 0) return;
    this.queues.set(endpoint, [...items]);
    const worker = this.drain(endpoint).finally(() => this.running.delete(worker));
    this.running.add(worker);
  }

  /** Aborts the items running, waits for them to settle, and returns the items that never started. */
  async stop(): Promise<T[]> {
    this.shutdown.abort();
    const unstarted = [...this.queues.values()].flatMap((queue) => queue.splice(0));
    await Promise.all(this.running);
    return unstarted;
  }

  /** Resolves once nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private async drain(endpoint: string): Promise<void> {
    const queue = this.queues.get(endpoint)!;
    try {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        // `run` records its own outcome; one item's failure never stops the endpoint's next.
        await this.run(item, this.shutdown.signal).catch(() => undefined);
      }
    } finally {
      this.queues.delete(endpoint);
    }
  }
}
