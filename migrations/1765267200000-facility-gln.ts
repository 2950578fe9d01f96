import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A facility's GS1 Global Location Number, optional: EPCIS documents name places by GLN (SGLN or
 * Digital Link /414/), so an EPCIS capture can find the facility an event happened at.
 */
export class FacilityGln1765267200000 implements MigrationInterface {
  name = 'FacilityGln1765267200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE facility ADD COLUMN gln character(13)`);
    await q.query(`ALTER TABLE facility ADD CONSTRAINT uq_facility_gln UNIQUE (gln)`);
    await q.query(`ALTER TABLE facility ADD CONSTRAINT chk_facility_gln CHECK (gln ~ '^[0-9]{13}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE facility DROP COLUMN gln`);
  }
}
