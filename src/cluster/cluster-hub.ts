import type { AppConfig } from '../config/config.js';
import { RateLimiter } from '../limits/rate-limiter.js';
import { ScanClients, TRACKED_CLIENTS_PER_DAY } from '../scan/scan-clients.js';
import type { CounterName, LimiterName, PrimaryMessage, WorkerMessage } from './cluster-messages.js';

type LimitConfig = Pick<AppConfig, 'rateLimitPerKey' | 'rateLimitPublic'>;

/** The token buckets a configuration turns on; a limit of 0 has none (and is never asked about). */
export function limitersOf(config: LimitConfig): Record<LimiterName, RateLimiter | null> {
  return {
    key: config.rateLimitPerKey > 0 ? new RateLimiter(config.rateLimitPerKey) : null,
    address: config.rateLimitPublic > 0 ? new RateLimiter(config.rateLimitPublic) : null,
    // Subscribe messages over the websocket count against the key's allowance, in buckets of their own.
    subscribe: config.rateLimitPerKey > 0 ? new RateLimiter(config.rateLimitPerKey) : null,
  };
}

/** What the primary does with one message: answer its sender, and/or pass it on to every other worker. */
export interface HubAction {
  reply?: PrimaryMessage;
  forward?: PrimaryMessage;
}

/**
 * The state every worker of a cluster shares, kept in the primary: the rate limits' buckets, the
 * counts of what is held open, and the clients whose scans were counted today. Each worker asks over IPC; the primary answers in the order asked, each
 * answer a few map operations, so no caller's request waits on another's work, only on the queue of
 * these small messages. What a worker holds is counted per worker, so a worker's death gives it back.
 */
export class ClusterHub {
  private readonly limiters: Record<LimiterName, RateLimiter | null>;
  private readonly counts = new Map<string, number>();
  private readonly heldBy = new Map<number, Map<string, number>>();
  /** Which clients had a scan of which lot counted today, so a client counts once a day whichever worker it reaches. */
  private readonly scanClients = new ScanClients(TRACKED_CLIENTS_PER_DAY);

  constructor(
    config: LimitConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.limiters = limitersOf(config);
  }

  handle(workerId: number, message: WorkerMessage): HubAction {
    switch (message.suyuan) {
      case 'take':
        return { reply: { suyuan: 'took', id: message.id, wait: this.limiters[message.limiter]?.take(message.client, this.now()) ?? 0 } };
      case 'refund':
        this.limiters[message.limiter]?.refund(message.client);
        return {};
      case 'admit':
        return { reply: { suyuan: 'admitted', id: message.id, admitted: this.admit(workerId, message.counter, message.key, message.max) } };
      case 'release':
        this.release(workerId, counted(message.counter, message.key));
        return {};
      case 'first-scan':
        return { reply: { suyuan: 'scan-verdict', id: message.id, verdict: this.scanClients.firstToday(message.lotId, message.address, message.day) } };
      case 'publish':
        return { forward: { suyuan: 'published', topic: message.topic, payload: message.payload } };
      default:
        return {};
    }
  }

  /** A worker is gone: whatever it held open is closed with it. */
  workerGone(workerId: number): void {
    const held = this.heldBy.get(workerId);
    this.heldBy.delete(workerId);
    for (const [key, n] of held ?? []) this.add(key, -n);
  }

  /** How many of `counter` are held under `key` across every worker. */
  count(counter: CounterName, key: string): number {
    return this.counts.get(counted(counter, key)) ?? 0;
  }

  private admit(workerId: number, counter: CounterName, key: string, max: number): boolean {
    const name = counted(counter, key);
    if ((this.counts.get(name) ?? 0) >= max) return false;
    this.add(name, 1);
    const held = this.heldBy.get(workerId) ?? new Map<string, number>();
    this.heldBy.set(workerId, held.set(name, (held.get(name) ?? 0) + 1));
    return true;
  }

  private release(workerId: number, name: string): void {
    const held = this.heldBy.get(workerId);
    const n = held?.get(name) ?? 0;
    if (n <= 0) return; // never admitted here (or already given back when the worker was counted gone)
    if (n === 1) held!.delete(name);
    else held!.set(name, n - 1);
    this.add(name, -1);
  }

  private add(name: string, n: number): void {
    const total = (this.counts.get(name) ?? 0) + n;
    if (total <= 0) this.counts.delete(name);
    else this.counts.set(name, total);
  }
}

const counted = (counter: CounterName, key: string) => `${counter}\u0000${key}`;
