import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger (LEDGER-SPEC §1, §2, §5) and the first projections: organizations and their keys,
 * facilities, products, batches. The ledger refuses UPDATE, DELETE and TRUNCATE in the database
 * itself, and its unique constraints make a fork impossible whatever the service does.
 */
export class LedgerCore1764316800000 implements MigrationInterface {
  name = 'LedgerCore1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_entry (
        seq bigint NOT NULL,
        v smallint NOT NULL,
        prev_hash character(64) NOT NULL,
        type character varying(64) NOT NULL,
        batch_id uuid,
        batch_prev_hash character(64),
        actor character varying(64) NOT NULL,
        recorded_at timestamp(3) with time zone NOT NULL,
        payload_hash character(64) NOT NULL,
        hash character(64) NOT NULL,
        salt bytea,
        payload text,
        idempotency_key character varying(128),
        request_hash character(64),
        CONSTRAINT pk_ledger_entry PRIMARY KEY (seq),
        CONSTRAINT uq_ledger_entry_prev_hash UNIQUE (prev_hash),
        CONSTRAINT uq_ledger_entry_batch_prev_hash UNIQUE (batch_prev_hash),
        CONSTRAINT chk_ledger_entry_seq CHECK (seq >= 1),
        CONSTRAINT chk_ledger_entry_v CHECK (v = 1),
        CONSTRAINT chk_ledger_entry_type CHECK (type ~ '^[A-Z][A-Z0-9_]*$'),
        CONSTRAINT chk_ledger_entry_batch_link CHECK (batch_id IS NOT NULL OR batch_prev_hash IS NULL),
        CONSTRAINT chk_ledger_entry_salt CHECK ((salt IS NULL) = (payload IS NULL) AND (salt IS NULL OR length(salt) = 16))
      )`);
    // No regex CHECK on the hash columns: the writer only writes SHA-256 hex and verification
    // recomputes every hash, while four regex checks per row cost about a quarter of an append.
    // A batch's first entry (batch_prev_hash null) can exist once: the batch sub-chain cannot fork either.
    await q.query(`CREATE UNIQUE INDEX uq_ledger_entry_batch_first ON ledger_entry (batch_id) WHERE batch_id IS NOT NULL AND batch_prev_hash IS NULL`);
    await q.query(`CREATE INDEX idx_ledger_entry_batch ON ledger_entry (batch_id, seq) WHERE batch_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX uq_ledger_entry_idempotency ON ledger_entry (actor, idempotency_key) WHERE idempotency_key IS NOT NULL`);

    await q.query(`
      CREATE FUNCTION ledger_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger_entry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(
      `CREATE TRIGGER ledger_entry_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_entry FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()`,
    );
    await q.query(`CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_refuse_change()`);

    // The chain head: one row, locked by every append group, moved only forward.
    await q.query(`
      CREATE TABLE ledger_head (
        id smallint NOT NULL,
        seq bigint NOT NULL,
        hash character(64) NOT NULL,
        CONSTRAINT pk_ledger_head PRIMARY KEY (id),
        CONSTRAINT chk_ledger_head_single CHECK (id = 1)
      )`);
    await q.query(`INSERT INTO ledger_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))`);
    await q.query(`
      CREATE FUNCTION ledger_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' OR NEW.seq <= OLD.seq OR NEW.id <> OLD.id THEN
          RAISE EXCEPTION 'ledger_head only moves forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END
      $$`);
    await q.query(`CREATE TRIGGER ledger_head_forward_only BEFORE UPDATE OR DELETE ON ledger_head FOR EACH ROW EXECUTE FUNCTION ledger_head_forward_only()`);
    await q.query(`CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_refuse_change()`);

    await q.query(`
      CREATE TABLE organization (
        id uuid NOT NULL,
        name character varying(200) NOT NULL,
        kind character varying(16) NOT NULL,
        uscc character(18),
        created_seq bigint NOT NULL,
        created_at timestamp(3) with time zone NOT NULL,
        CONSTRAINT pk_organization PRIMARY KEY (id),
        CONSTRAINT uq_organization_uscc UNIQUE (uscc),
        CONSTRAINT chk_organization_kind CHECK (kind IN ('PRODUCER', 'PROCESSOR', 'LOGISTICS', 'RETAILER', 'REGULATOR', 'LAB'))
      )`);
    await q.query(`
      CREATE TABLE api_key (
        id uuid NOT NULL,
        organization_id uuid NOT NULL,
        label character varying(100) NOT NULL,
        secret_hash character(64) NOT NULL,
        created_at timestamp(3) with time zone NOT NULL,
        revoked_at timestamp(3) with time zone,
        CONSTRAINT pk_api_key PRIMARY KEY (id),
        CONSTRAINT uq_api_key_secret_hash UNIQUE (secret_hash),
        CONSTRAINT fk_api_key_organization FOREIGN KEY (organization_id) REFERENCES organization (id)
      )`);
    await q.query(`CREATE INDEX idx_api_key_organization ON api_key (organization_id)`);
    await q.query(`
      CREATE TABLE facility (
        id uuid NOT NULL,
        organization_id uuid NOT NULL,
        name character varying(200) NOT NULL,
        region character varying(200),
        created_seq bigint NOT NULL,
        CONSTRAINT pk_facility PRIMARY KEY (id),
        CONSTRAINT fk_facility_organization FOREIGN KEY (organization_id) REFERENCES organization (id)
      )`);
    await q.query(`CREATE INDEX idx_facility_organization ON facility (organization_id)`);
    await q.query(`
      CREATE TABLE product (
        id uuid NOT NULL,
        organization_id uuid NOT NULL,
        name character varying(200) NOT NULL,
        gtin character(14),
        category character varying(16) NOT NULL,
        storage character varying(8) NOT NULL,
        min_temp_c double precision,
        max_temp_c double precision,
        geographic_indication character varying(100),
        created_seq bigint NOT NULL,
        CONSTRAINT pk_product PRIMARY KEY (id),
        CONSTRAINT uq_product_gtin UNIQUE (gtin),
        CONSTRAINT fk_product_organization FOREIGN KEY (organization_id) REFERENCES organization (id),
        CONSTRAINT chk_product_category CHECK (category IN ('GRAIN', 'DAIRY', 'INFANT_FORMULA', 'FRUIT', 'VEGETABLE', 'MEAT', 'AQUATIC', 'CONDIMENT', 'OTHER')),
        CONSTRAINT chk_product_storage CHECK (storage IN ('AMBIENT', 'CHILLED', 'FROZEN')),
        CONSTRAINT chk_product_temperature_range CHECK (min_temp_c IS NULL OR max_temp_c IS NULL OR min_temp_c <= max_temp_c)
      )`);
    await q.query(`CREATE INDEX idx_product_organization ON product (organization_id)`);
    await q.query(`
      CREATE TABLE batch (
        id uuid NOT NULL,
        product_id uuid NOT NULL,
        origin_facility_id uuid NOT NULL,
        producer_id uuid NOT NULL,
        custodian_id uuid NOT NULL,
        lot_code character varying(64) NOT NULL,
        trace_code character varying(32) NOT NULL,
        quantity double precision NOT NULL,
        unit character varying(16) NOT NULL,
        status character varying(16) NOT NULL,
        produced_at timestamp(3) with time zone NOT NULL,
        created_seq bigint NOT NULL,
        CONSTRAINT pk_batch PRIMARY KEY (id),
        CONSTRAINT uq_batch_trace_code UNIQUE (trace_code),
        CONSTRAINT uq_batch_product_lot_code UNIQUE (product_id, lot_code),
        CONSTRAINT fk_batch_product FOREIGN KEY (product_id) REFERENCES product (id),
        CONSTRAINT fk_batch_origin_facility FOREIGN KEY (origin_facility_id) REFERENCES facility (id),
        CONSTRAINT fk_batch_producer FOREIGN KEY (producer_id) REFERENCES organization (id),
        CONSTRAINT fk_batch_custodian FOREIGN KEY (custodian_id) REFERENCES organization (id),
        CONSTRAINT chk_batch_status CHECK (status IN ('ACTIVE', 'IN_TRANSIT', 'ON_HOLD', 'RECALLED', 'CONSUMED', 'DESTROYED')),
        CONSTRAINT chk_batch_quantity CHECK (quantity >= 0)
      )`);
    await q.query(`CREATE INDEX idx_batch_custodian ON batch (custodian_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE batch`);
    await q.query(`DROP TABLE product`);
    await q.query(`DROP TABLE facility`);
    await q.query(`DROP TABLE api_key`);
    await q.query(`DROP TABLE organization`);
    await q.query(`DROP TABLE ledger_head`);
    await q.query(`DROP FUNCTION ledger_head_forward_only`);
    await q.query(`DROP TABLE ledger_entry`);
    await q.query(`DROP FUNCTION ledger_entry_refuse_change`);
  }
}
