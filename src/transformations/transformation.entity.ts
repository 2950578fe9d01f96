import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BatchEntity } from '../batches/batch.entity.js';
import { FacilityEntity } from '../facilities/facility.entity.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';

@Entity('transformation')
export class TransformationEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_transformation' })
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_transformation_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'uuid' })
  facilityId: string;

  @ManyToOne(() => FacilityEntity, { nullable: false })
  @JoinColumn({ name: 'facility_id', foreignKeyConstraintName: 'fk_transformation_facility' })
  facility?: FacilityEntity;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  eventTime: Date;

  @Column({ type: 'bigint' })
  createdSeq: string;
}

/** Input batch → output batch of a transformation; the quantity when it is known which input went where. */
@Entity('lineage_edge')
@Index('idx_lineage_edge_from', ['fromBatchId'])
@Index('idx_lineage_edge_to', ['toBatchId'])
@Check('chk_lineage_edge_quantity', 'quantity IS NULL OR quantity > 0')
@Check('chk_lineage_edge_not_self', 'from_batch_id <> to_batch_id')
export class LineageEdgeEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_lineage_edge' })
  transformationId: string;

  @ManyToOne(() => TransformationEntity, { nullable: false })
  @JoinColumn({ name: 'transformation_id', foreignKeyConstraintName: 'fk_lineage_edge_transformation' })
  transformation?: TransformationEntity;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_lineage_edge' })
  fromBatchId: string;

  @ManyToOne(() => BatchEntity, { nullable: false })
  @JoinColumn({ name: 'from_batch_id', foreignKeyConstraintName: 'fk_lineage_edge_from_batch' })
  fromBatch?: BatchEntity;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_lineage_edge' })
  toBatchId: string;

  @ManyToOne(() => BatchEntity, { nullable: false })
  @JoinColumn({ name: 'to_batch_id', foreignKeyConstraintName: 'fk_lineage_edge_to_batch' })
  toBatch?: BatchEntity;

  @Column({ type: 'double precision', nullable: true })
  quantity: number | null;
}

/** One line of a transformation's mass balance: an input it took or an output it made, from the ledger entry `seq` that records it. */
@Entity('transformation_line')
@Index('idx_transformation_line_transformation', ['transformationId'])
@Check('chk_transformation_line_side', "side IN ('input', 'output')")
export class TransformationLineEntity {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_transformation_line' })
  seq: string;

  @Column({ type: 'uuid' })
  transformationId: string;

  @ManyToOne(() => TransformationEntity, { nullable: false })
  @JoinColumn({ name: 'transformation_id', foreignKeyConstraintName: 'fk_transformation_line_transformation' })
  transformation?: TransformationEntity;

  @Column({ type: 'varchar', length: 6 })
  side: 'input' | 'output';

  @Column({ type: 'uuid' })
  batchId: string;

  @ManyToOne(() => BatchEntity, { nullable: false })
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_transformation_line_batch' })
  batch?: BatchEntity;

  @Column({ type: 'double precision' })
  quantity: number;

  @Column({ type: 'varchar' })
  unit: string;
}
