import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * EPCIS 2.0 capture jobs (`GET /epcis/capture/{captureID}`), one per capture request that reached
 * its events, for the organization that sent it. Capture runs inside the request, so a job is written
 * once, finished: in the capture's own transaction when anything was recorded (an acknowledged
 * capture and its job commit together), or after the rollback when the capture was refused. A row
 * never changes, so the table is append-only like the ledger. `events` is what each recorded event
 * became (batches, repeats); `errors` one problem per refused event, with every reason.
 */
export class EpcisCaptureJobs1766400000201 implements MigrationInterface {
  name = 'EpcisCaptureJobs1766400000201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE epcis_capture_job (
        id uuid NOT NULL,
        organization_id uuid NOT NULL,
        error_behaviour text NOT NULL,
        success boolean NOT NULL,
        created_at timestamp(3) with time zone NOT NULL,
        finished_at timestamp(3) with time zone NOT NULL,
        event_count integer NOT NULL,
        events jsonb NOT NULL,
        errors jsonb NOT NULL,
        CONSTRAINT pk_epcis_capture_job PRIMARY KEY (id),
        CONSTRAINT fk_epcis_capture_job_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
        CONSTRAINT chk_epcis_capture_job_behaviour CHECK (error_behaviour IN ('rollback', 'proceed')),
        CONSTRAINT chk_epcis_capture_job_lists CHECK (jsonb_typeof(events) = 'array' AND jsonb_typeof(errors) = 'array' AND event_count >= 0)
      )`);
    // The caller's jobs, newest first, paged by (created_at, id).
    await q.query(`CREATE INDEX ix_epcis_capture_job_organization ON epcis_capture_job (organization_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE TRIGGER epcis_capture_job_no_update_or_delete BEFORE UPDATE OR DELETE ON epcis_capture_job FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()`,
    );
    await q.query(`GRANT SELECT, INSERT ON TABLE epcis_capture_job TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE epcis_capture_job`);
  }
}
