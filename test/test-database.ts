import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { databaseUrl, withAdminClient } from '../src/database/postgres-server.js';
import { TEST_SERVER_FILE_ENV, TestServer } from './test-server.js';

export interface TestDatabase {
  url: string;
  adminUrl: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of the test file's own, cloned from the template global setup made. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = JSON.parse(readFileSync(process.env[TEST_SERVER_FILE_ENV]!, 'utf8')) as TestServer;
  const name = `suyuan_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(server.adminUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${server.templateDatabase}`));
  return {
    url: databaseUrl(server.adminUrl, name),
    adminUrl: server.adminUrl,
    name,
    drop: () => withAdminClient(server.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
