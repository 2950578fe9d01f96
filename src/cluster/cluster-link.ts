import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import cluster from 'node:cluster';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { type FirstToday, ScanClients, TRACKED_CLIENTS_PER_DAY } from '../scan/scan-clients.js';
import { limitersOf } from './cluster-hub.js';
import { type CounterName, isPrimaryMessage, type LimiterName, type PrimaryMessage, type WorkerMessage } from './cluster-messages.js';

/** An answer the primary owes longer than this is decided here, so a stalled primary cannot stall requests. */
const ANSWER_TIMEOUT_MS = 1000;

type Channel = { send(message: WorkerMessage): boolean; on(event: 'message', listener: (message: unknown) => void): unknown };

/**
 * This process's way to the state it shares with the other workers of `npm run start:cluster`: the
 * rate limits' buckets, counts of what is held open, which clients' scans were counted today, and
 * notices every worker must hear (a recall for the subscribers, a revoked key, an audit's result).
 * Run alone (`npm start`, tests), all of it is here in the process; run as a cluster worker, the
 * buckets, counts and scan clients are the primary's (src/cluster/cluster-hub.ts), asked over IPC,
 * and notices go to every other worker through it.
 */
@Injectable()
export class ClusterLink implements OnModuleDestroy {
  private readonly logger = new Logger('Cluster');
  /** Here when run alone; when clustered, what decides in place of an answer overdue from the primary. */
  private readonly local: Record<LimiterName, RateLimiter | null>;
  private readonly localCounts = new Map<string, number>();
  private readonly scanClients = new ScanClients(TRACKED_CLIENTS_PER_DAY);
  private readonly channel: Channel | null;
  private readonly waiting = new Map<number, { resolve: (answer: PrimaryMessage) => void; timer: NodeJS.Timeout }>();
  private readonly topics = new Map<string, Set<(payload: unknown) => void>>();
  private nextId = 1;
  private lastWarned = 0;
  private readonly receive = (message: unknown) => this.received(message);

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.local = limitersOf(config);
    this.channel = cluster.isWorker && process.send ? (process as unknown as Channel) : null;
    this.channel?.on('message', this.receive);
  }

  /** Whether the state is shared with other workers (false: this process is alone). */
  get clustered(): boolean {
    return this.channel !== null;
  }

  onModuleDestroy(): void {
    if (this.channel) process.off('message', this.receive);
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
  }

  /** Takes one request from `client`'s bucket of `limiter`: 0 when allowed, else the seconds until one is. */
  async take(limiter: LimiterName, client: string): Promise<number> {
    const local = this.local[limiter];
    if (!local) return 0;
    if (!this.channel) return local.take(client, Date.now());
    const answer = await this.ask({ suyuan: 'take', id: 0, limiter, client });
    return answer?.suyuan === 'took' ? answer.wait : local.take(client, Date.now());
  }

  /** Gives back one request taken in advance. */
  refund(limiter: LimiterName, client: string): void {
    if (!this.local[limiter]) return;
    if (this.channel) this.channel.send({ suyuan: 'refund', limiter, client });
    else this.local[limiter].refund(client);
  }

  /** Counts one more of `counter` held under `key` unless `max` are held already (across every worker). */
  async admit(counter: CounterName, key: string, max: number): Promise<boolean> {
    if (this.channel) {
      const answer = await this.ask({ suyuan: 'admit', id: 0, counter, key, max });
      if (answer?.suyuan === 'admitted') return answer.admitted;
      // No answer: admitted, so that a stalled primary does not lock every key out; the caller's own
      // per-process caps still hold. Nothing was counted, so nothing is released for it.
      return true;
    }
    const name = `${counter}\u0000${key}`;
    const n = this.localCounts.get(name) ?? 0;
    if (n >= max) return false;
    this.localCounts.set(name, n + 1);
    return true;
  }

  release(counter: CounterName, key: string): void {
    if (this.channel) return void this.channel.send({ suyuan: 'release', counter, key });
    const name = `${counter}\u0000${key}`;
    const n = (this.localCounts.get(name) ?? 0) - 1;
    if (n <= 0) this.localCounts.delete(name);
    else this.localCounts.set(name, n);
  }

  /** Whether this client's scan of the lot is its first today (src/scan/scan-clients.ts), across every worker. */
  async firstScanToday(lotId: string, address: string, day: string): Promise<FirstToday> {
    if (!this.channel) return this.scanClients.firstToday(lotId, address, day);
    const answer = await this.ask({ suyuan: 'first-scan', id: 0, lotId, address, day });
    return answer?.suyuan === 'scan-verdict' ? answer.verdict : this.scanClients.firstToday(lotId, address, day);
  }

  /** Tells this process's listeners of `topic` at once, and every other worker's through the primary. */
  publish(topic: string, payload: unknown): void {
    this.deliver(topic, payload);
    this.channel?.send({ suyuan: 'publish', topic, payload });
  }

  /** Listens to `topic`, published here or in any other worker; returns the function that stops listening. */
  subscribe(topic: string, listener: (payload: unknown) => void): () => void {
    const listeners = this.topics.get(topic) ?? new Set();
    this.topics.set(topic, listeners.add(listener));
    return () => listeners.delete(listener);
  }

  private ask(message: Extract<WorkerMessage, { id: number }>): Promise<PrimaryMessage | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        // Once in a while, not once per request: a stalled primary would otherwise fill the logs.
        if (Date.now() - this.lastWarned > 10_000) {
          this.lastWarned = Date.now();
          this.logger.warn(`the cluster primary did not answer within ${ANSWER_TIMEOUT_MS} ms; deciding in this worker until it does`);
        }
        resolve(null);
      }, ANSWER_TIMEOUT_MS);
      this.waiting.set(id, { resolve, timer });
      this.channel!.send({ ...message, id });
    });
  }

  private received(message: unknown): void {
    if (!isPrimaryMessage(message)) return;
    if (message.suyuan === 'published') return this.deliver(message.topic, message.payload);
    const waiting = this.waiting.get(message.id);
    if (!waiting) return;
    this.waiting.delete(message.id);
    clearTimeout(waiting.timer);
    waiting.resolve(message);
  }

  private deliver(topic: string, payload: unknown): void {
    for (const listener of this.topics.get(topic) ?? []) {
      try {
        listener(payload);
      } catch (err) {
        this.logger.error(`a listener of ${topic} failed: ${(err as Error).message}`);
      }
    }
  }
}
