import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

/** Runs every pending migration; returns their names. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = await new DataSource(dataSourceOptions(url, 2)).initialize();
  try {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
