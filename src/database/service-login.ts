import pg from 'pg';
import { SERVICE_ROLE } from '../../migrations/1765446400000-service-role.js';

/** A login role name PostgreSQL takes unquoted: what an operator types in a DATABASE_URL. */
const LOGIN_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The service's login as the migration step reads it from the environment; null when none is asked for. */
export interface ServiceLogin {
  name: string;
  password: string;
}

/**
 * SERVICE_LOGIN and SERVICE_LOGIN_PASSWORD, both or neither: a migration step that also gives the
 * running service its login (Docker Compose's `migrate`), so nobody has to type SQL before the first start.
 */
export function serviceLoginFromEnv(env: Record<string, string | undefined>): ServiceLogin | null {
  const name = env.SERVICE_LOGIN || '';
  const password = env.SERVICE_LOGIN_PASSWORD || '';
  if (!name && !password) return null;
  if (!name) throw new Error('SERVICE_LOGIN is missing: expected the login the service connects as (e.g. suyuan_service), as SERVICE_LOGIN_PASSWORD is set');
  if (!LOGIN_NAME.test(name)) throw new Error(`SERVICE_LOGIN is invalid: expected lower-case letters, digits and _ (at most 63), such as suyuan_service`);
  if (name === SERVICE_ROLE) throw new Error(`SERVICE_LOGIN is invalid: ${SERVICE_ROLE} is the group role itself; name a login that becomes its member`);
  if (password.length < 16) throw new Error('SERVICE_LOGIN_PASSWORD is missing or too short: expected at least 16 characters');
  return { name, password };
}

/**
 * Creates the login (or sets its password, so a rotated secret takes effect at the next migration run)
 * and makes it a member of the service role, run as the owner after migrations: the service then
 * connects with only that role's grants. It never gains more: no SUPERUSER, CREATEDB, CREATEROLE or
 * membership beyond the service role is given, and an existing login with more is refused, not used.
 */
export async function ensureServiceLogin(ownerUrl: string, login: ServiceLogin): Promise<'created' | 'updated'> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const name = client.escapeIdentifier(login.name);
    const password = client.escapeLiteral(login.password);
    const existing = await client.query<{ rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; rolbypassrls: boolean }>(
      'SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = $1',
      [login.name],
    );
    const role = existing.rows[0];
    if (role && (role.rolsuper || role.rolcreaterole || role.rolcreatedb || role.rolbypassrls))
      throw new Error(
        `SERVICE_LOGIN ${login.name} already exists with more rights than the service needs (superuser, CREATEROLE, CREATEDB or BYPASSRLS): name another login`,
      );
    if (role) await client.query(`ALTER ROLE ${name} LOGIN PASSWORD ${password}`);
    else await client.query(`CREATE ROLE ${name} LOGIN PASSWORD ${password}`);
    await client.query(`GRANT ${SERVICE_ROLE} TO ${name}`);
    return role ? 'updated' : 'created';
  } finally {
    await client.end();
  }
}
