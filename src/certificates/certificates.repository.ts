import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';
import type { Organization } from '../organizations/organizations.repository.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { certificateStanding, type CertificateStanding } from './certificate-rules.js';
import type { CertificateEntity } from './certificate.entity.js';

export type Certificate = Omit<CertificateEntity, 'createdSeq' | 'product' | 'batch' | 'organization'>;

/** A certificate as it is read: who recorded it, who (if anyone allowed to) attested it, and so its standing. */
export interface CertificateRecord extends Certificate {
  recordedBy: Organization;
  attestation: { by: Organization; attestedAt: Date } | null;
  standing: CertificateStanding;
}

@Injectable()
export class CertificatesRepository {
  constructor(private readonly db: Database) {}

  async insertInTx(tx: Tx, c: Certificate & { createdSeq: number }): Promise<void> {
    await tx.query(
      `INSERT INTO certificate (id, kind, number, issuer, protected_name, valid_from, valid_until, document_sha256,
                                product_id, batch_id, organization_id, created_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [c.id, c.kind, c.number, c.issuer, c.protectedName, c.validFrom, c.validUntil, c.documentSha256, c.productId, c.batchId, c.organizationId, c.createdSeq],
    );
  }

  async insertAttestationInTx(tx: Tx, a: { certificateId: string; organizationId: string; attestedAt: string; createdSeq: number }): Promise<void> {
    await tx.query('INSERT INTO certificate_attestation (certificate_id, organization_id, attested_at, created_seq) VALUES ($1, $2, $3, $4)', [
      a.certificateId,
      a.organizationId,
      a.attestedAt,
      a.createdSeq,
    ]);
  }

  /** Under the writer's lock: the certificate to attest, with whoever already attested it. */
  async findByIdInTx(tx: Tx, id: string): Promise<CertificateRecord | null> {
    const { rows } = await tx.query(`${SELECT_RECORDS} WHERE c.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findById(id: string): Promise<CertificateRecord | null> {
    const { rows } = await this.db.query(`${SELECT_RECORDS} WHERE c.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findForProduct(productId: string): Promise<CertificateRecord[]> {
    const { rows } = await this.db.query(`${SELECT_RECORDS} WHERE c.product_id = $1 ORDER BY c.created_seq`, [productId]);
    return rows.map(toRecord);
  }

  /** The batch's own certificates and its product's. */
  async findForBatch(batchId: string, productId: string): Promise<CertificateRecord[]> {
    const { rows } = await this.db.query(`${SELECT_RECORDS} WHERE c.batch_id = $1 OR c.product_id = $2 ORDER BY c.created_seq`, [batchId, productId]);
    return rows.map(toRecord);
  }
}

const SELECT_RECORDS = `
  SELECT c.id, c.kind, c.number, c.issuer, c.protected_name, c.valid_from, c.valid_until, c.document_sha256, c.product_id, c.batch_id,
         c.organization_id, r.name AS recorder_name, r.kind AS recorder_kind, r.uscc AS recorder_uscc,
         a.organization_id AS attester_id, o.name AS attester_name, o.kind AS attester_kind, o.uscc AS attester_uscc, a.attested_at
  FROM certificate c
    JOIN organization r ON r.id = c.organization_id
    LEFT JOIN certificate_attestation a ON a.certificate_id = c.id
    LEFT JOIN organization o ON o.id = a.organization_id`;

function toRecord(r: Record<string, unknown>): CertificateRecord {
  const certificate: Certificate = {
    id: r.id as string,
    kind: r.kind as Certificate['kind'],
    number: r.number as string,
    issuer: r.issuer as string,
    protectedName: (r.protected_name as string | null) ?? null,
    validFrom: r.valid_from as Date,
    validUntil: r.valid_until as Date,
    documentSha256: r.document_sha256 as string,
    productId: (r.product_id as string | null) ?? null,
    batchId: (r.batch_id as string | null) ?? null,
    organizationId: r.organization_id as string,
  };
  const recordedBy = {
    id: certificate.organizationId,
    name: r.recorder_name as string,
    kind: r.recorder_kind as OrganizationKind,
    uscc: (r.recorder_uscc as string | null) ?? null,
  };
  const attesterKind = (r.attester_kind as OrganizationKind | null) ?? null;
  const attestation = r.attester_id
    ? {
        by: { id: r.attester_id as string, name: r.attester_name as string, kind: attesterKind!, uscc: (r.attester_uscc as string | null) ?? null },
        attestedAt: r.attested_at as Date,
      }
    : null;
  return { ...certificate, recordedBy, attestation, standing: certificateStanding({ kind: certificate.kind, attesterKind }) };
}
