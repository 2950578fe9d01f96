import pg from 'pg';

/** Where the test PostgreSQL server is, as global setup found or started it. */
export interface TestServer {
  /** URL of the server's maintenance database, used to create and drop test databases. */
  adminUrl: string;
  templateDatabase: string;
}

export const TEST_SERVER_FILE_ENV = 'SUYUAN_TEST_SERVER';

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
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
