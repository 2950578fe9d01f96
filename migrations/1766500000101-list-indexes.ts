import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lists (viewer's facilities, products and batches; regulators' batches, organizations and recalls)
 * read keyset pages newest first, by (created_seq, id), within an owner where there is one. These
 * indexes let each page be an index range that stops after `first` rows, however long the list: without
 * them every page read and sorted all of an organization's rows (or every batch).
 */
export class ListIndexes1766500000101 implements MigrationInterface {
  name = 'ListIndexes1766500000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_batch_created ON batch (created_seq, id)`);
    await q.query(`CREATE INDEX idx_batch_producer_created ON batch (producer_id, created_seq, id)`);
    await q.query(`CREATE INDEX idx_batch_custodian_created ON batch (custodian_id, created_seq, id)`);
    await q.query(`CREATE INDEX idx_batch_product_created ON batch (product_id, created_seq, id)`);
    await q.query(`CREATE INDEX idx_facility_organization_created ON facility (organization_id, created_seq, id)`);
    await q.query(`CREATE INDEX idx_product_organization_created ON product (organization_id, created_seq, id)`);
    await q.query(`CREATE INDEX idx_organization_created ON organization (created_seq, id)`);
    await q.query(`CREATE INDEX idx_recall_created ON recall (created_seq, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of [
      'idx_recall_created',
      'idx_organization_created',
      'idx_product_organization_created',
      'idx_facility_organization_created',
      'idx_batch_product_created',
      'idx_batch_custodian_created',
      'idx_batch_producer_created',
      'idx_batch_created',
    ])
      await q.query(`DROP INDEX ${name}`);
  }
}
