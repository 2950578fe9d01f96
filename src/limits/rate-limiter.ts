/**
 * Token buckets, one per client: each holds up to `perMinute` requests and refills at that rate, so a
 * client may burst up to a minute's allowance and then goes at the steady rate. In memory, per
 * process: with several processes a client gets each one's allowance.
 */
export class RateLimiter {
  /** Insertion order is the order clients were first seen: the eldest are forgotten first when full. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    /** Buckets kept at most, whatever the clients (random keys, spoofed or many addresses) send. */
    private readonly maxClients = 100_000,
  ) {}

  /** Takes one request from the client's bucket: 0 when allowed, else the seconds until one is. */
  take(client: string, nowMs: number): number {
    const bucket = this.refilled(client, nowMs);
    if (!this.buckets.has(client)) {
      if (this.buckets.size >= this.maxClients) this.makeRoom(nowMs);
      this.buckets.set(client, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return this.secondsUntilOne(bucket);
  }

  /** Gives back one request taken in advance (for work that turned out to be someone else's to pay). */
  refund(client: string): void {
    const bucket = this.buckets.get(client);
    if (bucket) bucket.tokens = Math.min(this.perMinute, bucket.tokens + 1);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(client: string, nowMs: number): { tokens: number; at: number } {
    const bucket = this.buckets.get(client) ?? { tokens: this.perMinute, at: nowMs };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (nowMs - bucket.at) * this.ratePerMs);
    bucket.at = nowMs;
    return bucket;
  }

  private get ratePerMs(): number {
    return this.perMinute / 60_000;
  }

  private secondsUntilOne(bucket: { tokens: number }): number {
    return Math.ceil((1 - bucket.tokens) / this.ratePerMs / 1000);
  }

  /**
   * Forgets the clients whose buckets have refilled (they lose nothing); if all are still in use, the
   * eldest tenth: their clients start again with a full bucket, the price of a bounded memory.
   */
  private makeRoom(nowMs: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (nowMs - bucket.at) * this.ratePerMs >= this.perMinute) this.buckets.delete(client);
    }
    if (this.buckets.size < this.maxClients) return;
    let excess = this.buckets.size - this.maxClients + Math.ceil(this.maxClients / 10);
    for (const client of this.buckets.keys()) {
      if (excess-- <= 0) break;
      this.buckets.delete(client);
    }
  }
}
