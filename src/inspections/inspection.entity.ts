import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BatchEntity } from '../batches/batch.entity.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';

@Entity('inspection')
@Index('idx_inspection_batch', ['batchId'])
@Index('idx_inspection_created', ['createdSeq', 'id'])
@Index('idx_inspection_verdict_created', ['verdict', 'createdSeq', 'id'])
@Index('idx_inspection_organization_created', ['organizationId', 'createdSeq', 'id'])
@Check('chk_inspection_verdict', `verdict IN ('PASS', 'FAIL')`)
export class InspectionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_inspection' })
  id: string;

  @Column({ type: 'uuid' })
  batchId: string;

  @ManyToOne(() => BatchEntity, { nullable: false })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_inspection_batch' })
  batch?: BatchEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_inspection_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'character varying', length: 200, nullable: true })
  agency: string | null;

  @Column({ type: 'character varying', length: 200, nullable: true })
  standard: string | null;

  @Column({ type: 'character varying', length: 8 })
  verdict: 'PASS' | 'FAIL';

  @Column({ type: 'jsonb' })
  items: unknown[];

  @Column({ type: 'bigint' })
  createdSeq: string;
}
