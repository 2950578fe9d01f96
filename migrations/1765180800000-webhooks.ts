import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks: an organization's endpoint and signing secret, and an outbox of deliveries written in
 * the same transaction as the recall they announce, so a notice is never lost to a crash.
 */
export class Webhooks1765180800000 implements MigrationInterface {
  name = 'Webhooks1765180800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook (
        organization_id uuid NOT NULL,
        url character varying(2000) NOT NULL,
        secret character varying(100) NOT NULL,
        CONSTRAINT pk_webhook PRIMARY KEY (organization_id),
        CONSTRAINT fk_webhook_organization FOREIGN KEY (organization_id) REFERENCES organization (id)
      )`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id uuid NOT NULL,
        organization_id uuid NOT NULL,
        body text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamp(3) with time zone NOT NULL,
        delivered_at timestamp(3) with time zone,
        last_error character varying(500),
        CONSTRAINT pk_webhook_delivery PRIMARY KEY (id),
        CONSTRAINT fk_webhook_delivery_webhook FOREIGN KEY (organization_id) REFERENCES webhook (organization_id)
      )`);
    await q.query(`CREATE INDEX idx_webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE delivered_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook`);
  }
}
