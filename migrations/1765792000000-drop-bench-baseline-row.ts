import { MigrationInterface, QueryRunner } from 'typeorm';
import { SERVICE_ROLE } from './1765446400000-service-role.js';

/**
 * The benchmark's plain-insert table leaves the product: `npm run bench:service` now starts the service
 * with its baseline module from scripts/bench-baseline, which creates the table in the benchmark's own
 * database. `down` puts it back as BenchBaselineRow1765532800000 made it.
 */
export class DropBenchBaselineRow1765792000000 implements MigrationInterface {
  name = 'DropBenchBaselineRow1765792000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bench_baseline_row`);
  }

  async down(q: QueryRunner): Promise<void> {
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
}
