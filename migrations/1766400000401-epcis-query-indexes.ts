import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The EPCIS query interface (GET /epcis/events) reads one organization's entries in ledger order from a
 * cursor, finds the captured event an entry belongs to, and looks an event up by the hash its eventID
 * names. Without these, each of those walked the whole ledger or the whole captured-event table, and one
 * organization's query would slow every other's. Plain indexes: the tables are append-only.
 */
export class EpcisQueryIndexes1766400000401 implements MigrationInterface {
  name = 'EpcisQueryIndexes1766400000401';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_ledger_entry_actor_seq ON ledger_entry (actor, seq) WHERE payload IS NOT NULL`);
    await q.query(`CREATE INDEX idx_ledger_entry_hash ON ledger_entry (hash)`);
    await q.query(`CREATE INDEX idx_epcis_captured_event_seqs ON epcis_captured_event USING gin (seqs)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_epcis_captured_event_seqs`);
    await q.query(`DROP INDEX idx_ledger_entry_hash`);
    await q.query(`DROP INDEX idx_ledger_entry_actor_seq`);
  }
}
