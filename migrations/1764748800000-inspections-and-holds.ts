import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sampling inspections, and holds: a failed inspection holds the batch and every batch made from it
 * until a regulator releases it. A batch in transit keeps its status and is held on arrival.
 */
export class InspectionsAndHolds1764748800000 implements MigrationInterface {
  name = 'InspectionsAndHolds1764748800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inspection (
        id uuid NOT NULL,
        batch_id uuid NOT NULL,
        organization_id uuid NOT NULL,
        agency character varying(200),
        standard character varying(200),
        verdict character varying(8) NOT NULL,
        items jsonb NOT NULL,
        created_seq bigint NOT NULL,
        CONSTRAINT pk_inspection PRIMARY KEY (id),
        CONSTRAINT fk_inspection_batch FOREIGN KEY (batch_id) REFERENCES batch (id),
        CONSTRAINT fk_inspection_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
        CONSTRAINT chk_inspection_verdict CHECK (verdict IN ('PASS', 'FAIL'))
      )`);
    await q.query(`CREATE INDEX idx_inspection_batch ON inspection (batch_id)`);
    await q.query(`ALTER TABLE batch ADD held boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE batch ADD CONSTRAINT chk_batch_held CHECK (status <> 'ON_HOLD' OR held)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE batch DROP CONSTRAINT chk_batch_held`);
    await q.query(`ALTER TABLE batch DROP COLUMN held`);
    await q.query(`DROP TABLE inspection`);
  }
}
