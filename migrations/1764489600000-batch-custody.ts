import { MigrationInterface, QueryRunner } from 'typeorm';

/** Custody in transit: SHIPPING names who receives the batch and how much was shipped; RECEIVING clears it. */
export class BatchCustody1764489600000 implements MigrationInterface {
  name = 'BatchCustody1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE batch ADD in_transit_to_id uuid, ADD in_transit_quantity double precision, ADD shipped_by_id uuid`);
    await q.query(`ALTER TABLE batch ADD CONSTRAINT fk_batch_in_transit_to FOREIGN KEY (in_transit_to_id) REFERENCES organization (id)`);
    await q.query(`ALTER TABLE batch ADD CONSTRAINT fk_batch_shipped_by FOREIGN KEY (shipped_by_id) REFERENCES organization (id)`);
    await q.query(`
      ALTER TABLE batch ADD CONSTRAINT chk_batch_in_transit CHECK (
        (status = 'IN_TRANSIT') = (in_transit_to_id IS NOT NULL)
        AND (in_transit_to_id IS NULL) = (in_transit_quantity IS NULL)
        AND (in_transit_to_id IS NULL) = (shipped_by_id IS NULL))`);
    await q.query(`CREATE INDEX idx_batch_in_transit_to ON batch (in_transit_to_id) WHERE in_transit_to_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE batch DROP CONSTRAINT chk_batch_in_transit`);
    await q.query(`DROP INDEX idx_batch_in_transit_to`);
    await q.query(`ALTER TABLE batch DROP COLUMN in_transit_to_id, DROP COLUMN in_transit_quantity, DROP COLUMN shipped_by_id`);
  }
}
