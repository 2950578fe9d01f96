import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BatchEntity } from '../batches/batch.entity.js';

@Entity('scan_count')
@Check('chk_scan_count_count', 'count > 0')
export class ScanCountEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_scan_count' })
  batchId: string;

  @ManyToOne(() => BatchEntity, { nullable: false })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_scan_count_batch' })
  batch?: BatchEntity;

  @PrimaryColumn({ type: 'date', primaryKeyConstraintName: 'pk_scan_count' })
  day: string;

  @Column({ type: 'integer' })
  count: number;
}
