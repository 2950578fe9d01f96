/**
 * The service as `npm run bench:service` runs it: the production start (configuration, migrations,
 * JSON-or-pretty logs, graceful SIGTERM) with the benchmark's baseline module added beside AppModule.
 * It needs DATABASE_URL (no embedded PostgreSQL) and seeds no demo.
 */
import 'reflect-metadata';
import { INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/config.js';
import { runMigrations } from '../src/database/migrate.js';
import { configureHttp } from '../src/http.js';
import type { LogLevel } from '../src/logging/log-record.js';
import { flushStandardStreams, StructuredLogger } from '../src/logging/structured-logger.js';
import { BenchBaselineModule } from './bench-baseline/bench-baseline.module.js';

const SERVING_LOG_LEVELS: LogLevel[] = ['log', 'error', 'warn', 'fatal'];

@Module({})
class BenchServiceModule {}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.databaseUrl === null) throw new Error('DATABASE_URL is required');
  const databaseUrl = config.databaseUrl;
  const logger = new StructuredLogger(config.logFormat, { levels: ['error', 'warn', 'fatal'] });
  Logger.overrideLogger(logger);
  let app: INestApplication | undefined = undefined;
  // As in src/main.ts: this process stops in its own order (the writer's group in flight first).
  process.removeAllListeners('SIGTERM');
  process.on('SIGTERM', () => {
    void (async () => {
      await app?.close().catch(() => undefined);
      await flushStandardStreams();
      process.exit(0);
    })();
  });
  if (config.migrateOnStart) await runMigrations(databaseUrl);
  app = await NestFactory.create({ module: BenchServiceModule, imports: [AppModule.forRoot({ ...config, databaseUrl }), BenchBaselineModule] }, { logger });
  configureHttp(app);
  await app.listen(config.port, config.host);
  logger.setLogLevels(SERVING_LOG_LEVELS);
  // The line scripts/bench-support.ts waits for, as the production start prints it.
  console.log(`Suyuan (benchmark build with benchPlainInsert) is running at ${config.publicBaseUrl}\n  Stop with Ctrl-C.\n`);
}

main().catch((err) => {
  new Logger('Start').error(err instanceof Error ? err.message : String(err));
  void flushStandardStreams().then(() => process.exit(1));
});
