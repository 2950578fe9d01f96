import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * Units named by their producer, and events that name units (issue 18, points 3 and 5).
 *
 * - `unit_commissioning.serial_width`: how many bytes each serial takes in `serials`. Minted serials are
 *   16 characters (16, as before: minted commissionings read as they did); serials a producer gives are
 *   1 to 20 characters of GS1 set 82, stored in 20 bytes each, right-padded with spaces (a space is not in
 *   set 82, so the padding is never part of a serial). Slices stay fixed-width, so a download's chunk and
 *   a proof's block are still read by offset. The Merkle leaf is the serial without padding (ledger-format §4).
 * - `unit_event`: which EVENT_RECORDED entries name which units (the entry's payload `serials`), so a
 *   unit's page and `unit()` list the unit's own events by index, not by reading its lot's every entry.
 * - `unit_sale`: the RETAIL_SELLING entry that sold the unit; its key is the unit, so a unit is sold once
 *   (the service refuses the second sale first, naming it; the key is the backstop).
 */
export class UnitSerialsAndEvents1767000000101 implements MigrationInterface {
  name = 'UnitSerialsAndEvents1767000000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE unit_commissioning ADD COLUMN serial_width smallint NOT NULL DEFAULT 16`);
    await q.query(`ALTER TABLE unit_commissioning ADD CONSTRAINT chk_unit_commissioning_serial_width CHECK (serial_width IN (16, 20))`);
    await q.query(`
      CREATE TABLE unit_event (
        gtin bigint NOT NULL,
        serial text COLLATE "C" NOT NULL,
        entry_seq bigint NOT NULL,
        CONSTRAINT pk_unit_event PRIMARY KEY (gtin, serial, entry_seq)
      )`);
    await q.query(`
      CREATE TABLE unit_sale (
        gtin bigint NOT NULL,
        serial text COLLATE "C" NOT NULL,
        entry_seq bigint NOT NULL,
        CONSTRAINT pk_unit_sale PRIMARY KEY (gtin, serial)
      )`);
    // Append-only, as everywhere (1765446400000-service-role.ts).
    await q.query(`GRANT SELECT, INSERT ON TABLE unit_event TO ${SERVICE_ROLE}`);
    await q.query(`GRANT SELECT, INSERT ON TABLE unit_sale TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE unit_sale`);
    await q.query(`DROP TABLE unit_event`);
    await q.query(`ALTER TABLE unit_commissioning DROP CONSTRAINT chk_unit_commissioning_serial_width`);
    await q.query(`ALTER TABLE unit_commissioning DROP COLUMN serial_width`);
  }
}
