import { MigrationInterface, QueryRunner } from 'typeorm';

/** What each affected batch held when recalled, what its holders report recovered, and when a recall closes. */
export class RecallRecovery1765094400000 implements MigrationInterface {
  name = 'RecallRecovery1765094400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE recall_batch ADD affected_quantity double precision NOT NULL DEFAULT 0, ADD unit character varying(16) NOT NULL DEFAULT ''`);
    await q.query(`ALTER TABLE recall ADD closed_at timestamp(3) with time zone, ADD closing_note character varying(1000)`);
    await q.query(`ALTER TABLE recall ADD CONSTRAINT chk_recall_closed CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL))`);
    await q.query(`
      CREATE TABLE recall_recovery (
        id uuid NOT NULL,
        recall_id uuid NOT NULL,
        batch_id uuid NOT NULL,
        organization_id uuid NOT NULL,
        quantity double precision NOT NULL,
        disposition character varying(12) NOT NULL,
        created_seq bigint NOT NULL,
        CONSTRAINT pk_recall_recovery PRIMARY KEY (id),
        CONSTRAINT fk_recall_recovery_recall_batch FOREIGN KEY (recall_id, batch_id) REFERENCES recall_batch (recall_id, batch_id),
        CONSTRAINT fk_recall_recovery_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
        CONSTRAINT chk_recall_recovery_quantity CHECK (quantity > 0),
        CONSTRAINT chk_recall_recovery_disposition CHECK (disposition IN ('RETURNED', 'DESTROYED'))
      )`);
    await q.query(`CREATE INDEX idx_recall_recovery_recall ON recall_recovery (recall_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE recall_recovery`);
    await q.query(`ALTER TABLE recall DROP CONSTRAINT chk_recall_closed`);
    await q.query(`ALTER TABLE recall DROP COLUMN closed_at, DROP COLUMN closing_note`);
    await q.query(`ALTER TABLE recall_batch DROP COLUMN affected_quantity, DROP COLUMN unit`);
  }
}
