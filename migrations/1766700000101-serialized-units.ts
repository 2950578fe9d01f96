import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * Serialized units (issue 18): a commissioning (one UNITS_COMMISSIONED ledger entry) and its units.
 *
 * - `unit_commissioning`: one row per commissioning. `entry_seq` is null while its units are being
 *   written (they go in their own transaction, outside the ledger writer's lock, so a million rows do not
 *   stall every other append); readers see a commissioning only once its entry is in the ledger. (No
 *   foreign key to the entry: the writer inserts a group's entries when it commits, after its projections.)
 *   `block_hashes`: the serials tree's full 1,024-leaf blocks (src/units/serials-merkle.ts), for proofs;
 *   `serials`: every serial, 16 ASCII bytes each in minted order (16 MB for a million), which downloads
 *   and proofs read in slices: so `unit` needs one index only, and commissioning writes one.
 * - `unit`: a million rows a call, so narrow and with one index, (gtin, serial), what a scan and a check
 *   look up: the GTIN as a bigint, the serial as text, the check code as a 16-byte keyed hash. No foreign
 *   key: a per-row check would cost more than the insert itself. Units of a commissioning whose entry was
 *   refused (a race on its idempotency key, the database lost mid-way) stay, invisible like their pending
 *   row: the service deletes nothing.
 * - `unit_code_pending`: the plaintext check codes, sealed (AES-256-GCM under the service's unit secret),
 *   until a download has sent them whole; then `sealed` is overwritten with NULL (`delivered_at` says
 *   when). The codes exist nowhere else (the old row version lasts until VACUUM, still sealed).
 * - `unit_check`: the consumers' checks of a unit (correct ones counted, wrong guesses limited).
 */
export class SerializedUnits1766700000101 implements MigrationInterface {
  name = 'SerializedUnits1766700000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE unit_commissioning (
        id uuid NOT NULL,
        batch_id uuid NOT NULL,
        gtin bigint NOT NULL,
        count integer NOT NULL,
        serials_root bytea NOT NULL,
        block_hashes bytea NOT NULL,
        serials bytea NOT NULL,
        entry_seq bigint,
        created_at timestamp(3) with time zone NOT NULL DEFAULT now(),
        downloads integer NOT NULL DEFAULT 0,
        CONSTRAINT pk_unit_commissioning PRIMARY KEY (id),
        CONSTRAINT fk_unit_commissioning_batch FOREIGN KEY (batch_id) REFERENCES batch (id),
        CONSTRAINT chk_unit_commissioning_count CHECK (count BETWEEN 1 AND 1000000),
        CONSTRAINT chk_unit_commissioning_root CHECK (octet_length(serials_root) = 32)
      )`);
    // Read in slices (a download's chunk, a proof's block): stored uncompressed, so a slice reads only its pages.
    await q.query(`ALTER TABLE unit_commissioning ALTER COLUMN serials SET STORAGE EXTERNAL`);
    await q.query(`CREATE INDEX ix_unit_commissioning_batch ON unit_commissioning (batch_id)`);
    await q.query(`
      CREATE TABLE unit (
        commissioning_id uuid NOT NULL,
        position integer NOT NULL,
        gtin bigint NOT NULL,
        serial text COLLATE "C" NOT NULL,
        check_hash bytea NOT NULL,
        CONSTRAINT pk_unit PRIMARY KEY (gtin, serial)
      )`);
    await q.query(`
      CREATE TABLE unit_code_pending (
        commissioning_id uuid NOT NULL,
        sealed bytea,
        claimed_at timestamp(3) with time zone,
        delivered_at timestamp(3) with time zone,
        CONSTRAINT pk_unit_code_pending PRIMARY KEY (commissioning_id),
        CONSTRAINT fk_unit_code_pending_commissioning FOREIGN KEY (commissioning_id) REFERENCES unit_commissioning (id) ON DELETE CASCADE
      )`);
    await q.query(`
      CREATE TABLE unit_check (
        gtin bigint NOT NULL,
        serial text COLLATE "C" NOT NULL,
        checks integer NOT NULL DEFAULT 0,
        first_checked_at timestamp(3) with time zone,
        wrong integer NOT NULL DEFAULT 0,
        wrong_since timestamp(3) with time zone,
        CONSTRAINT pk_unit_check PRIMARY KEY (gtin, serial)
      )`);
    // No DELETE, as everywhere (1765446400000-service-role.ts): codes are overwritten, refused commissionings stay invisible.
    await q.query(`GRANT SELECT, INSERT, UPDATE ON TABLE unit_commissioning TO ${SERVICE_ROLE}`);
    await q.query(`GRANT SELECT, INSERT ON TABLE unit TO ${SERVICE_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON TABLE unit_code_pending TO ${SERVICE_ROLE}`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON TABLE unit_check TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['unit_check', 'unit_code_pending', 'unit', 'unit_commissioning']) await q.query(`DROP TABLE ${table}`);
  }
}
