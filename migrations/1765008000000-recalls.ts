import { MigrationInterface, QueryRunner } from 'typeorm';

/** Recalls (食品召回管理办法) and the batches each one reaches; a batch in transit is recalled on arrival. */
export class Recalls1765008000000 implements MigrationInterface {
  name = 'Recalls1765008000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE recall (
        id uuid NOT NULL,
        level character varying(8) NOT NULL,
        reason character varying(1000) NOT NULL,
        status character varying(8) NOT NULL,
        initiated_by_id uuid NOT NULL,
        initiated_at timestamp(3) with time zone NOT NULL,
        created_seq bigint NOT NULL,
        CONSTRAINT pk_recall PRIMARY KEY (id),
        CONSTRAINT fk_recall_initiated_by FOREIGN KEY (initiated_by_id) REFERENCES organization (id),
        CONSTRAINT chk_recall_level CHECK (level IN ('LEVEL_1', 'LEVEL_2', 'LEVEL_3')),
        CONSTRAINT chk_recall_status CHECK (status IN ('OPEN', 'CLOSED'))
      )`);
    await q.query(`
      CREATE TABLE recall_batch (
        recall_id uuid NOT NULL,
        batch_id uuid NOT NULL,
        CONSTRAINT pk_recall_batch PRIMARY KEY (recall_id, batch_id),
        CONSTRAINT fk_recall_batch_recall FOREIGN KEY (recall_id) REFERENCES recall (id),
        CONSTRAINT fk_recall_batch_batch FOREIGN KEY (batch_id) REFERENCES batch (id)
      )`);
    await q.query(`CREATE INDEX idx_recall_batch_batch ON recall_batch (batch_id)`);
    await q.query(`ALTER TABLE batch ADD recalled boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE batch ADD CONSTRAINT chk_batch_recalled CHECK (status <> 'RECALLED' OR recalled)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE batch DROP CONSTRAINT chk_batch_recalled`);
    await q.query(`ALTER TABLE batch DROP COLUMN recalled`);
    await q.query(`DROP TABLE recall_batch`);
    await q.query(`DROP TABLE recall`);
  }
}
