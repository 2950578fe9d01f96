import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Caller, OrganizationCaller, requireOrganization } from '../auth/caller.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { DomainError } from '../common/domain-error.js';
import type { Tx } from '../database/database.js';
import { newEntry } from '../ledger/entry-types.js';
import { LedgerWriter } from '../ledger/ledger-writer.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { ProductsRepository } from '../products/products.repository.js';
import { ATTESTERS, certificateProblem, mayAttest } from './certificate-rules.js';
import { Certificate, CertificateRecord, CertificatesRepository } from './certificates.repository.js';
import { AttachCertificateInput } from './dto/attach-certificate.input.js';
import { AttestCertificateInput } from './dto/attest-certificate.input.js';

/** Kinds of organization that attest some kind of certificate. */
const ATTESTER_KINDS: readonly OrganizationKind[] = [...new Set(Object.values(ATTESTERS).flat())];

@Injectable()
export class CertificatesService {
  constructor(
    private readonly writer: LedgerWriter,
    private readonly certificates: CertificatesRepository,
    private readonly products: ProductsRepository,
    private readonly batches: BatchesRepository,
  ) {}

  /**
   * The product's owner or the batch's producer records a certificate: its own declaration. A regulator
   * or certification body allowed to attest that kind may attach one to anyone's product or batch: it is
   * then issued attested (a CERTIFICATE_ATTESTED entry follows the CERTIFICATE_ATTACHED one).
   */
  async attach(caller: Caller, input: AttachCertificateInput): Promise<CertificateRecord> {
    const org = requireOrganization(caller);
    if (!input.productId === !input.batchId)
      throw new DomainError('INVALID_INPUT', 'give either productId or batchId: the certificate covers one product or one batch');
    const problem = certificateProblem(input);
    if (problem) throw new DomainError('INVALID_INPUT', problem);
    const attests = mayAttest(org.organizationKind, input.kind);
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
        if (!attests) await this.checkRecorder(tx, org, certificate);
        else await this.checkSubjectExists(tx, certificate);
        const { id: certificateId, organizationId: _org, batchId: _batch, validFrom, validUntil, protectedName, productId, ...facts } = certificate;
        const [attached, attested] = await append([
          newEntry('CERTIFICATE_ATTACHED', certificate.batchId, {
            certificateId,
            ...facts,
            ...(productId ? { productId } : {}),
            ...(protectedName ? { protectedName } : {}),
            validFrom: validFrom.toISOString(),
            validUntil: validUntil.toISOString(),
          }),
          ...(attests ? [newEntry('CERTIFICATE_ATTESTED', certificate.batchId, { certificateId, documentSha256: certificate.documentSha256 })] : []),
        ]);
        await this.certificates.insertInTx(tx, { ...certificate, createdSeq: attached.seq });
        if (attested) {
          await this.certificates.insertAttestationInTx(tx, {
            certificateId,
            organizationId: org.organizationId,
            attestedAt: attested.recordedAt,
            createdSeq: attested.seq,
          });
        }
      },
    });
    return (await this.certificates.findById(certificate.id))!;
  }

  /**
   * A regulator or certification body vouches for a certificate someone recorded, naming the document it
   * checked: from then on it shows as attested, by that organization. Once per certificate.
   */
  async attest(caller: Caller, input: AttestCertificateInput): Promise<CertificateRecord> {
    const org = requireOrganization(caller);
    if (!ATTESTER_KINDS.includes(org.organizationKind)) {
      throw new DomainError('ROLE_NOT_ALLOWED', `attestCertificate is for a ${ATTESTER_KINDS.join(' or ')} organization, not a ${org.organizationKind}`);
    }
    // Where its entry goes (the batch's chain or the ledger's) is fixed when the certificate is recorded.
    const found = await this.certificates.findById(input.certificateId);
    if (!found) throw new DomainError('CERTIFICATE_NOT_FOUND', `certificateId: no certificate has id ${input.certificateId}`);
    await this.writer.execute({
      actor: org.organizationId,
      batchIds: found.batchId ? [found.batchId] : [],
      run: async ({ tx, append }) => {
        const certificate = (await this.certificates.findByIdInTx(tx, input.certificateId))!;
        if (!mayAttest(org.organizationKind, certificate.kind)) {
          throw new DomainError(
            'ROLE_NOT_ALLOWED',
            certificate.kind === 'COMMITMENT'
              ? `certificate ${certificate.id} is a COMMITMENT (承诺达标合格证): its producer's own promise, which no one attests`
              : `a ${org.organizationKind} does not attest ${certificate.kind} certificates (${ATTESTERS[certificate.kind].join(' or ')} do)`,
          );
        }
        if (certificate.attestation) {
          throw new DomainError('CERTIFICATE_ALREADY_ATTESTED', `certificate ${certificate.id} is already attested by ${certificate.attestation.by.name}`);
        }
        if (certificate.documentSha256 !== input.documentSha256) {
          throw new DomainError(
            'CERTIFICATE_DOCUMENT_MISMATCH',
            `documentSha256: certificate ${certificate.id} was recorded with document ${certificate.documentSha256}, not ${input.documentSha256}; ` +
              'attest only the document you checked',
          );
        }
        const [entry] = await append([
          newEntry('CERTIFICATE_ATTESTED', certificate.batchId, { certificateId: certificate.id, documentSha256: certificate.documentSha256 }),
        ]);
        await this.certificates.insertAttestationInTx(tx, {
          certificateId: certificate.id,
          organizationId: org.organizationId,
          attestedAt: entry.recordedAt,
          createdSeq: entry.seq,
        });
      },
    });
    return (await this.certificates.findById(input.certificateId))!;
  }

  /** A declaration is recorded by the product's owner or the batch's producer; a custodian holds the goods but did not make them. */
  private async checkRecorder(tx: Tx, org: OrganizationCaller, c: Certificate): Promise<void> {
    if (c.productId) {
      const owner = await this.products.findOwnerInTx(tx, c.productId);
      if (!owner) throw new DomainError('PRODUCT_NOT_FOUND', `no product has id ${c.productId}`);
      if (owner !== org.organizationId) throw new DomainError('NOT_OWNER', `product ${c.productId} belongs to another organization`);
      return;
    }
    const parties = await this.batches.partiesInTx(tx, c.batchId!);
    if (!parties) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${c.batchId}`);
    if (parties.producerId === org.organizationId) return;
    const who =
      parties.custodianId === org.organizationId ? 'is held by your organization but was produced by another' : 'was not produced by your organization';
    throw new DomainError(
      'NOT_OWNER',
      `batch ${c.batchId} ${who}: only its producer attaches certificates to it (and a regulator or certification body, the kinds it attests)`,
    );
  }

  private async checkSubjectExists(tx: Tx, c: Certificate): Promise<void> {
    if (c.productId && !(await this.products.findOwnerInTx(tx, c.productId))) throw new DomainError('PRODUCT_NOT_FOUND', `no product has id ${c.productId}`);
    if (c.batchId && !(await this.batches.partiesInTx(tx, c.batchId))) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${c.batchId}`);
  }
}
