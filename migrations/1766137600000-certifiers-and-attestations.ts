import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * Claims carry who vouches for them: CERTIFIER joins the organization kinds (a certification body),
 * and a certificate's attestation by a regulator or certifier is its own row, written with the
 * CERTIFICATE_ATTESTED entry that records it. A certificate without one is the recorder's declaration.
 */
export class CertifiersAndAttestations1766137600000 implements MigrationInterface {
  name = 'CertifiersAndAttestations1766137600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE organization DROP CONSTRAINT chk_organization_kind`);
    await q.query(
      `ALTER TABLE organization ADD CONSTRAINT chk_organization_kind CHECK (kind IN ('PRODUCER', 'PROCESSOR', 'LOGISTICS', 'RETAILER', 'REGULATOR', 'LAB', 'CERTIFIER'))`,
    );
    await q.query(`
      CREATE TABLE certificate_attestation (
        certificate_id uuid NOT NULL,
        organization_id uuid NOT NULL,
        attested_at timestamp(3) with time zone NOT NULL,
        created_seq bigint NOT NULL,
        CONSTRAINT pk_certificate_attestation PRIMARY KEY (certificate_id),
        CONSTRAINT fk_certificate_attestation_certificate FOREIGN KEY (certificate_id) REFERENCES certificate (id),
        CONSTRAINT fk_certificate_attestation_organization FOREIGN KEY (organization_id) REFERENCES organization (id)
      )`);
    await q.query(`GRANT SELECT, INSERT ON TABLE certificate_attestation TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE certificate_attestation`);
    await q.query(`ALTER TABLE organization DROP CONSTRAINT chk_organization_kind`);
    await q.query(
      `ALTER TABLE organization ADD CONSTRAINT chk_organization_kind CHECK (kind IN ('PRODUCER', 'PROCESSOR', 'LOGISTICS', 'RETAILER', 'REGULATOR', 'LAB'))`,
    );
  }
}
