import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';
import type { CertificateEntity } from './certificate.entity.js';

export type Certificate = Omit<CertificateEntity, 'createdSeq' | 'product' | 'batch' | 'organization'>;

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

  async findForProduct(productId: string): Promise<Certificate[]> {
    const { rows } = await this.db.query(`SELECT ${CERTIFICATE_COLUMNS} FROM certificate WHERE product_id = $1 ORDER BY created_seq`, [productId]);
    return rows.map(toCertificate);
  }

  /** The batch's own certificates and its product's. */
  async findForBatch(batchId: string, productId: string): Promise<Certificate[]> {
    const { rows } = await this.db.query(`SELECT ${CERTIFICATE_COLUMNS} FROM certificate WHERE batch_id = $1 OR product_id = $2 ORDER BY created_seq`, [
      batchId,
      productId,
    ]);
    return rows.map(toCertificate);
  }
}

const CERTIFICATE_COLUMNS = 'id, kind, number, issuer, protected_name, valid_from, valid_until, document_sha256, product_id, batch_id, organization_id';

function toCertificate(r: Record<string, unknown>): Certificate {
  return {
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
}
