import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inspections list (`inspections`, newest first) as index ranges that stop after a page: a regulator's
 * failed inspections are a range of (verdict, created_seq, id); a lab's own a range of (organization_id,
 * created_seq, id); every inspection a range of (created_seq, id). A batch's few inspections are read by
 * idx_inspection_batch, as before.
 */
export class InspectionLists1767600000101 implements MigrationInterface {
  name = 'InspectionLists1767600000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_inspection_created ON inspection (created_seq, id)`);
    await q.query(`CREATE INDEX idx_inspection_verdict_created ON inspection (verdict, created_seq, id)`);
    await q.query(`CREATE INDEX idx_inspection_organization_created ON inspection (organization_id, created_seq, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['idx_inspection_organization_created', 'idx_inspection_verdict_created', 'idx_inspection_created']) await q.query(`DROP INDEX ${name}`);
  }
}
