import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import type { ProductCategory, StorageCondition } from './product-kinds.js';

@Entity('product')
// Keyset pages of the lists (migration 1766500000101).
@Index('idx_product_organization_created', ['organizationId', 'createdSeq', 'id'])
@Unique('uq_product_gtin', ['gtin'])
@Index('idx_product_organization', ['organizationId'])
@Check('chk_product_category', `category IN ('GRAIN', 'DAIRY', 'INFANT_FORMULA', 'FRUIT', 'VEGETABLE', 'MEAT', 'AQUATIC', 'CONDIMENT', 'OTHER')`)
@Check('chk_product_storage', `storage IN ('AMBIENT', 'CHILLED', 'FROZEN')`)
@Check('chk_product_temperature_range', 'min_temp_c IS NULL OR max_temp_c IS NULL OR min_temp_c <= max_temp_c')
@Check('chk_product_cold_chain_limits', 'excursion_tolerance_minutes BETWEEN 0 AND 1440 AND max_reading_gap_minutes BETWEEN 1 AND 10080')
export class ProductEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_product' })
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_product_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'character varying', length: 200 })
  name: string;

  /** GTIN-14 (shorter GTINs are zero-padded, as GS1 Digital Link writes them). */
  @Column({ type: 'character', length: 14, nullable: true })
  gtin: string | null;

  @Column({ type: 'character varying', length: 16 })
  category: ProductCategory;

  @Column({ type: 'character varying', length: 8 })
  storage: StorageCondition;

  @Column({ type: 'double precision', nullable: true })
  minTempC: number | null;

  @Column({ type: 'double precision', nullable: true })
  maxTempC: number | null;

  @Column({ type: 'character varying', length: 100, nullable: true })
  geographicIndication: string | null;

  @Column({ type: 'bigint' })
  createdSeq: string;

  /** How long readings may stay out of range before it counts as an excursion. */
  @Column({ type: 'integer', default: 30 })
  excursionToleranceMinutes: number;

  /** The longest gap between readings that is not an excursion. */
  @Column({ type: 'integer', default: 60 })
  maxReadingGapMinutes: number;
}
