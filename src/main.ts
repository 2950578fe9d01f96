import 'reflect-metadata';
import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig } from './config/config.js';
import { devSecrets } from './config/dev-secrets.js';
import { EmbeddedDatabase, startEmbeddedPostgres } from './database/embedded-postgres.js';
import { runMigrations } from './database/migrate.js';
import { seedDemo } from './demo/seed-demo.js';
import { configureHttp } from './http.js';
import { LedgerRepository } from './ledger/ledger.repository.js';

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

  let embedded: EmbeddedDatabase | undefined;
  let app: INestApplication | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: finishing in-flight appends and stopping…`);
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (config.databaseUrl === null) {
    embedded = await startEmbeddedPostgres({
      dir: `${config.dataDir}/postgres`,
      port: config.embeddedPostgresPort,
      password: devSecrets(config.dataDir).embeddedPostgresPassword,
      database: 'suyuan',
      log: (line) => console.log(line),
    });
  }
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  const applied = await runMigrations(databaseUrl);

  app = await NestFactory.create(AppModule.forRoot({ ...config, databaseUrl }), { logger: ['error', 'warn'] });
  configureHttp(app);
  let demo;
  if (config.seedDemo && (await app.get(LedgerRepository).head()).size === 0) demo = await seedDemo(app);
  await app.listen(config.port, config.host);

  const base = config.publicBaseUrl;
  const lines = [
    '',
    `Suyuan (溯源) is running — ${config.env} mode`,
    `  GraphQL:     ${base}/graphql   (open it in a browser for the Apollo sandbox)`,
    `  Database:    ${embedded ? `embedded PostgreSQL, data in ${config.dataDir}/postgres` : 'DATABASE_URL'}${applied.length ? ` (migrations applied: ${applied.join(', ')})` : ''}`,
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
  process.exit(1);
});
