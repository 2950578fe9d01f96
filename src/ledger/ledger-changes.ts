import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import pg from 'pg';
import { Database } from '../database/database.js';
import { LedgerWriter, TouchedBatches } from './ledger-writer.js';

/** The channel the ledger's insert trigger notifies (migration LedgerAppendedNotice). */
export const LEDGER_APPENDED_CHANNEL = 'ledger_appended';
const RECONNECT_MS = 1000;

/** Reads a `ledger_appended` notice: batch ids joined by commas, or `*`. */
export function parseAppendedNotice(payload: string | undefined): TouchedBatches {
  if (!payload || payload === '*') return 'all';
  return new Set(payload.split(','));
}

/**
 * Tells this process which batches any process has appended to, as their appends commit: the
 * database's trigger sends a notice per appending statement, one connection here listens; this
 * process's own writer reports its commits directly. While the connection is down nothing is known,
 * so `live` is false, and subscribers are told 'all' when it drops and again when it is back
 * (notices sent in between are lost).
 */
@Injectable()
export class LedgerChanges implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LedgerChanges');
  private readonly subscribers = new Set<(touched: TouchedBatches) => void>();
  private client: pg.Client | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private stopping = false;
  /** True while notices arrive: a cache of views may serve and keep entries only then. */
  live = false;
  /** The replicas' floor that covers every change heard so far (replica-router.ts): notices come only from the primary. */
  private heardFloor = 0;

  constructor(
    private readonly database: Database,
    writer: LedgerWriter,
  ) {
    // This process's own appends are known at once, before their callers are answered; the notice
    // that follows them from PostgreSQL is then redundant but harmless.
    writer.onCommitted((touched) => this.publish(touched));
  }

  /**
   * Runs `work` with its reads on a server that has replayed every change this process has heard of:
   * a view kept until the next change must not be read from a replica that has not caught up with the
   * last one (its invalidation has already gone by).
   */
  afterChangesHeard<T>(work: () => Promise<T>): Promise<T> {
    return this.database.replicas.withFloor(this.heardFloor, work);
  }

  /** Calls `listener` with every change until the returned function is called. */
  subscribe(listener: (touched: TouchedBatches) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  onApplicationBootstrap(): void {
    void this.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    this.live = false;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    // The pool's own settings: the same server, login and options as every other connection.
    const client = new pg.Client(this.database.connectionOptions());
    this.client = client;
    client.on('notification', (notice) => this.publish(parseAppendedNotice(notice.payload)));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${LEDGER_APPENDED_CHANNEL}`);
      if (this.client !== client || this.stopping) return;
      this.live = true;
      this.publish('all');
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: pg.Client, err: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    // Not a change, only the end of knowing: read floors stay (a floor past the last sample would send
    // every cached view's read to a primary that may be the very thing that went away).
    if (this.live) this.notify();
    this.live = false;
    if (this.stopping) return;
    if (err) this.logger.warn(`listening for ledger changes failed, retrying in ${RECONNECT_MS} ms: ${err.message}`);
    // unref: waiting to listen again must not keep a stopping process alive.
    this.reconnect = setTimeout(() => {
      this.reconnect = null;
      void this.connect();
    }, RECONNECT_MS).unref();
  }

  private publish(touched: TouchedBatches): void {
    this.heardFloor = this.database.replicas.floorNow();
    this.notify(touched);
  }

  private notify(touched: TouchedBatches = 'all'): void {
    for (const listener of this.subscribers) listener(touched);
  }
}
