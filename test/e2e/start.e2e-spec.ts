import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { exited, runToExit, startService } from '../support/service-process.js';
import { LEDGER_SIZE } from '../support/documents.js';

/**
 * `npm start` as a new user meets it: the compiled service with no DATABASE_URL starts the embedded
 * PostgreSQL, migrates, seeds the demo and serves GraphQL; it comes back after kill -9 with its data;
 * SIGINT stops its PostgreSQL too.
 */
const dataDir = resolve(`data/test-start-${process.pid}`);
const port = 39000 + (process.pid % 1000);
const env: Record<string, string | undefined> = {
  ...process.env,
  DATA_DIR: dataDir,
  PORT: String(port),
  EMBEDDED_POSTGRES_PORT: String(port + 1000),
  NODE_ENV: 'development',
};
delete env.DATABASE_URL;
delete env.ADMIN_API_KEY;
delete env.LEDGER_SIGNING_KEY;

const start = () => startService(env);

async function ledgerSize(): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: LEDGER_SIZE }),
  });
  return ((await res.json()) as { data: { ledgerInfo: { size: number } } }).data.ledgerInfo.size;
}

const postmasterPid = () => Number(readFileSync(`${dataDir}/postgres/postmaster.pid`, 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start with no database configured', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves the seeded demo, survives kill -9, and stops its PostgreSQL on Ctrl-C', async () => {
    const first = await start();
    expect(first.output()).toMatch(/Admin key: +sy_admin_/);
    expect(first.output()).toContain('trace code');
    const seeded = await ledgerSize();
    expect(seeded).toBeGreaterThan(10);

    first.child.kill('SIGKILL');
    await exited(first.child);
    const orphan = postmasterPid();
    expect(alive(orphan)).toBe(true); // the orphaned PostgreSQL the next start must deal with

    const second = await start();
    expect(await ledgerSize()).toBe(seeded); // same data, no second demo
    expect(second.output()).not.toContain('Demo seeded');
    const pid = postmasterPid();
    second.child.kill('SIGINT');
    await exited(second.child);
    expect(alive(pid)).toBe(false);
    expect(existsSync(`${dataDir}/postgres/postmaster.pid`)).toBe(false);
  }, 120_000);
});

describe('a production start without the settings production needs', () => {
  const production: NodeJS.ProcessEnv = {
    ...env,
    NODE_ENV: 'production',
    ADMIN_API_KEY: 'start-test-admin-key-0123456789',
    LEDGER_SIGNING_KEY: Buffer.alloc(32, 9).toString('base64'),
    LEDGER_ORIGIN: 'suyuan.test/ledger',
  };
  delete production.PUBLIC_BASE_URL;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each<[string, NodeJS.ProcessEnv, string]>([
    [
      'no DATABASE_URL and no PUBLIC_BASE_URL',
      production,
      'Configuration error: DATABASE_URL and PUBLIC_BASE_URL are missing: expected a postgres:// URL and the https:// URL consumers reach (required in production)',
    ],
    [
      'no DATABASE_URL',
      { ...production, PUBLIC_BASE_URL: 'https://trace.example.org' },
      'Configuration error: DATABASE_URL is missing: expected a postgres:// URL (required in production)',
    ],
    [
      'a plain http:// PUBLIC_BASE_URL',
      { ...production, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none', PUBLIC_BASE_URL: 'http://trace.example.org' },
      'Configuration error: PUBLIC_BASE_URL is invalid (protocol http:): expected an https:// URL in production ' +
        '(labels printed with it cannot be changed; ALLOW_HTTP_PUBLIC_BASE_URL=true allows http://)',
    ],
  ])('with %s, stops at once with exit code 1 and one line naming it, no stack trace, no embedded PostgreSQL', async (_label, settings, line) => {
    const { code, output } = await runToExit(settings);
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([line]);
    expect(existsSync(`${dataDir}/postgres`)).toBe(false);
  });
});
