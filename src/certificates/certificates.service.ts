import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, requireOrganization } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { certificateProblem } from './certificate-rules.js';
import { Certificate, CertificatesRepository } from './certificates.repository.js';
import { AttachCertificateInput } from './dto/attach-certificate.input.js';

@Injectable()
export class CertificatesService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly certificates: CertificatesRepository,
  ) {}

  /** The product's owner attaches product certificates; the batch's producer or custodian attaches batch ones. */
  async attach(caller: Caller, input: AttachCertificateInput): Promise<Certificate> {
    const org = requireOrganization(caller);
    if (!input.productId === !input.batchId)
      throw new DomainError('INVALID_INPUT', 'give either productId or batchId: the certificate covers one product or one batch');
    const problem = certificateProblem(input);
    if (problem) throw new DomainError('INVALID_INPUT', problem);
    const certificate: Certificate = {
      id: randomUUID(),
      kind: input.kind,
      number: input.number,
      issuer: input.issuer,
      protectedName: input.protectedName ?? null,
      validFrom: input.validFrom,
      validUntil: input.validUntil,
      documentSha256: input.documentSha256,
      productId: input.productId ?? null,
      batchId: input.batchId ?? null,
      organizationId: org.organizationId,
    };
    await this.writer.execute({
      actor: org.organizationId,
      batchIds: input.batchId ? [input.batchId] : [],
      run: async ({ tx, append }) => {
        if (input.productId) {
          const { rows } = await tx.query<{ organization_id: string }>('SELECT organization_id FROM product WHERE id = $1', [input.productId]);
          if (!rows[0]) throw new DomainError('PRODUCT_NOT_FOUND', `no product has id ${input.productId}`);
          if (rows[0].organization_id !== org.organizationId) throw new DomainError('NOT_OWNER', `product ${input.productId} belongs to another organization`);
        } else {
          const { rows } = await tx.query<{ producer_id: string; custodian_id: string }>('SELECT producer_id, custodian_id FROM batch WHERE id = $1', [
            input.batchId,
          ]);
          if (!rows[0]) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${input.batchId}`);
          if (rows[0].producer_id !== org.organizationId && rows[0].custodian_id !== org.organizationId) {
            throw new DomainError('NOT_OWNER', `batch ${input.batchId} is neither produced nor held by your organization`);
          }
        }
        const { id: certificateId, organizationId: _org, batchId: _batch, validFrom, validUntil, protectedName, productId, ...facts } = certificate;
        const [entry] = await append([
          newEntry('CERTIFICATE_ATTACHED', certificate.batchId, {
            certificateId,
            ...facts,
            ...(productId ? { productId } : {}),
            ...(protectedName ? { protectedName } : {}),
            validFrom: validFrom.toISOString(),
            validUntil: validUntil.toISOString(),
          }),
        ]);
        await this.certificates.insertInTx(tx, { ...certificate, createdSeq: entry.seq });
      },
    });
    return certificate;
  }
}
