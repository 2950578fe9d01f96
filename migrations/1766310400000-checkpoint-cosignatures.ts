import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * Witnesses' cosignatures (C2SP tlog-cosignature) of the service's checkpoints: one line per
 * checkpoint and witness, kept only once it verified against the witness's configured key, and
 * served after the log's own signature. Append-only like the checkpoints they sign.
 */
export class CheckpointCosignatures1766310400000 implements MigrationInterface {
  name = 'CheckpointCosignatures1766310400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE checkpoint_cosignature (
        tree_size bigint NOT NULL,
        witness text NOT NULL,
        signature_line text NOT NULL,
        created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
        CONSTRAINT pk_checkpoint_cosignature PRIMARY KEY (tree_size, witness),
        CONSTRAINT fk_checkpoint_cosignature_checkpoint FOREIGN KEY (tree_size) REFERENCES checkpoint (tree_size),
        CONSTRAINT chk_checkpoint_cosignature_line CHECK (length(signature_line) <= 400 AND signature_line LIKE '\u2014 %')
      )`);
    await q.query(
      `CREATE TRIGGER checkpoint_cosignature_no_update_or_delete BEFORE UPDATE OR DELETE ON checkpoint_cosignature FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()`,
    );
    await q.query(`GRANT SELECT, INSERT ON TABLE checkpoint_cosignature TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE checkpoint_cosignature`);
  }
}
