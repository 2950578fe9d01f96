import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * The EPCIS events each organization has captured, by event id (its eventID, or its CBV 2.0 event
 * hash ID when it came without one), with the hash ID as the fingerprint of its content and the ledger
 * entries and batches it was recorded as: a repeat of the same event is answered from here and
 * written nothing; the same id with other content is refused. The primary key is what stops two
 * identical captures at once from both writing (the writer's lock orders them; the key would refuse
 * the second). Append-only like the ledger it points into.
 */
export class EpcisCapturedEvents1766400000001 implements MigrationInterface {
  name = 'EpcisCapturedEvents1766400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE epcis_captured_event (
        organization_id uuid NOT NULL,
        event_id text NOT NULL,
        hash_id text NOT NULL,
        seqs bigint[] NOT NULL,
        batch_ids uuid[] NOT NULL,
        captured_at timestamp(3) with time zone NOT NULL DEFAULT now(),
        CONSTRAINT pk_epcis_captured_event PRIMARY KEY (organization_id, event_id),
        CONSTRAINT fk_epcis_captured_event_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
        CONSTRAINT chk_epcis_captured_event_ids CHECK (length(event_id) BETWEEN 1 AND 2048 AND hash_id LIKE 'ni:///sha-256;%?ver=CBV2.0')
      )`);
    await q.query(
      `CREATE TRIGGER epcis_captured_event_no_update_or_delete BEFORE UPDATE OR DELETE ON epcis_captured_event FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()`,
    );
    await q.query(`GRANT SELECT, INSERT ON TABLE epcis_captured_event TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE epcis_captured_event`);
  }
}
