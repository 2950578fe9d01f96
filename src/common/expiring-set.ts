/**
 * A set whose members are forgotten `ttlMs` after they were added, holding at most `maxSize`: past it
 * the oldest member goes, so no input (random keys, many addresses) makes it grow without bound.
 */
export class ExpiringSet<T> {
  /** Insertion order is age order: Map iterates oldest first. */
  private readonly expiries = new Map<T, number>();

  constructor(
    private readonly maxSize: number,
    private readonly ttlMs: number,
  ) {}

  has(member: T, nowMs: number): boolean {
    const expires = this.expiries.get(member);
    if (expires === undefined) return false;
    if (expires > nowMs) return true;
    this.expiries.delete(member);
    return false;
  }

  add(member: T, nowMs: number): void {
    // Re-adding moves the member to the young end.
    this.expiries.delete(member);
    while (this.expiries.size >= this.maxSize) this.expiries.delete(this.expiries.keys().next().value as T);
    this.expiries.set(member, nowMs + this.ttlMs);
  }

  get size(): number {
    return this.expiries.size;
  }
}
