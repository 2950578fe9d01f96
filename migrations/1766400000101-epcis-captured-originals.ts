import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each captured EPCIS event kept exactly as it was sent, with its document's "@context" (what its
 * prefixed extension names mean), so an export gives back the event itself and not what the ledger
 * payloads keep of it. Stored as JSON text, not jsonb: jsonb would refuse a "\u0000" inside a string
 * (the capture would fail on it). Rows captured before this migration have neither and export as
 * events generated from their ledger entries.
 * The GIN index answers "which captured event became ledger entry n" for exports and queries.
 */
export class EpcisCapturedOriginals1766400000101 implements MigrationInterface {
  name = 'EpcisCapturedOriginals1766400000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE epcis_captured_event ADD COLUMN event_json text, ADD COLUMN document_context_json text`);
    await q.query(`CREATE INDEX ix_epcis_captured_event_seqs ON epcis_captured_event USING gin (seqs)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_epcis_captured_event_seqs`);
    await q.query(`ALTER TABLE epcis_captured_event DROP COLUMN event_json, DROP COLUMN document_context_json`);
  }
}
