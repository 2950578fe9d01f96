import { MigrationInterface, QueryRunner } from 'typeorm';

/** How often each batch's page is opened, per day: a count and nothing else (no address, no device). */
export class ScanCounts1764921600000 implements MigrationInterface {
  name = 'ScanCounts1764921600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scan_count (
        batch_id uuid NOT NULL,
        day date NOT NULL,
        count integer NOT NULL,
        CONSTRAINT pk_scan_count PRIMARY KEY (batch_id, day),
        CONSTRAINT fk_scan_count_batch FOREIGN KEY (batch_id) REFERENCES batch (id),
        CONSTRAINT chk_scan_count_count CHECK (count > 0)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scan_count`);
  }
}
