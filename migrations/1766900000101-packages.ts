import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * Packing serialized units into cases and pallets (issue 18, point 3): packages named by SSCC.
 *
 * - `organization.gs1_company_prefix`: the GS1 company prefix an organization's SSCCs are minted from
 *   and checked against (6–12 digits; one organization per prefix). The service may change only that column.
 * - `sscc_counter`: the next SSCC number of each organization (src/packages/sscc.ts nthSscc), taken under
 *   the ledger writer's lock: minted SSCCs never collide, and never repeat.
 * - `package`: one row per SSCC ever packed (never reused: GS1 asks SSCCs not be reused for a year, and a
 *   package's ledger entries name it for ever). Custody of a package (and of everything in it) is on its
 *   row: `custodian_id`, and `in_transit_to_id` while shipped. `status` UNPACKED once `unpack` emptied it.
 * - `package_unit` / `package_child`: what is in a package, units by (gtin, serial) and packages by SSCC.
 *   The service deletes nothing, so taking a child out sets `unpacked_seq`; a partial unique index keeps a
 *   unit, or a package, in one package at a time: a unit packed twice is refused by the database too.
 * - `package_event`: the ledger entries about each package (packed, shipped, received, unpacked), which a
 *   unit's page lists for the packages it is in, without reading the ledger's payloads.
 * - `unit_holder`: a unit's custodian once a package it was in was received by another organization
 *   (before that, its lot's custodian holds it).
 */
export class Packages1766900000101 implements MigrationInterface {
  name = 'Packages1766900000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organization ADD gs1_company_prefix character varying(12)`);
    await q.query(`ALTER TABLE organization ADD CONSTRAINT uq_organization_gs1_company_prefix UNIQUE (gs1_company_prefix)`);
    await q.query(`ALTER TABLE organization ADD CONSTRAINT chk_organization_gs1_company_prefix CHECK (gs1_company_prefix ~ '^[0-9]{6,12}$')`);
    await q.query(`
      CREATE TABLE sscc_counter (
        organization_id uuid NOT NULL,
        next bigint NOT NULL DEFAULT 0,
        CONSTRAINT pk_sscc_counter PRIMARY KEY (organization_id),
        CONSTRAINT fk_sscc_counter_organization FOREIGN KEY (organization_id) REFERENCES organization (id)
      )`);
    await q.query(`
      CREATE TABLE package (
        sscc character(18) NOT NULL,
        organization_id uuid NOT NULL,
        facility_id uuid NOT NULL,
        packed_seq bigint NOT NULL,
        child_count integer NOT NULL,
        custodian_id uuid NOT NULL,
        status character varying(16) NOT NULL DEFAULT 'PACKED',
        in_transit_to_id uuid,
        shipped_by_id uuid,
        unpacked_seq bigint,
        CONSTRAINT pk_package PRIMARY KEY (sscc),
        CONSTRAINT fk_package_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
        CONSTRAINT fk_package_facility FOREIGN KEY (facility_id) REFERENCES facility (id),
        CONSTRAINT fk_package_custodian FOREIGN KEY (custodian_id) REFERENCES organization (id),
        CONSTRAINT fk_package_in_transit_to FOREIGN KEY (in_transit_to_id) REFERENCES organization (id),
        CONSTRAINT chk_package_status CHECK (status IN ('PACKED', 'IN_TRANSIT', 'UNPACKED')),
        CONSTRAINT chk_package_in_transit CHECK ((status = 'IN_TRANSIT') = (in_transit_to_id IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE package_unit (
        sscc character(18) NOT NULL,
        gtin bigint NOT NULL,
        serial text COLLATE "C" NOT NULL,
        packed_seq bigint NOT NULL,
        unpacked_seq bigint,
        CONSTRAINT pk_package_unit PRIMARY KEY (sscc, gtin, serial),
        CONSTRAINT fk_package_unit_package FOREIGN KEY (sscc) REFERENCES package (sscc)
      )`);
    // A unit is in one package at a time: what a unit's scan looks up, by (gtin, serial).
    await q.query(`CREATE UNIQUE INDEX uq_package_unit_packed ON package_unit (gtin, serial) WHERE unpacked_seq IS NULL`);
    await q.query(`
      CREATE TABLE package_child (
        parent_sscc character(18) NOT NULL,
        child_sscc character(18) NOT NULL,
        packed_seq bigint NOT NULL,
        unpacked_seq bigint,
        CONSTRAINT pk_package_child PRIMARY KEY (parent_sscc, child_sscc),
        CONSTRAINT fk_package_child_parent FOREIGN KEY (parent_sscc) REFERENCES package (sscc),
        CONSTRAINT fk_package_child_child FOREIGN KEY (child_sscc) REFERENCES package (sscc),
        CONSTRAINT chk_package_child_not_itself CHECK (parent_sscc <> child_sscc)
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_package_child_packed ON package_child (child_sscc) WHERE unpacked_seq IS NULL`);
    await q.query(`
      CREATE TABLE package_event (
        sscc character(18) NOT NULL,
        seq bigint NOT NULL,
        type character varying(32) NOT NULL,
        CONSTRAINT pk_package_event PRIMARY KEY (sscc, seq),
        CONSTRAINT fk_package_event_package FOREIGN KEY (sscc) REFERENCES package (sscc)
      )`);
    await q.query(`
      CREATE TABLE unit_holder (
        gtin bigint NOT NULL,
        serial text COLLATE "C" NOT NULL,
        custodian_id uuid NOT NULL,
        since_seq bigint NOT NULL,
        CONSTRAINT pk_unit_holder PRIMARY KEY (gtin, serial),
        CONSTRAINT fk_unit_holder_custodian FOREIGN KEY (custodian_id) REFERENCES organization (id)
      )`);
    // No DELETE, as everywhere (1765446400000-service-role.ts): children are marked unpacked, holders overwritten.
    await q.query(`GRANT UPDATE (gs1_company_prefix) ON TABLE organization TO ${SERVICE_ROLE}`);
    for (const table of ['sscc_counter', 'package', 'package_unit', 'package_child', 'package_event', 'unit_holder'])
      await q.query(`GRANT SELECT, INSERT, UPDATE ON TABLE ${table} TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['unit_holder', 'package_event', 'package_child', 'package_unit', 'package', 'sscc_counter']) await q.query(`DROP TABLE ${table}`);
    await q.query(`REVOKE UPDATE (gs1_company_prefix) ON TABLE organization FROM ${SERVICE_ROLE}`);
    await q.query(`ALTER TABLE organization DROP COLUMN gs1_company_prefix`);
  }
}
