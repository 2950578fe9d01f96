/**
 * `npm run bench:lot-story [-- --runs 30]`: what reading a lot's scan and page view costs when no view is
 * kept in memory (after a change to the lot, or past its minute), for a lot of 10 events beside one of
 * 10,000: read from the lot's kept story (batch_story: only what came after it is folded and hashed),
 * and with the lot's kept row deleted before each read (its whole story folded and its whole chain hashed
 * again: what every such read cost before the summary). The repository's reads alone, in the process of
 * a service started here on a throwaway database of the local PostgreSQL, whose GraphQL API builds the
 * lots (a producer's STORING events). Prints the median and p90 in ms of each.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from '../src/app.module.js';
import { loadConfig } from '../src/config/config.js';
import { configureHttp } from '../src/http.js';
import { ScanRepository } from '../src/scan/scan.repository.js';
import { graphqlClient, producerWithBatches } from './bench-support.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Number(values.runs);
const server = await findPostgresServer({ url: process.env.DATABASE_URL, embeddedName: 'bench-postgres', embeddedPort: 54349 });
const name = `suyuan_bench_story_${randomBytes(6).toString('hex')}`;
await withAdminClient(server.adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
const url = databaseUrl(server.adminUrl, name);
try {
  const migrate = await new DataSource(dataSourceOptions(url, 2)).initialize();
  await migrate.runMigrations();
  await migrate.destroy();
  const adminKey = `bench-admin-${randomBytes(12).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: url,
    ADMIN_API_KEY: adminKey,
    LEDGER_SIGNING_KEY: randomBytes(32).toString('base64'),
    RATE_LIMIT_PER_KEY: '0',
    RATE_LIMIT_PUBLIC: '0',
    MAX_CONNECTIONS_PER_ADDRESS: '0',
    PROJECTION_AUDIT_INTERVAL_MS: '0',
  });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot({ ...config, databaseUrl: url }), { logger: ['fatal'] });
  configureHttp(app);
  await app.listen(0, '127.0.0.1');
  try {
    const scans = app.get(ScanRepository);
    const db = app.get(DataSource);
    const producer = await producerWithBatches(graphqlClient(await app.getUrl()), adminKey, { batches: 1, scannedLotEvents: 10, longLotEvents: 10_000 });
    const lots = [
      { label: 'lot of 10 events', traceCode: producer.traceCode },
      { label: 'lot of 10,000 events', traceCode: producer.longTraceCode! },
    ];
    const time = async (read: () => Promise<unknown>, before: () => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = 0; i < runs; i++) {
        await before();
        const started = performance.now();
        await read();
        ms.push(performance.now() - started);
        await scans.keptStories();
      }
      ms.sort((a, b) => a - b);
      return `median ${ms[Math.floor(runs / 2)].toFixed(1)} ms, p90 ${ms[Math.floor(runs * 0.9)].toFixed(1)} ms`;
    };
    console.log(`${runs} reads each; load average ${loadavg()[0].toFixed(1)} (1 min) at the start`);
    for (const { label, traceCode } of lots) {
      const { id } = (await scans.findByTraceCode(traceCode))!;
      for (const [what, read] of [
        ['scan view', () => scans.scan(traceCode)],
        ['page view', () => scans.pageView(traceCode)],
      ] as const) {
        await read(); // keeps the lot's story and checked point (the 10,000-event lot's first read folds and hashes it all)
        const kept = await time(read, async () => undefined);
        const whole = await time(read, () => db.query('DELETE FROM batch_story WHERE batch_id = $1', [id]));
        console.log(`${what}, ${label}: from the kept story ${kept}; whole story and chain ${whole}`);
      }
    }
    console.log(`load average ${loadavg()[0].toFixed(1)} (1 min) at the end`);
  } finally {
    await app.close();
  }
} finally {
  await withAdminClient(server.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  await server.stop?.();
}
