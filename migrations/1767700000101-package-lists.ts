import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The viewer's package lists (Viewer.packages, Viewer.inboundPackages) as index ranges, newest packing
 * first, that stop after a page: the packages in an organization's custody, and those shipped to it and
 * not yet received (packages.repository.ts, listOf).
 */
export class PackageLists1767700000101 implements MigrationInterface {
  name = 'PackageLists1767700000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_package_custodian_packed ON package (custodian_id, packed_seq) WHERE status <> 'UNPACKED'`);
    await q.query(`CREATE INDEX idx_package_inbound_packed ON package (in_transit_to_id, packed_seq) WHERE status = 'IN_TRANSIT'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of ['idx_package_inbound_packed', 'idx_package_custodian_packed']) await q.query(`DROP INDEX ${name}`);
  }
}
