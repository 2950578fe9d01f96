import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * EPCIS error declarations are ledger entries (EVENT_DECLARED_ERRONEOUS) on the chains of the batches the
 * declared event touched. Every page, timeline and trace asks, for each event it shows, whether one declares
 * it erroneous: this partial index makes that a probe of a (nearly always empty) range, not a walk of the
 * batch's whole chain. A plain index in a migration of its own: the table is append-only, nothing changes.
 */
export class ErrorDeclarationIndex1766400000301 implements MigrationInterface {
  name = 'ErrorDeclarationIndex1766400000301';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX idx_ledger_entry_error_declaration ON ledger_entry (batch_id, seq) WHERE type = 'EVENT_DECLARED_ERRONEOUS'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_ledger_entry_error_declaration`);
  }
}
