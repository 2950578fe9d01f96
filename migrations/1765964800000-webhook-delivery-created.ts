import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each webhook delivery was queued, so an organization can list its own latest deliveries
 * (delivered, retrying or given up, with the last error) newest first. Rows already queued get the
 * time of this migration.
 */
export class WebhookDeliveryCreated1765964800000 implements MigrationInterface {
  name = 'WebhookDeliveryCreated1765964800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_delivery ADD COLUMN created_at timestamp(3) with time zone NOT NULL DEFAULT now()`);
    await q.query(`CREATE INDEX idx_webhook_delivery_organization ON webhook_delivery (organization_id, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_webhook_delivery_organization`);
    await q.query(`ALTER TABLE webhook_delivery DROP COLUMN created_at`);
  }
}
