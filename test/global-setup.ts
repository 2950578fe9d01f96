import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { databaseUrl, TEST_SERVER_FILE_ENV, TestServer, withAdminClient } from './test-server.js';

/**
 * Tests run on a real PostgreSQL: TEST_DATABASE_URL when given, else this machine's on
 * 127.0.0.1:5432, else the embedded one. One template database is migrated here; every test file
 * clones its own from it (test/test-database.ts), so files run in parallel without seeing each other.
 */
export default async function globalSetup(): Promise<void> {
  const adminUrl = await findServer();
  const templateDatabase = `suyuan_test_template_${process.pid}`;
  await withAdminClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${templateDatabase}`);
    await client.query(`CREATE DATABASE ${templateDatabase}`);
  });
  const dataSource = new DataSource(dataSourceOptions(databaseUrl(adminUrl, templateDatabase), 2));
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();

  const server: TestServer = { adminUrl, templateDatabase };
  const file = join(mkdtempSync(join(tmpdir(), 'suyuan-test-')), 'server.json');
  writeFileSync(file, JSON.stringify(server));
  process.env[TEST_SERVER_FILE_ENV] = file;
}

async function findServer(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: local, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return local;
  } catch {
    const embedded = await startEmbeddedPostgres({
      dir: resolve('data/test-postgres'),
      port: 54339,
      password: 'suyuan-test',
      database: 'postgres',
    });
    (globalThis as { stopEmbeddedTestPostgres?: () => Promise<void> }).stopEmbeddedTestPostgres = embedded.stop;
    return embedded.url;
  }
}
