import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BatchEntity } from '../batches/batch.entity.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';

@Entity('recall')
// Keyset pages of the lists (migration 1766500000101).
@Index('idx_recall_created', ['createdSeq', 'id'])
@Check('chk_recall_level', `level IN ('LEVEL_1', 'LEVEL_2', 'LEVEL_3')`)
@Check('chk_recall_status', `status IN ('OPEN', 'CLOSED')`)
@Check('chk_recall_closed', `(status = 'CLOSED') = (closed_at IS NOT NULL)`)
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

  @Column({ type: 'timestamp with time zone', precision: 3, nullable: true })
  closedAt: Date | null;

  @Column({ type: 'character varying', length: 1000, nullable: true })
  closingNote: string | null;
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

  /** What the batch held when it was recalled: what recovery is measured against. */
  @Column({ type: 'double precision', default: 0 })
  affectedQuantity: number;

  @Column({ type: 'character varying', length: 16, default: '' })
  unit: string;
}

/** A holder's report of a recalled batch's quantity returned or destroyed. */
@Entity('recall_recovery')
@Index('idx_recall_recovery_recall', ['recallId'])
@Check('chk_recall_recovery_quantity', 'quantity > 0')
@Check('chk_recall_recovery_disposition', `disposition IN ('RETURNED', 'DESTROYED')`)
export class RecallRecoveryEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_recall_recovery' })
  id: string;

  @Column({ type: 'uuid' })
  recallId: string;

  @Column({ type: 'uuid' })
  batchId: string;

  @ManyToOne(() => RecallBatchEntity, { nullable: false })
  @JoinColumn([
    { name: 'recall_id', referencedColumnName: 'recallId', foreignKeyConstraintName: 'fk_recall_recovery_recall_batch' },
    { name: 'batch_id', referencedColumnName: 'batchId', foreignKeyConstraintName: 'fk_recall_recovery_recall_batch' },
  ])
  recallBatch?: RecallBatchEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_recall_recovery_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'double precision' })
  quantity: number;

  @Column({ type: 'character varying', length: 12 })
  disposition: 'RETURNED' | 'DESTROYED';

  @Column({ type: 'bigint' })
  createdSeq: string;
}
