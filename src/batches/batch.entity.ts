import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { FacilityEntity } from '../facilities/facility.entity.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import { ProductEntity } from '../products/product.entity.js';
import type { BatchStatus } from './batch-status.js';

@Entity('batch')
// Keyset pages of the lists (migration 1766500000101).
@Index('idx_batch_created', ['createdSeq', 'id'])
@Index('idx_batch_producer_created', ['producerId', 'createdSeq', 'id'])
@Index('idx_batch_custodian_created', ['custodianId', 'createdSeq', 'id'])
@Index('idx_batch_product_created', ['productId', 'createdSeq', 'id'])
// The regulators' filters as ranges in the same order (migration 1766600000101).
@Index('idx_batch_status_created', ['status', 'createdSeq', 'id'])
@Index('idx_batch_lot_code_created', ['lotCode', 'createdSeq', 'id'])
@Index('idx_batch_origin_created', ['originFacilityId', 'createdSeq', 'id'])
@Unique('uq_batch_trace_code', ['traceCode'])
@Unique('uq_batch_product_lot_code', ['productId', 'lotCode'])
@Index('idx_batch_custodian', ['custodianId'])
@Check('chk_batch_status', `status IN ('ACTIVE', 'IN_TRANSIT', 'ON_HOLD', 'RECALLED', 'CONSUMED', 'DESTROYED')`)
@Check('chk_batch_quantity', 'quantity >= 0')
@Check('chk_batch_held', `status <> 'ON_HOLD' OR held`)
@Check('chk_batch_recalled', `status <> 'RECALLED' OR recalled`)
@Check(
  'chk_batch_in_transit',
  `(status = 'IN_TRANSIT') = (in_transit_to_id IS NOT NULL) AND (in_transit_to_id IS NULL) = (in_transit_quantity IS NULL) ` +
    `AND (in_transit_to_id IS NULL) = (shipped_by_id IS NULL)`,
)
@Index('idx_batch_in_transit_to', ['inTransitToId'], { where: 'in_transit_to_id IS NOT NULL' })
@Index('idx_batch_with_excursions', ['excursionCount'], { where: 'excursion_count > 0' })
export class BatchEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_batch' })
  id: string;

  @Column({ type: 'uuid' })
  productId: string;

  @ManyToOne(() => ProductEntity, { nullable: false })
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'fk_batch_product' })
  product?: ProductEntity;

  @Column({ type: 'uuid' })
  originFacilityId: string;

  @ManyToOne(() => FacilityEntity, { nullable: false })
  @JoinColumn({ name: 'origin_facility_id', foreignKeyConstraintName: 'fk_batch_origin_facility' })
  originFacility?: FacilityEntity;

  @Column({ type: 'uuid' })
  producerId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'producer_id', foreignKeyConstraintName: 'fk_batch_producer' })
  producer?: OrganizationEntity;

  @Column({ type: 'uuid' })
  custodianId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'custodian_id', foreignKeyConstraintName: 'fk_batch_custodian' })
  custodian?: OrganizationEntity;

  @Column({ type: 'character varying', length: 64 })
  lotCode: string;

  @Column({ type: 'character varying', length: 32 })
  traceCode: string;

  @Column({ type: 'double precision' })
  quantity: number;

  @Column({ type: 'character varying', length: 16 })
  unit: string;

  @Column({ type: 'character varying', length: 16 })
  status: BatchStatus;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  producedAt: Date;

  @Column({ type: 'bigint' })
  createdSeq: string;

  /** While IN_TRANSIT: who will receive it, how much was shipped, and who shipped it. */
  @Column({ type: 'uuid', nullable: true })
  inTransitToId: string | null;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'in_transit_to_id', foreignKeyConstraintName: 'fk_batch_in_transit_to' })
  inTransitTo?: OrganizationEntity;

  @Column({ type: 'double precision', nullable: true })
  inTransitQuantity: number | null;

  @Column({ type: 'uuid', nullable: true })
  shippedById: string | null;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'shipped_by_id', foreignKeyConstraintName: 'fk_batch_shipped_by' })
  shippedBy?: OrganizationEntity;

  /** Cold-chain summary, derived from all the batch's temperature readings each time some are recorded. */
  @Column({ type: 'integer', default: 0 })
  readingCount: number;

  @Column({ type: 'integer', default: 0 })
  excursionCount: number;

  @Column({ type: 'double precision', nullable: true })
  meanKineticTempC: number | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  excursions: unknown[];

  /** Held after a failed inspection (its own or an input's) until a regulator releases it. */
  @Column({ type: 'boolean', default: false })
  held: boolean;

  /** Reached by a recall: RECALLED, or recalled on arrival while in transit. */
  @Column({ type: 'boolean', default: false })
  recalled: boolean;
}
