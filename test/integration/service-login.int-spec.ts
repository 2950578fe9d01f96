import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SERVICE_ROLE } from '../../migrations/1765446400000-service-role.js';
import { withAdminClient } from '../../src/database/postgres-server.js';
import { ensureServiceLogin } from '../../src/database/service-login.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/**
 * The migration step's service login (Docker Compose's `migrate` sets SERVICE_LOGIN): run as the owner, it
 * leaves a login that connects as itself, holds the service role's grants and nothing more, and takes a rotated password.
 */
describe('the service login the migration step creates', () => {
  let db: TestDatabase;
  const login = `suyuan_test_login_${randomBytes(5).toString('hex')}`;
  const privileged = `suyuan_test_privileged_${randomBytes(5).toString('hex')}`;

  function urlAs(name: string, password: string): string {
    const url = new URL(db.url);
    url.username = name;
    url.password = password;
    return url.toString();
  }

  async function asLogin<T>(password: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: urlAs(login, password) });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    // Roles are cluster-wide: this file's own are removed.
    await withAdminClient(db.adminUrl, (c) => c.query(`DROP ROLE IF EXISTS ${login}; DROP ROLE IF EXISTS ${privileged}`));
  });

  it('connects as the login, a member of the service role only, refused what the role is refused', async () => {
    const password = randomBytes(16).toString('hex');
    expect(await ensureServiceLogin(db.url, { name: login, password })).toBe('created');
    const seen = await asLogin(password, async (c) => {
      const who = await c.query<{ user: string; member: boolean; superuser: string }>(
        `SELECT current_user AS user, pg_has_role(current_user, $1, 'MEMBER') AS member, current_setting('is_superuser') AS superuser`,
        [SERVICE_ROLE],
      );
      const roles = await c.query<{ rolname: string }>(
        `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user`,
      );
      const refused = await c.query('DELETE FROM ledger_entry').then(
        () => null,
        (err: { code: string }) => err.code,
      );
      const ddl = await c.query('DROP TABLE ledger_entry').then(
        () => null,
        (err: { code: string }) => err.code,
      );
      const reads = await c.query('SELECT count(*) FROM ledger_entry');
      return { ...who.rows[0], roles: roles.rows.map((r) => r.rolname), refused, ddl, reads: reads.rowCount };
    });
    expect(seen).toEqual({ user: login, member: true, superuser: 'off', roles: [SERVICE_ROLE], refused: '42501', ddl: '42501', reads: 1 });
  });

  it('takes a rotated password on the next run', async () => {
    // This machine's PostgreSQL trusts local logins, so the stored verifier is what is compared, not a refused connection.
    const verifier = () =>
      withAdminClient(db.adminUrl, async (c) => {
        const { rows } = await c.query<{ p: string | null }>('SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [login]);
        return rows[0].p;
      });
    await ensureServiceLogin(db.url, { name: login, password: randomBytes(16).toString('hex') });
    const before = await verifier();
    expect(await ensureServiceLogin(db.url, { name: login, password: randomBytes(16).toString('hex') })).toBe('updated');
    const after = await verifier();
    expect(before).toMatch(/^SCRAM-SHA-256\$/);
    expect(after).toMatch(/^SCRAM-SHA-256\$/);
    expect(after).not.toBe(before);
  });

  it('refuses to hand the service an existing login with more rights than it needs', async () => {
    await withAdminClient(db.adminUrl, (c) => c.query(`CREATE ROLE ${privileged} LOGIN CREATEROLE`));
    await expect(ensureServiceLogin(db.url, { name: privileged, password: randomBytes(16).toString('hex') })).rejects.toThrow(
      `SERVICE_LOGIN ${privileged} already exists with more rights than the service needs`,
    );
  });
});
