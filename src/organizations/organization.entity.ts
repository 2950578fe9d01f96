import { Check, Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { OrganizationKind } from './organization-kind.js';

@Entity('organization')
// Keyset pages of the lists (migration 1766500000101).
@Index('idx_organization_created', ['createdSeq', 'id'])
@Unique('uq_organization_uscc', ['uscc'])
@Unique('uq_organization_gs1_company_prefix', ['gs1CompanyPrefix'])
@Check('chk_organization_gs1_company_prefix', `gs1_company_prefix ~ '^[0-9]{6,12}$'`)
@Check('chk_organization_kind', `kind IN ('PRODUCER', 'PROCESSOR', 'LOGISTICS', 'RETAILER', 'REGULATOR', 'LAB', 'CERTIFIER')`)
export class OrganizationEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_organization' })
  id: string;

  @Column({ type: 'character varying', length: 200 })
  name: string;

  @Column({ type: 'character varying', length: 16 })
  kind: OrganizationKind;

  @Column({ type: 'character', length: 18, nullable: true })
  uscc: string | null;

  /** Its GS1 company prefix (6–12 digits), which its SSCCs are minted from (migration 1766900000101). */
  @Column({ type: 'character varying', length: 12, nullable: true })
  gs1CompanyPrefix: string | null;

  @Column({ type: 'bigint' })
  createdSeq: string;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  createdAt: Date;
}
