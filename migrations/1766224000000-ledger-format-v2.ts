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
    // NOT VALID: every new row is checked; rows from before (none, unless this was undone and redone with v2
    // entries in the ledger, whose member ends the undo dropped) are left for the SQL check to name.
    await q.query(
      `ALTER TABLE ledger_entry ADD CONSTRAINT chk_ledger_entry_member_ends CHECK ((payload_member_ends IS NULL) = (v = 1 OR payload IS NULL)) NOT VALID`,
    );
  }

  /** Back to v1 for new rows; v2 entries already written stay (the ledger is append-only), NOT VALID keeps them. */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ledger_entry DROP CONSTRAINT chk_ledger_entry_member_ends`);
    await q.query(`ALTER TABLE ledger_entry DROP CONSTRAINT chk_ledger_entry_v`);
    await q.query(`ALTER TABLE ledger_entry ADD CONSTRAINT chk_ledger_entry_v CHECK (v = 1) NOT VALID`);
    await q.query(`ALTER TABLE ledger_entry DROP COLUMN payload_member_ends`);
  }
}
