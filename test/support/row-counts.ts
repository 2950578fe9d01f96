import type { INestApplication } from '@nestjs/common';
import { Database } from '../../src/database/database.js';

/** How many rows each table has, in one statement: a refusal must leave every count as it was. */
export async function rowCounts(app: INestApplication, tables: readonly string[]): Promise<Record<string, number>> {
  const { rows } = await app
    .get(Database)
    .query<{ counts: Record<string, number> }>(`SELECT json_build_object(${tables.map((t) => `'${t}', (SELECT count(*) FROM ${t})`).join(', ')}) AS counts`);
  return rows[0].counts;
}
