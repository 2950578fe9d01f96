import type { FirstToday } from '../scan/scan-clients.js';

/** The shared token buckets (src/limits): per API key, per client address, and websocket subscribes per key. */
export type LimiterName = 'key' | 'address' | 'subscribe';

/**
 * Counts of things held open, capped across every worker: connections per address
 * (src/limits/connection-limits.ts), sockets and subscriptions per key (src/graphql/graphql-websocket.ts).
 */
export type CounterName = 'connections' | 'ws-sockets' | 'ws-subscriptions';

/** What a worker sends the primary. Every message has `suyuan`, so Node's own cluster messages are never mistaken for one. */
export type WorkerMessage =
  | { suyuan: 'take'; id: number; limiter: LimiterName; client: string }
  | { suyuan: 'refund'; limiter: LimiterName; client: string }
  | { suyuan: 'admit'; id: number; counter: CounterName; key: string; max: number }
  | { suyuan: 'release'; counter: CounterName; key: string }
  | { suyuan: 'publish'; topic: string; payload: unknown }
  | { suyuan: 'first-scan'; id: number; lotId: string; address: string; day: string }
  /** `demo`: the DemoSummary (src/demo) when this worker seeded it, for the primary's banner. */
  | { suyuan: 'listening'; demo: unknown };

/** What the primary sends a worker: an answer to its `take` or `admit`, or what another worker published. */
export type PrimaryMessage =
  | { suyuan: 'took'; id: number; wait: number }
  | { suyuan: 'admitted'; id: number; admitted: boolean }
  | { suyuan: 'scan-verdict'; id: number; verdict: FirstToday }
  | { suyuan: 'published'; topic: string; payload: unknown };

function isOurs(message: unknown): boolean {
  return typeof message === 'object' && message !== null && typeof (message as { suyuan?: unknown }).suyuan === 'string';
}

export const isWorkerMessage = (message: unknown): message is WorkerMessage => isOurs(message);
export const isPrimaryMessage = (message: unknown): message is PrimaryMessage => isOurs(message);
