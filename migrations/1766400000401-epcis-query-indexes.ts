import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The EPCIS query interface (GET /epcis/events) reads one organization's entries in ledger order from a
 * cursor, and looks an event up by the ledger entry hash its eventID names. Without these, both walked the
 * whole ledger, and one organization's query would slow every other's. (The captured event an entry
 * belongs to is found by ix_epcis_captured_event_seqs, migration 1766400000101.) Plain indexes: the
 * ledger is append-only.
 */
export class EpcisQueryIndexes1766400000401 implements MigrationInterface {
  name = 'EpcisQueryIndexes1766400000401';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_ledger_entry_actor_seq ON ledger_entry (actor, seq) WHERE payload IS NOT NULL`);
    await q.query(`CREATE INDEX idx_ledger_entry_hash ON ledger_entry (hash)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_ledger_entry_hash`);
    await q.query(`DROP INDEX idx_ledger_entry_actor_seq`);
  }
}
