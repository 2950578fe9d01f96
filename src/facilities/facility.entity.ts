import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity.js';

@Entity('facility')
// Keyset pages of the lists (migration 1766500000101).
@Index('idx_facility_organization_created', ['organizationId', 'createdSeq', 'id'])
@Index('idx_facility_organization', ['organizationId'])
// A region's facilities, for the batches filtered by region (migration 1766600000101).
@Index('idx_facility_region', ['region'])
@Unique('uq_facility_gln', ['gln'])
@Check('chk_facility_gln', `gln ~ '^[0-9]{13}$'`)
export class FacilityEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_facility' })
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_facility_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'character varying', length: 200 })
  name: string;

  /** Where it is, at district level at most (省/市/区县): consumers may see it. */
  @Column({ type: 'character varying', length: 200, nullable: true })
  region: string | null;

  /** GS1 Global Location Number, when the facility has one: how EPCIS documents name it. */
  @Column({ type: 'character', length: 13, nullable: true })
  gln: string | null;

  @Column({ type: 'bigint' })
  createdSeq: string;
}
