import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { SERVICE_ROLE } from '../../migrations/1765446400000-service-role.js';
import { pendingMigrations } from '../../src/database/migrate.js';
import { MIGRATIONS } from '../../src/database/data-source-options.js';
import { databaseUrl, withAdminClient } from '../../src/database/postgres-server.js';
import { seedDemo } from '../../src/demo/seed-demo.js';
import { ChainVerifier } from '../../src/ledger/chain-verifier.js';
import { draftEntry, requestFingerprint } from '../../src/ledger/ledger-entry.js';
import { LEDGER_ENTRY_COLUMNS, rowToLedgerEntry } from '../../src/ledger/ledger-row.js';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { createTestApp, gqlOk, TEST_ADMIN_KEY } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { CREATE_CHECKPOINT, VERIFY_LEDGER } from '../support/documents.js';

/**
 * The service as the operator runs it with least privilege: a login role that is a member of the
 * service role (as the README says to create it) appends through the real writer and runs the whole
 * service, while the database refuses it anything that rewrites history: UPDATE, DELETE and TRUNCATE
 * on the ledger by permission (before any trigger is asked), and any DDL, since it owns nothing.
 */
const LEDGER_TABLES = ['ledger_entry', 'merkle_node', 'checkpoint'];
const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

/** The SQLSTATE and message a statement fails with, or null when it succeeds. */
async function refusal(client: pg.Client, sql: string): Promise<{ code: string; message: string } | null> {
  try {
    await client.query(sql);
    return null;
  } catch (err) {
    const { code, message } = err as { code: string; message: string };
    return { code, message };
  }
}

describe('the service role (least privilege)', () => {
  let db: TestDatabase;
  const login = `suyuan_test_service_${randomBytes(5).toString('hex')}`;
  let loginUrl: string;
  let sql: pg.Client;
  let admin: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    const password = randomBytes(12).toString('hex');
    // Roles are cluster-wide: a login of this file's own, removed in afterAll.
    await withAdminClient(db.adminUrl, (c) => c.query(`CREATE ROLE ${login} LOGIN PASSWORD '${password}' IN ROLE ${SERVICE_ROLE}`));
    const url = new URL(db.url);
    url.username = login;
    url.password = password;
    loginUrl = url.toString();
    sql = new pg.Client({ connectionString: loginUrl });
    await sql.connect();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await admin?.end();
    await db?.drop();
    await withAdminClient(db.adminUrl, (c) => c.query(`DROP ROLE IF EXISTS ${login}`));
  });

  it('may read every table, only append to the ledger, move the head, delete and truncate nothing, and owns nothing', async () => {
    const { rows } = await admin.query<{ table: string; privilege: string; granted: boolean }>(
      `SELECT t.tablename AS table, p.privilege, has_table_privilege($1, format('public.%I', t.tablename), p.privilege) AS granted
       FROM pg_tables t CROSS JOIN unnest($2::text[]) AS p(privilege) WHERE t.schemaname = 'public'`,
      [login, PRIVILEGES],
    );
    const granted = (table: string) => rows.filter((r) => r.table === table && r.granted).map((r) => r.privilege);
    for (const table of LEDGER_TABLES) expect([table, granted(table)]).toEqual([table, ['SELECT', 'INSERT']]);
    expect(granted('ledger_head')).toEqual(['SELECT', 'UPDATE']);
    const tables = [...new Set(rows.map((r) => r.table))];
    expect(tables.length).toBeGreaterThan(15);
    // A table a later migration forgets to grant shows up here.
    for (const table of tables) expect([table, granted(table)]).toEqual([table, expect.arrayContaining(['SELECT'])]);
    expect(rows.filter((r) => r.granted && !['SELECT', 'INSERT', 'UPDATE'].includes(r.privilege))).toEqual([]);

    const owned = await admin.query(`SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = ANY($1)`, [
      [SERVICE_ROLE, login],
    ]);
    expect(owned.rows).toEqual([]);
    const role = await admin.query('SELECT rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = $1', [SERVICE_ROLE]);
    expect(role.rows).toEqual([{ rolcanlogin: false, rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false }]);
  });

  it('appends through the real LedgerWriter, and the chain it reads back verifies', async () => {
    const pool = new pg.Pool({ connectionString: loginUrl, max: 4 });
    try {
      const writer = new LedgerWriter(pool);
      const batch = randomUUID();
      // Without keys (the optimistic way, once the writer knows the head) and with keys (the locked way).
      for (let round = 0; round < 2; round++) {
        await Promise.all(Array.from({ length: 20 }, (_, i) => writer.append('org', [draftEntry('EVENT_RECORDED', i % 2 ? batch : null, { round, i })])));
      }
      const key = { idempotencyKey: 'least-privilege-1', requestHash: requestFingerprint('test', { n: 1 }) };
      const [first] = await writer.append('org', [draftEntry('EVENT_RECORDED', batch, { n: 1 }, key)]);

      const { rows } = await sql.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry ORDER BY seq`);
      const verifier = new ChainVerifier({ fromSeq: 1, previousHash: null });
      for (const row of rows) verifier.check(rowToLedgerEntry(row));
      expect(verifier.finish(rows.length)).toMatchObject({ valid: true, checkedEntries: 41 });
      expect(rows.at(-1)).toMatchObject({ seq: String(first.seq), hash: first.hash });
      const head = await sql.query('SELECT seq, hash FROM ledger_head');
      expect(head.rows[0]).toEqual({ seq: String(first.seq), hash: first.hash });
      const nodes = await sql.query<{ n: string }>('SELECT count(*) AS n FROM merkle_node');
      expect(Number(nodes.rows[0].n)).toBeGreaterThan(0); // 41 leaves complete two 16-leaf subtrees
    } finally {
      await pool.end();
    }
  });

  it('is refused UPDATE, DELETE and TRUNCATE on the ledger by permission, not only by the triggers', async () => {
    for (const table of LEDGER_TABLES) {
      const column = table === 'checkpoint' ? 'root_hash' : 'hash';
      for (const statement of [`UPDATE ${table} SET ${column} = ${column}`, `DELETE FROM ${table}`, `TRUNCATE ${table}`]) {
        // The triggers answer 42501 too, with "append-only": the message tells the two apart.
        expect([statement, await refusal(sql, statement)]).toEqual([statement, { code: '42501', message: `permission denied for table ${table}` }]);
      }
    }
    for (const statement of ['DELETE FROM ledger_head', 'TRUNCATE ledger_head', 'DELETE FROM batch', 'TRUNCATE batch CASCADE']) {
      expect([statement, (await refusal(sql, statement))?.code]).toEqual([statement, '42501']);
    }
    // UPDATE on the head is granted (it moves forward), and its trigger still refuses moving it back.
    expect(await refusal(sql, 'UPDATE ledger_head SET seq = 0')).toEqual({ code: '42501', message: 'ledger_head only moves forward: UPDATE refused' });
  });

  it('owns nothing: no ALTER, DROP or DISABLE TRIGGER, no new tables, no way around the triggers', async () => {
    const mustOwn = [
      ['ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_no_update_or_delete', 'must be owner of table ledger_entry'],
      ['ALTER TABLE ledger_entry DISABLE TRIGGER ALL', 'must be owner of table ledger_entry'],
      ['DROP TRIGGER ledger_head_forward_only ON ledger_head', 'must be owner of relation ledger_head'],
      ['ALTER TABLE ledger_entry DROP CONSTRAINT uq_ledger_entry_prev_hash', 'must be owner of table ledger_entry'],
      ['DROP TABLE ledger_entry', 'must be owner of table ledger_entry'],
      ['DROP FUNCTION ledger_entry_refuse_change() CASCADE', 'must be owner of function ledger_entry_refuse_change'],
      ['ALTER TABLE batch ADD COLUMN note text', 'must be owner of table batch'],
    ];
    for (const [statement, message] of mustOwn) expect([statement, await refusal(sql, statement)]).toEqual([statement, { code: '42501', message }]);
    // Replica mode would skip the triggers: only a superuser may set it.
    expect((await refusal(sql, 'SET session_replication_role = replica'))?.code).toBe('42501');
    // No table of its own either (the default since PostgreSQL 15: PUBLIC may not CREATE in schema public).
    expect(await refusal(sql, 'CREATE TABLE public.shadow_ledger (seq bigint)')).toEqual({ code: '42501', message: 'permission denied for schema public' });
    // Nor can it hand anyone a right it lacks (PostgreSQL warns and grants nothing).
    await refusal(sql, 'GRANT DELETE ON ledger_entry TO PUBLIC');
    expect((await admin.query(`SELECT has_table_privilege($1, 'ledger_entry', 'DELETE') AS granted`, [login])).rows).toEqual([{ granted: false }]);
  });

  it('lets a start with MIGRATE_ON_START=false tell a database that is up to date from one that is behind', async () => {
    expect(await pendingMigrations(loginUrl)).toEqual([]);
    const empty = `${db.name}_empty`;
    await withAdminClient(db.adminUrl, (c) => c.query(`CREATE DATABASE ${empty}`));
    try {
      expect(await pendingMigrations(databaseUrl(db.adminUrl, empty))).toEqual(MIGRATIONS.map((m) => new m().name));
    } finally {
      await withAdminClient(db.adminUrl, (c) => c.query(`DROP DATABASE ${empty}`));
    }
  });

  it('runs the whole service: an organization, its facility, product and batch, an event, the demo, a scan; the ledger verifies', async () => {
    let app: INestApplication<App> | undefined;
    try {
      // Behind a proxy, so the two scans below come from two clients (one client counts once a day).
      app = await createTestApp(loginUrl, { TRUST_PROXY: 'true' });
      const producer = await createOrg(app, 'PRODUCER');
      const facilityId = await registerFacility(app, producer);
      const productId = await registerProduct(app, producer);
      const batch = await registerBatch(app, producer, productId, facilityId);
      const recorded = await gqlOk(
        app,
        // Not documents.ts's RECORD_EVENT: the test reads the entry's type and batch.
        'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq type batchId } }',
        { input: { batchId: batch.id, bizStep: 'RETAIL_SELLING', eventTime: '2026-10-07T10:00:00.000Z', facilityId, quantity: 10, idempotencyKey: 'sell-1' } },
        producer.key,
      );
      expect(recorded.recordEvent).toMatchObject({ type: 'EVENT_RECORDED', batchId: batch.id });
      const stored = await admin.query('SELECT quantity FROM batch WHERE id = $1', [batch.id]);
      expect(stored.rows).toEqual([{ quantity: 990 }]);

      // The demo records shipping, receiving, cold chain, certificates and a recall: every kind of projection write.
      const demo = await seedDemo(app);
      expect(demo.batches.length).toBeGreaterThan(1);
      const page = await request(app.getHttpServer()).get(`/q/${demo.batches[0].traceCode}`);
      expect(page.status).toBe(200);
      // The second scan of the day raises the count (INSERT … ON CONFLICT DO UPDATE).
      const token = /data-token="([\w-]+)"/.exec(page.text)![1];
      for (const scans of [1, 2]) {
        const counted = await request(app.getHttpServer())
          .post(`/q/${demo.batches[0].traceCode}/scans`)
          .set('x-scan-token', token)
          .set('x-forwarded-for', `192.0.2.${scans}`);
        expect([counted.status, counted.body.scans]).toEqual([200, scans]);
      }

      await gqlOk(app, CREATE_CHECKPOINT, {}, TEST_ADMIN_KEY);
      const verification = await gqlOk(app, VERIFY_LEDGER, {}, TEST_ADMIN_KEY);
      const size = await admin.query<{ n: string }>('SELECT count(*) AS n FROM ledger_entry');
      expect(verification.verifyLedger).toEqual({ valid: true, checkedEntries: Number(size.rows[0].n), reason: null });
    } finally {
      await app?.close();
    }
  });
});
