import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The regulators' batch filters as index ranges, newest first, that stop after a page. Before, a filter
 * on status, lot code, GTIN or region walked idx_batch_created from the newest batch and dropped every
 * row that did not match (a status seldom held, or the older of two producers, read the whole table
 * first: docs/benchmarks.md, "The lists' filters"). With these, status and lot code are ranges of their
 * own; a GTIN is one product, a range of idx_batch_product_created; a region is its facilities
 * (idx_facility_region), each a range of idx_batch_origin_created (lists.repository.ts, batchPageStatement).
 */
export class ListFilterIndexes1766600000101 implements MigrationInterface {
  name = 'ListFilterIndexes1766600000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_batch_status_created ON batch (status, created_seq, id)`);
    await q.query(`CREATE INDEX idx_batch_lot_code_created ON batch (lot_code, created_seq, id)`);
    await q.query(`CREATE INDEX idx_batch_origin_created ON batch (origin_facility_id, created_seq, id)`);
    await q.query(`CREATE INDEX idx_facility_region ON facility (region)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['idx_facility_region', 'idx_batch_origin_created', 'idx_batch_lot_code_created', 'idx_batch_status_created'])
      await q.query(`DROP INDEX ${name}`);
  }
}
