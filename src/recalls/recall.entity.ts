import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BatchEntity } from '../batches/batch.entity.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';

@Entity('recall')
@Check('chk_recall_level', `level IN ('LEVEL_1', 'LEVEL_2', 'LEVEL_3')`)
@Check('chk_recall_status', `status IN ('OPEN', 'CLOSED')`)
export class RecallEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_recall' })
  id: string;

  @Column({ type: 'character varying', length: 8 })
  level: string;

  @Column({ type: 'character varying', length: 1000 })
  reason: string;

  @Column({ type: 'character varying', length: 8 })
  status: string;

  @Column({ type: 'uuid' })
  initiatedById: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'initiated_by_id', foreignKeyConstraintName: 'fk_recall_initiated_by' })
  initiatedBy?: OrganizationEntity;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  initiatedAt: Date;

  @Column({ type: 'bigint' })
  createdSeq: string;
}

@Entity('recall_batch')
@Index('idx_recall_batch_batch', ['batchId'])
export class RecallBatchEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_recall_batch' })
  recallId: string;

  @ManyToOne(() => RecallEntity, { nullable: false })
  @JoinColumn({ name: 'recall_id', foreignKeyConstraintName: 'fk_recall_batch_recall' })
  recall?: RecallEntity;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_recall_batch' })
  batchId: string;

  @ManyToOne(() => BatchEntity, { nullable: false })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_recall_batch_batch' })
  batch?: BatchEntity;
}
