import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/database.js';
import { CertificateEntity } from './certificate.entity.js';

export type Certificate = Omit<CertificateEntity, 'createdSeq' | 'product' | 'batch' | 'organization'>;

@Injectable()
export class CertificatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertInTx(tx: Tx, c: Certificate & { createdSeq: number }): Promise<void> {
    await tx.query(
      `INSERT INTO certificate (id, kind, number, issuer, protected_name, valid_from, valid_until, document_sha256, product_id, batch_id, organization_id, created_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [c.id, c.kind, c.number, c.issuer, c.protectedName, c.validFrom, c.validUntil, c.documentSha256, c.productId, c.batchId, c.organizationId, c.createdSeq],
    );
  }

  findForProduct(productId: string): Promise<Certificate[]> {
    return this.dataSource.getRepository(CertificateEntity).find({ where: { productId }, order: { createdSeq: 'ASC' } });
  }

  /** The batch's own certificates and its product's. */
  findForBatch(batchId: string, productId: string): Promise<Certificate[]> {
    return this.dataSource.getRepository(CertificateEntity).find({ where: [{ batchId }, { productId }], order: { createdSeq: 'ASC' } });
  }
}
