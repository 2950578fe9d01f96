import pg from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from './data-source-options.js';

/** Runs every pending migration; returns their names. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = await new DataSource(dataSourceOptions(url, 2)).initialize();
  try {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The migrations this build has that the database has not run, read with no right to migrate (a service
 * started with MIGRATE_ON_START=false may only SELECT TypeORM's table); all of them on an empty database.
 */
export async function pendingMigrations(url: string): Promise<string[]> {
  // Readiness probes call this too: an unreachable database must fail the probe, not leave it waiting.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    const applied = await client.query<{ name: string }>('SELECT name FROM migrations').then(
      (result) => new Set(result.rows.map((row) => row.name)),
      (err: { code?: string }) => {
        if (err.code === '42P01') return new Set<string>(); // undefined_table: never migrated
        throw err;
      },
    );
    return MIGRATIONS.map((migration) => new migration().name).filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}
