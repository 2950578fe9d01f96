import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, requireOrganization } from '../auth/caller.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import { ProductsRepository } from '../products/products.repository.js';
import { certificateProblem } from './certificate-rules.js';
import { Certificate, CertificatesRepository } from './certificates.repository.js';
import { AttachCertificateInput } from './dto/attach-certificate.input.js';

@Injectable()
export class CertificatesService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly certificates: CertificatesRepository,
    private readonly products: ProductsRepository,
    private readonly batches: BatchesRepository,
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
          const owner = await this.products.findOwnerInTx(tx, input.productId);
          if (!owner) throw new DomainError('PRODUCT_NOT_FOUND', `no product has id ${input.productId}`);
          if (owner !== org.organizationId) throw new DomainError('NOT_OWNER', `product ${input.productId} belongs to another organization`);
        } else if (input.batchId) {
          const parties = await this.batches.partiesInTx(tx, input.batchId);
          if (!parties) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${input.batchId}`);
          if (parties.producerId !== org.organizationId && parties.custodianId !== org.organizationId) {
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
