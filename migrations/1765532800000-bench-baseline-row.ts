import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * A plain table for the benchmark's baseline mutation (`benchPlainInsert`, served only with
 * BENCH_BASELINE=true): one INSERT of one row with no chain, so `npm run bench:service` can put
 * recordEvent beside what the database does for the simplest write, in the same run.
 */
export class BenchBaselineRow1765532800000 implements MigrationInterface {
  name = 'BenchBaselineRow1765532800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bench_baseline_row (
        id uuid NOT NULL,
        organization_id uuid NOT NULL,
        note text NOT NULL,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT pk_bench_baseline_row PRIMARY KEY (id)
      )`);
    await q.query(`GRANT SELECT, INSERT ON TABLE bench_baseline_row TO ${SERVICE_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bench_baseline_row`);
  }
}
