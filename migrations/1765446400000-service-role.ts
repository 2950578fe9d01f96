import { MigrationInterface, QueryRunner } from 'typeorm';

/** The role the running service connects as (through a login role that is a member of it). */
export const SERVICE_ROLE = 'suyuan_app';

/**
 * What the service does to each table, read from its repositories. The ledger, its Merkle tree and its
 * checkpoints only grow; the head only moves forward; projections change only where the code changes them.
 * No DELETE or TRUNCATE anywhere.
 */
const SERVICE_GRANTS: [table: string, privileges: string][] = [
  ['ledger_entry', 'SELECT, INSERT'],
  ['merkle_node', 'SELECT, INSERT'],
  ['checkpoint', 'SELECT, INSERT'],
  // Every append group locks the row (FOR UPDATE needs UPDATE) and moves it; its trigger refuses going back.
  ['ledger_head', 'SELECT, UPDATE'],
  ['organization', 'SELECT, INSERT'],
  // Keys are revoked, and their last use noted.
  ['api_key', 'SELECT, INSERT, UPDATE'],
  ['facility', 'SELECT, INSERT'],
  ['product', 'SELECT, INSERT'],
  // Custody, quantity, holds, recalls and the cold-chain summary follow the batch's entries.
  ['batch', 'SELECT, INSERT, UPDATE'],
  ['transformation', 'SELECT, INSERT'],
  ['lineage_edge', 'SELECT, INSERT'],
  ['temperature_reading', 'SELECT, INSERT'],
  ['inspection', 'SELECT, INSERT'],
  ['certificate', 'SELECT, INSERT'],
  // A day's scan count goes up (INSERT … ON CONFLICT DO UPDATE).
  ['scan_count', 'SELECT, INSERT, UPDATE'],
  // A recall is closed.
  ['recall', 'SELECT, INSERT, UPDATE'],
  ['recall_batch', 'SELECT, INSERT'],
  ['recall_recovery', 'SELECT, INSERT'],
  // An organization replaces its endpoint; deliveries count attempts and are marked delivered.
  ['webhook', 'SELECT, INSERT, UPDATE'],
  ['webhook_delivery', 'SELECT, INSERT, UPDATE'],
  // So a service started with MIGRATE_ON_START=false can tell the schema is current.
  ['migrations', 'SELECT'],
];

/**
 * Least privilege: a role for the running service that reads, appends to the ledger and moves its head,
 * and owns nothing, so it can neither alter nor drop a table nor disable a trigger. Migrations keep
 * running as the owner. Roles are cluster-wide: the role is created once (NOLOGIN; the operator gives
 * a login role its membership) and may already exist for another database on the same server.
 * A later migration that adds a table grants the service what it needs there.
 */
export class ServiceRole1765446400000 implements MigrationInterface {
  name = 'ServiceRole1765446400000';

  async up(q: QueryRunner): Promise<void> {
    // Two databases migrated at once may both find the role missing: the loser of the race carries on.
    await q.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${SERVICE_ROLE}') THEN
          CREATE ROLE ${SERVICE_ROLE} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL;
      END
      $$`);
    await q.query(`DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO ${SERVICE_ROLE}', current_database()); END $$`);
    await q.query(`GRANT USAGE ON SCHEMA public TO ${SERVICE_ROLE}`);
    for (const [table, privileges] of SERVICE_GRANTS) await q.query(`GRANT ${privileges} ON TABLE ${table} TO ${SERVICE_ROLE}`);
  }

  /** Revokes what `up` granted here; the role stays, as other databases on the server may use it. */
  async down(q: QueryRunner): Promise<void> {
    for (const [table] of SERVICE_GRANTS) await q.query(`REVOKE ALL ON TABLE ${table} FROM ${SERVICE_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${SERVICE_ROLE}`);
    await q.query(`DO $$ BEGIN EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM ${SERVICE_ROLE}', current_database()); END $$`);
  }
}
