import { MigrationInterface, QueryRunner } from 'typeorm';

/** When each API key was last used (to the minute): so an organization sees which keys are idle before it revokes them. */
export class ApiKeyLastUse1765360000000 implements MigrationInterface {
  name = 'ApiKeyLastUse1765360000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_key ADD COLUMN last_used_at timestamp(3) with time zone`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_key DROP COLUMN last_used_at`);
  }
}
