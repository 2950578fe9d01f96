import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig } from './config/config.js';
import { devSecrets } from './config/dev-secrets.js';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres.js';
import { pendingMigrations, runMigrations } from './database/migrate.js';
import { seedDemo } from './demo/seed-demo.js';
import { configureHttp } from './http.js';
import { LedgerRepository } from './ledger/ledger.repository.js';
import type { LogLevel } from './logging/log-record.js';
import { flushStandardStreams, StructuredLogger } from './logging/structured-logger.js';

const SERVING_LOG_LEVELS: LogLevel[] = ['log', 'error', 'warn', 'fatal'];
/** While Nest starts: its own lines (every module loaded, every route mapped) are left out, its errors and warnings are not. */
const STARTING_LOG_LEVELS: LogLevel[] = ['error', 'warn', 'fatal'];

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR || './data';
  let config;
  try {
    config = loadConfig(process.env, () => devSecrets(dataDir));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = new StructuredLogger(config.logFormat, { levels: SERVING_LOG_LEVELS });
  Logger.overrideLogger(logger);

  let embedded: EmbeddedDatabase | undefined;
  // Assigned once Nest has started; `stop` may run before that.
  let app: INestApplication | undefined = undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: finishing in-flight appends and stopping`, 'Shutdown');
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    await flushStandardStreams();
    process.exit(0);
  };
  // Importing embedded-postgres hooks these signals (async-exit-hook) to exit the moment its databases
  // stop, which would cut off the append group in flight: this process stops in its own order instead.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(signal);
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (config.databaseUrl === null) {
    embedded = await startEmbeddedPostgres({
      dir: `${config.dataDir}/postgres`,
      port: config.embeddedPostgresPort,
      password: devSecrets(config.dataDir).embeddedPostgresPassword,
      database: 'suyuan',
      log: (line) => logger.log(line, 'Postgres'),
    });
  }
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  const applied = config.migrateOnStart ? await runMigrations(databaseUrl) : [];
  if (!config.migrateOnStart) {
    // The restricted role cannot migrate: the owner runs `npm run migration:run` first, and a database behind this build is refused.
    const pending = await pendingMigrations(databaseUrl);
    if (pending.length > 0)
      throw new Error(`the database is behind this build (not yet run: ${pending.join(', ')}); run npm run migration:run with the owner's DATABASE_URL first`);
  }

  logger.setLogLevels(STARTING_LOG_LEVELS);
  app = await NestFactory.create(AppModule.forRoot({ ...config, databaseUrl }), { logger });
  configureHttp(app);
  let demo;
  if (config.seedDemo && (await app.get(LedgerRepository).head()).size === 0) demo = await seedDemo(app);
  await app.listen(config.port, config.host);
  logger.setLogLevels(SERVING_LOG_LEVELS);

  const base = config.publicBaseUrl;
  if (config.logFormat === 'json') {
    // One line for log collectors, and never a key: the admin key may be the production one.
    const started = {
      mode: config.env,
      url: base,
      database: embedded ? 'embedded' : 'DATABASE_URL',
      migrationsApplied: applied,
      ledgerOrigin: config.ledgerOrigin,
      demoSeeded: demo !== undefined,
    };
    logger.log('started', started, 'Start');
    return;
  }
  const lines = [
    '',
    `Suyuan (溯源) is running — ${config.env} mode`,
    `  GraphQL:     ${base}/graphql   (open it in a browser for GraphiQL)`,
    `  Database:    ${embedded ? `embedded PostgreSQL, data in ${config.dataDir}/postgres` : 'DATABASE_URL'}${applied.length ? ` (migrations applied: ${applied.join(', ')})` : ''}${config.migrateOnStart ? '' : " (up to date; migrations are the owner's: MIGRATE_ON_START=false)"}`,
    `  Admin key:   ${config.adminApiKey}   (send as  Authorization: Bearer <key>)`,
    `  Ledger:      origin ${config.ledgerOrigin}`,
  ];
  if (demo) {
    lines.push('  Demo seeded:');
    for (const o of demo.organizations) lines.push(`    ${o.kind.padEnd(9)} ${o.name}  key ${o.apiKey}`);
    for (const b of demo.batches) lines.push(`    batch ${b.product} lot ${b.lotCode}  id ${b.id}  trace code ${b.traceCode}  page ${base}/q/${b.traceCode}`);
    for (const f of demo.facilities) lines.push(`    facility ${f.name}  id ${f.id}`);
  }
  lines.push('  Stop with Ctrl-C.', '');
  console.log(lines.join('\n'));
}

main().catch((err) => {
  new Logger('Start').error(err instanceof Error ? err.message : String(err));
  void flushStandardStreams().then(() => process.exit(1));
});
