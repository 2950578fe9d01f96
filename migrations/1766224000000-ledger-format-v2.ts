import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ledger format v2 (docs/ledger-format.md): an entry may be version 2, its payload committed member by
 * member. payload_member_ends says where each member of a v2 payload ends (in characters), so the SQL
 * check can recompute the member hashes without parsing JSON; v1 entries have none.
 */
export class LedgerFormatV21766224000000 implements MigrationInterface {
  name = 'LedgerFormatV21766224000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_entry ADD COLUMN payload_member_ends integer[]`);
    await q.query(`ALTER TABLE ledger_entry DROP CONSTRAINT chk_ledger_entry_v`);
    await q.query(`ALTER TABLE ledger_entry ADD CONSTRAINT chk_ledger_entry_v CHECK (v IN (1, 2))`);
    await q.query(
      `ALTER TABLE ledger_entry ADD CONSTRAINT chk_ledger_entry_member_ends CHECK ((payload_member_ends IS NULL) = (v = 1 OR payload IS NULL))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_entry DROP CONSTRAINT chk_ledger_entry_member_ends`);
    await q.query(`ALTER TABLE ledger_entry DROP CONSTRAINT chk_ledger_entry_v`);
    await q.query(`ALTER TABLE ledger_entry ADD CONSTRAINT chk_ledger_entry_v CHECK (v = 1)`);
    await q.query(`ALTER TABLE ledger_entry DROP COLUMN payload_member_ends`);
  }
}
