import { Args, Field, ID, Mutation, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { ProductModel } from '../products/product.model.js';
import { giVerified } from './certificate-rules.js';
import { CertificatesRepository } from './certificates.repository.js';
import { CertificatesService } from './certificates.service.js';
import { AttachCertificateInput, CertificateKindEnum } from './dto/attach-certificate.input.js';
import type { CertificateKind } from './certificate-rules.js';

@ObjectType('Certificate')
export class CertificateModel {
  @Field(() => ID) id: string;
  @Field(() => CertificateKindEnum) kind: CertificateKind;
  @Field() number: string;
  @Field() issuer: string;
  @Field(() => String, { nullable: true }) protectedName: string | null;
  @Field() validFrom: Date;
  @Field() validUntil: Date;
  @Field() documentSha256: string;
}

@Resolver(() => ProductModel)
export class ProductCertificatesResolver {
  constructor(
    private readonly service: CertificatesService,
    private readonly records: CertificatesRepository,
  ) {}

  @Mutation(() => CertificateModel, { description: 'Attach a GI, organic, green food or 承诺达标 certificate to one of your products or batches.' })
  attachCertificate(@CurrentCaller() caller: Caller, @Args('input') input: AttachCertificateInput): Promise<CertificateModel> {
    return this.service.attach(caller, input);
  }

  @ResolveField(() => [CertificateModel])
  certificates(@Parent() product: ProductModel): Promise<CertificateModel[]> {
    return this.records.findForProduct(product.id);
  }

  @ResolveField(() => Boolean, { description: 'The GI claim is backed by a GI certificate of that name, valid now' })
  async geographicIndicationVerified(@Parent() product: ProductModel): Promise<boolean> {
    return giVerified(product.geographicIndication, await this.records.findForProduct(product.id), new Date());
  }
}

@Resolver(() => BatchModel)
export class BatchCertificatesResolver {
  constructor(private readonly records: CertificatesRepository) {}

  @ResolveField(() => [CertificateModel], { description: "The batch's certificates and its product's" })
  certificates(@Parent() batch: BatchModel): Promise<CertificateModel[]> {
    return this.records.findForBatch(batch.id, batch.productId);
  }
}
