import 'reflect-metadata';
import { INestApplication, Logger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cluster from 'node:cluster';
import { AppModule } from './app.module.js';
import { AppConfig, ConfigError, loadConfig } from './config/config.js';
import { devSecrets } from './config/dev-secrets.js';
import type { EmbeddedDatabase } from './database/embedded-postgres.js';
import { pendingMigrations, runMigrations } from './database/migrate.js';
import type { WorkerMessage } from './cluster/cluster-messages.js';
import { seedDemo } from './demo/seed-demo.js';
import { configureHttp } from './http.js';
import { LedgerRepository } from './ledger/ledger.repository.js';
import type { LogLevel } from './logging/log-record.js';
import { startBanner, startRecord } from './start-banner.js';
import { flushStandardStreams, StructuredLogger } from './logging/structured-logger.js';

const SERVING_LOG_LEVELS: LogLevel[] = ['log', 'error', 'warn', 'fatal'];
/** While Nest starts: its own lines (every module loaded, every route mapped) are left out, its errors and warnings are not. */
const STARTING_LOG_LEVELS: LogLevel[] = ['error', 'warn', 'fatal'];

/** What a signal must stop, as far as the start has got. */
export interface Running {
  app?: INestApplication;
  embedded?: EmbeddedDatabase;
}

/** Modules served beside AppModule: none in the product; the benchmark adds its baseline (scripts/bench-service-main.ts). */
export interface ServeOptions {
  extraModules?: Type[];
  /** A worker of `npm run start:cluster`: its primary migrated and prints the banner; this process tells it when it listens. */
  clusterWorker?: boolean;
}

@Module({})
class ServiceWithExtras {}

/** The whole start: configuration, the database (embedded when none is configured), migrations, Nest, the demo, the banner. */
export async function serve(options: ServeOptions = {}): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new StructuredLogger(config.logFormat, { levels: SERVING_LOG_LEVELS });
  Logger.overrideLogger(logger);
  const running: Running = {};
  stopOnSignals(running, logger);

  const { databaseUrl, migrationsApplied } = await prepareDatabase(config, running, logger);
  logger.setLogLevels(STARTING_LOG_LEVELS);
  const appModule = AppModule.forRoot({ ...config, databaseUrl });
  const root = options.extraModules?.length ? { module: ServiceWithExtras, imports: [appModule, ...options.extraModules] } : appModule;
  const app = await NestFactory.create(root, { logger });
  running.app = app;
  configureHttp(app);
  const demo = config.seedDemo && (await app.get(LedgerRepository).head()).size === 0 ? await seedDemo(app) : undefined;
  await app.listen(config.port, config.host);
  logger.setLogLevels(SERVING_LOG_LEVELS);
  if (options.clusterWorker) return void process.send!({ suyuan: 'listening', demo } satisfies WorkerMessage);

  const facts = { embedded: running.embedded !== undefined, migrationsApplied, demo };
  if (config.logFormat === 'json') logger.log('started', startRecord(config, facts), 'Start');
  else console.log(startBanner(config, facts));
}

export function loadConfigOrExit(): AppConfig {
  const dataDir = process.env.DATA_DIR || './data';
  try {
    return loadConfig(process.env, () => devSecrets(dataDir));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

/** Whether a signal has begun the stop (shared by every installation of the handlers). */
let stopping = false;

function stopOnSignals(running: Running, logger: StructuredLogger): void {
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight appends and stopping`, 'Shutdown');
    await running.app?.close().catch(() => undefined);
    await running.embedded?.stop().catch(() => undefined);
    await flushStandardStreams();
    process.exit(0);
  };
  // Importing embedded-postgres hooks these signals (async-exit-hook) to exit the moment its databases
  // stop, which would cut off the append group in flight: this process stops in its own order instead.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // A cluster worker whose primary is gone (killed) stops as on SIGTERM, rather than serving on unwatched.
  if (cluster.isWorker) process.once('disconnect', () => void stop('primary gone'));
}

/** The database to use (embedded PostgreSQL when no DATABASE_URL is given), migrated or checked to be up to date. */
export async function prepareDatabase(
  config: AppConfig,
  running: Running,
  logger: StructuredLogger,
): Promise<{ databaseUrl: string; migrationsApplied: string[] }> {
  if (config.databaseUrl === null) {
    // Loaded only here: embedded-postgres is a development dependency, absent from a production install
    // (which always has a DATABASE_URL). Importing it hooks SIGINT/SIGTERM, so this process's own handlers go back on.
    const { startEmbeddedPostgres } = await import('./database/embedded-postgres.js');
    stopOnSignals(running, logger);
    running.embedded = await startEmbeddedPostgres({
      dir: `${config.dataDir}/postgres`,
      port: config.embeddedPostgresPort,
      password: devSecrets(config.dataDir).embeddedPostgresPassword,
      database: 'suyuan',
      log: (line) => logger.log(line, 'Postgres'),
    });
  }
  const databaseUrl = config.databaseUrl ?? running.embedded!.url;
  if (config.migrateOnStart) return { databaseUrl, migrationsApplied: await runMigrations(databaseUrl) };
  // The restricted role cannot migrate: the owner runs `npm run migration:run` first, and a database behind this build is refused.
  const pending = await pendingMigrations(databaseUrl);
  if (pending.length > 0)
    throw new Error(`the database is behind this build (not yet run: ${pending.join(', ')}); run npm run migration:run with the owner's DATABASE_URL first`);
  return { databaseUrl, migrationsApplied: [] };
}

/** Runs `serve` as a process's whole life: a failed start is logged and ends the process with 1. */
export function serveAsProcess(options: ServeOptions = {}): void {
  serve(options).catch((err) => {
    new Logger('Start').error(err instanceof Error ? err.message : String(err));
    void flushStandardStreams().then(() => process.exit(1));
  });
}
