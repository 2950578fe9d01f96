import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { databaseUrl, findPostgresServer, withAdminClient } from '../src/database/postgres-server.js';
import { TEST_SERVER_FILE_ENV, TestServer } from './test-server.js';

/**
 * Tests run on a real PostgreSQL: TEST_DATABASE_URL when given, else this machine's on
 * 127.0.0.1:5432, else the embedded one. One template database is migrated here; every test file
 * clones its own from it (test/test-database.ts), so files run in parallel without seeing each other.
 */
export default async function globalSetup(): Promise<void> {
  // The page's script the app serves, built as `npm run build` does, so any one suite can run after tsc alone.
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build-assets.mjs', import.meta.url))], { stdio: 'inherit' });
  const found = await findPostgresServer({ url: process.env.TEST_DATABASE_URL, embeddedName: 'test-postgres', embeddedPort: 54339 });
  (globalThis as { stopEmbeddedTestPostgres?: () => Promise<void> }).stopEmbeddedTestPostgres = found.stop;
  const adminUrl = found.adminUrl;
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
