import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per `benchPlainInsert`: the database's ceiling for a one-row write, beside which `recordEvent` is measured. */
@Entity('bench_baseline_row')
export class BenchBaselineRowEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_bench_baseline_row' })
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  note: string;

  @Column({ type: 'timestamp with time zone', default: () => 'now()' })
  createdAt: Date;
}
