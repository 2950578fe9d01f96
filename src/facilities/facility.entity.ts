import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity.js';

@Entity('facility')
@Index('idx_facility_organization', ['organizationId'])
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

  @Column({ type: 'bigint' })
  createdSeq: string;
}
