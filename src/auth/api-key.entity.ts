import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity.js';

/** An organization's API key, kept only as the SHA-256 of its secret. */
@Entity('api_key')
@Unique('uq_api_key_secret_hash', ['secretHash'])
@Index('idx_api_key_organization', ['organizationId'])
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_api_key' })
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_api_key_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'character varying', length: 100 })
  label: string;

  @Column({ type: 'character', length: 64 })
  secretHash: string;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  createdAt: Date;

  @Column({ type: 'timestamp with time zone', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'timestamp with time zone', precision: 3, nullable: true })
  lastUsedAt: Date | null;
}
