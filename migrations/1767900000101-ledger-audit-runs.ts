import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * The ledger's audits, one row per completed run: verifyLedger (a regulator's or the admin's check of
 * the chain over a range, with the projection audit when asked and the range reaches the head) and the
 * service's own periodic projection audit. So "when was the ledger last checked, by whom, and what was
 * found" outlives the process that ran it. Append-only: a record of checks is not edited afterwards.
 */
export class LedgerAuditRuns1767900000101 implements MigrationInterface {
  name = 'LedgerAuditRuns1767900000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_audit_run (
        id uuid NOT NULL,
        finished_at timestamp(3) with time zone NOT NULL,
        requested_by_kind text NOT NULL,
        requested_by_id uuid,
        from_seq bigint NOT NULL,
        to_seq bigint NOT NULL,
        chain_valid boolean,
        checked_entries bigint,
        first_invalid_seq bigint,
        projections_clean boolean,
        rows_checked bigint,
        disagreements bigint,
        unchecked_rows bigint,
        CONSTRAINT pk_ledger_audit_run PRIMARY KEY (id),
        CONSTRAINT chk_ledger_audit_run_requester CHECK (
          (requested_by_kind = 'ORGANIZATION') = (requested_by_id IS NOT NULL) AND requested_by_kind IN ('ADMIN', 'ORGANIZATION', 'SCHEDULE')),
        CONSTRAINT chk_ledger_audit_run_checked CHECK (chain_valid IS NOT NULL OR projections_clean IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX idx_ledger_audit_run_finished ON ledger_audit_run (finished_at DESC)`);
    await q.query(
      `CREATE TRIGGER ledger_audit_run_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_audit_run FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()`,
    );
    await q.query(`GRANT SELECT, INSERT ON TABLE ledger_audit_run TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger_audit_run`);
  }
}
