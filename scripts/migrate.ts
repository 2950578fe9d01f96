import 'reflect-metadata';
import { runMigrations } from '../src/database/migrate.js';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL (the service also does this at start). */
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is missing: expected a postgres:// URL (the embedded database is migrated by npm start itself)');
  process.exit(1);
}
const applied = await runMigrations(url);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply: the database is up to date');
