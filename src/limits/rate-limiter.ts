/**
 * Token buckets, one per client: each holds up to `perMinute` requests and refills at that rate, so a
 * client may burst up to a minute's allowance and then goes at the steady rate. In memory, per
 * process: with several processes a client gets each one's allowance.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    /** Buckets kept at most; past it, full ones (idle clients) are forgotten. */
    private readonly maxClients = 100_000,
  ) {}

  /** Takes one request from the client's bucket: 0 when allowed, else the seconds until one is. */
  take(client: string, nowMs: number): number {
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(client) ?? { tokens: this.perMinute, at: nowMs };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (nowMs - bucket.at) * ratePerMs);
    bucket.at = nowMs;
    if (!this.buckets.has(client)) {
      if (this.buckets.size >= this.maxClients) this.forgetIdle(nowMs);
      this.buckets.set(client, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / ratePerMs / 1000);
  }

  private forgetIdle(nowMs: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (nowMs - bucket.at) * (this.perMinute / 60_000) >= this.perMinute) this.buckets.delete(client);
    }
  }
}
