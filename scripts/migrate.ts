import 'reflect-metadata';
import { runMigrations } from '../src/database/migrate.js';
import { ensureServiceLogin, serviceLoginFromEnv } from '../src/database/service-login.js';

/**
 * `npm run migration:run` (or `node dist/scripts/migrate.js`, as Docker Compose's one-shot `migrate` runs it):
 * applies pending migrations to DATABASE_URL as its owner; with SERVICE_LOGIN and SERVICE_LOGIN_PASSWORD it then
 * gives the running service that login, a member of the least-privilege role and nothing more.
 */
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is missing: expected a postgres:// URL (the embedded database is migrated by npm start itself)');
  process.exit(1);
}
let login;
try {
  login = serviceLoginFromEnv(process.env);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const applied = await runMigrations(url);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'nothing to apply: the database is up to date');
if (login) console.log(`service login ${login.name}: ${await ensureServiceLogin(url, login)}, a member of the least-privilege role only`);
