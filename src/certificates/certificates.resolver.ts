import { Args, Field, ID, Mutation, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { OrganizationModel } from '../organizations/organization.model.js';
import { ProductModel } from '../products/product.model.js';
import { giStanding, type CertificateKind, type CertificateStanding, type GiStanding } from './certificate-rules.js';
import { CertificateRecord, CertificatesRepository } from './certificates.repository.js';
import { CertificatesService } from './certificates.service.js';
import { AttachCertificateInput, CertificateKindEnum } from './dto/attach-certificate.input.js';
import { AttestCertificateInput } from './dto/attest-certificate.input.js';
import { CertificateStandingEnum, GiStandingEnum } from './standing-enums.js';

@ObjectType('Certificate')
export class CertificateModel {
  @Field(() => ID) id: string;
  @Field(() => CertificateKindEnum) kind: CertificateKind;
  @Field() number: string;
  @Field({ description: 'The issuing body as the certificate names it, in the words of whoever recorded it (see standing)' }) issuer: string;
  @Field(() => String, { nullable: true }) protectedName: string | null;
  @Field() validFrom: Date;
  @Field() validUntil: Date;
  @Field() documentSha256: string;
  @Field(() => OrganizationModel, { description: 'The organization that recorded it' }) recordedBy: OrganizationModel;
  @Field(() => OrganizationModel, { nullable: true, description: 'The regulator or certification body that vouches for it; null when none has' })
  attestedBy: OrganizationModel | null;
  @Field(() => Date, { nullable: true }) attestedAt: Date | null;
  @Field(() => CertificateStandingEnum, { description: 'Certified only when ATTESTED' }) standing: CertificateStanding;
}

function toModel(c: CertificateRecord): CertificateModel {
  return { ...c, attestedBy: c.attestation?.by ?? null, attestedAt: c.attestation?.attestedAt ?? null };
}

@Resolver(() => ProductModel)
export class ProductCertificatesResolver {
  constructor(
    private readonly service: CertificatesService,
    private readonly records: CertificatesRepository,
  ) {}

  @Mutation(() => CertificateModel, {
    description:
      'Attach a GI, organic, green food or 承诺达标 certificate: to one of your products, or a batch you produced, as your declaration; ' +
      'a regulator or certification body attaches one to any product or batch, attested.',
  })
  async attachCertificate(@CurrentCaller() caller: Caller, @Args('input') input: AttachCertificateInput): Promise<CertificateModel> {
    return toModel(await this.service.attach(caller, input));
  }

  @Mutation(() => CertificateModel, { description: 'A regulator or certification body vouches for a certificate someone recorded (REGULATOR, CERTIFIER).' })
  async attestCertificate(@CurrentCaller() caller: Caller, @Args('input') input: AttestCertificateInput): Promise<CertificateModel> {
    return toModel(await this.service.attest(caller, input));
  }

  @ResolveField(() => [CertificateModel])
  async certificates(@Parent() product: ProductModel): Promise<CertificateModel[]> {
    return (await this.records.findForProduct(product.id)).map(toModel);
  }

  @ResolveField(() => Boolean, { description: 'The GI claim is certified: an attested GI certificate of that name, valid now' })
  async geographicIndicationVerified(@Parent() product: ProductModel): Promise<boolean> {
    return (await this.geographicIndicationStanding(product)) === 'ATTESTED';
  }

  @ResolveField(() => GiStandingEnum, { nullable: true, description: 'How far the GI claim is backed, now; null when the product claims none' })
  async geographicIndicationStanding(@Parent() product: ProductModel): Promise<GiStanding | null> {
    return giStanding(product.geographicIndication, await this.records.findForProduct(product.id), new Date());
  }
}

@Resolver(() => BatchModel)
export class BatchCertificatesResolver {
  constructor(private readonly records: CertificatesRepository) {}

  @ResolveField(() => [CertificateModel], { description: "The batch's certificates and its product's" })
  async certificates(@Parent() batch: BatchModel): Promise<CertificateModel[]> {
    return (await this.records.findForBatch(batch.id, batch.productId)).map(toModel);
  }
}
