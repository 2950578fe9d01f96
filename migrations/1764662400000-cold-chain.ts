import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cold chain: every temperature reading (also in the ledger), each product's tolerance for time out
 * of range and for gaps in readings, and per batch the summary the rules derive from its readings.
 */
export class ColdChain1764662400000 implements MigrationInterface {
  name = 'ColdChain1764662400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE temperature_reading (
        batch_id uuid NOT NULL,
        at timestamp(3) with time zone NOT NULL,
        celsius double precision NOT NULL,
        sensor_id character varying(64) NOT NULL,
        seq bigint NOT NULL,
        CONSTRAINT pk_temperature_reading PRIMARY KEY (batch_id, sensor_id, at),
        CONSTRAINT fk_temperature_reading_batch FOREIGN KEY (batch_id) REFERENCES batch (id),
        CONSTRAINT chk_temperature_reading_celsius CHECK (celsius BETWEEN -100 AND 100)
      )`);
    await q.query(`CREATE INDEX idx_temperature_reading_batch_at ON temperature_reading (batch_id, at)`);
    await q.query(`ALTER TABLE product ADD excursion_tolerance_minutes integer NOT NULL DEFAULT 30, ADD max_reading_gap_minutes integer NOT NULL DEFAULT 60`);
    await q.query(
      `ALTER TABLE product ADD CONSTRAINT chk_product_cold_chain_limits CHECK (excursion_tolerance_minutes BETWEEN 0 AND 1440 AND max_reading_gap_minutes BETWEEN 1 AND 10080)`,
    );
    await q.query(`
      ALTER TABLE batch
        ADD reading_count integer NOT NULL DEFAULT 0,
        ADD excursion_count integer NOT NULL DEFAULT 0,
        ADD mean_kinetic_temp_c double precision,
        ADD excursions jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`CREATE INDEX idx_batch_with_excursions ON batch (excursion_count) WHERE excursion_count > 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX idx_batch_with_excursions`);
    await q.query(`ALTER TABLE batch DROP COLUMN reading_count, DROP COLUMN excursion_count, DROP COLUMN mean_kinetic_temp_c, DROP COLUMN excursions`);
    await q.query(`ALTER TABLE product DROP CONSTRAINT chk_product_cold_chain_limits`);
    await q.query(`ALTER TABLE product DROP COLUMN excursion_tolerance_minutes, DROP COLUMN max_reading_gap_minutes`);
    await q.query(`DROP TABLE temperature_reading`);
  }
}
