import { readFileSync } from 'node:fs';
import { withAdminClient } from '../src/database/postgres-server.js';
import { TEST_SERVER_FILE_ENV, TestServer } from './test-server.js';

export default async function globalTeardown(): Promise<void> {
  const file = process.env[TEST_SERVER_FILE_ENV];
  if (file) {
    const server = JSON.parse(readFileSync(file, 'utf8')) as TestServer;
    await withAdminClient(server.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${server.templateDatabase}`));
  }
  await (globalThis as { stopEmbeddedTestPostgres?: () => Promise<void> }).stopEmbeddedTestPostgres?.();
}
