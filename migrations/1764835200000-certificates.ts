import { MigrationInterface, QueryRunner } from 'typeorm';

/** Certificates attached to a product or a batch: GI, organic, green food, 承诺达标合格证. */
export class Certificates1764835200000 implements MigrationInterface {
  name = 'Certificates1764835200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE certificate (
        id uuid NOT NULL,
        kind character varying(24) NOT NULL,
        number character varying(40) NOT NULL,
        issuer character varying(200) NOT NULL,
        protected_name character varying(100),
        valid_from timestamp(3) with time zone NOT NULL,
        valid_until timestamp(3) with time zone NOT NULL,
        document_sha256 character(64) NOT NULL,
        product_id uuid,
        batch_id uuid,
        organization_id uuid NOT NULL,
        created_seq bigint NOT NULL,
        CONSTRAINT pk_certificate PRIMARY KEY (id),
        CONSTRAINT fk_certificate_product FOREIGN KEY (product_id) REFERENCES product (id),
        CONSTRAINT fk_certificate_batch FOREIGN KEY (batch_id) REFERENCES batch (id),
        CONSTRAINT fk_certificate_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
        CONSTRAINT chk_certificate_kind CHECK (kind IN ('GEOGRAPHIC_INDICATION', 'ORGANIC', 'GREEN_FOOD', 'COMMITMENT')),
        CONSTRAINT chk_certificate_subject CHECK ((product_id IS NULL) <> (batch_id IS NULL)),
        CONSTRAINT chk_certificate_validity CHECK (valid_until > valid_from)
      )`);
    await q.query(`CREATE INDEX idx_certificate_product ON certificate (product_id) WHERE product_id IS NOT NULL`);
    await q.query(`CREATE INDEX idx_certificate_batch ON certificate (batch_id) WHERE batch_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE certificate`);
  }
}
