import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BatchEntity } from '../batches/batch.entity.js';
import { OrganizationEntity } from '../organizations/organization.entity.js';
import { ProductEntity } from '../products/product.entity.js';
import type { CertificateKind } from './certificate-rules.js';

@Entity('certificate')
@Index('idx_certificate_product', ['productId'], { where: 'product_id IS NOT NULL' })
@Index('idx_certificate_batch', ['batchId'], { where: 'batch_id IS NOT NULL' })
@Check('chk_certificate_kind', `kind IN ('GEOGRAPHIC_INDICATION', 'ORGANIC', 'GREEN_FOOD', 'COMMITMENT')`)
@Check('chk_certificate_subject', '(product_id IS NULL) <> (batch_id IS NULL)')
@Check('chk_certificate_validity', 'valid_until > valid_from')
export class CertificateEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_certificate' })
  id: string;

  @Column({ type: 'character varying', length: 24 })
  kind: CertificateKind;

  @Column({ type: 'character varying', length: 40 })
  number: string;

  @Column({ type: 'character varying', length: 200 })
  issuer: string;

  @Column({ type: 'character varying', length: 100, nullable: true })
  protectedName: string | null;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  validFrom: Date;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  validUntil: Date;

  @Column({ type: 'character', length: 64 })
  documentSha256: string;

  @Column({ type: 'uuid', nullable: true })
  productId: string | null;

  @ManyToOne(() => ProductEntity)
  @JoinColumn({ name: 'product_id', foreignKeyConstraintName: 'fk_certificate_product' })
  product?: ProductEntity;

  @Column({ type: 'uuid', nullable: true })
  batchId: string | null;

  @ManyToOne(() => BatchEntity)
  @JoinColumn({ name: 'batch_id', foreignKeyConstraintName: 'fk_certificate_batch' })
  batch?: BatchEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_certificate_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'bigint' })
  createdSeq: string;
}

/** A regulator's or certification body's word that a certificate is genuine: once per certificate, with the entry that records it. */
@Entity('certificate_attestation')
export class CertificateAttestationEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_certificate_attestation' })
  certificateId: string;

  @ManyToOne(() => CertificateEntity, { nullable: false })
  @JoinColumn({ name: 'certificate_id', foreignKeyConstraintName: 'fk_certificate_attestation_certificate' })
  certificate?: CertificateEntity;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { nullable: false })
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_certificate_attestation_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  attestedAt: Date;

  @Column({ type: 'bigint' })
  createdSeq: string;
}
