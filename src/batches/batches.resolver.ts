import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { ColdChainStatusEnum } from '../graphql/enums.js';
import { requestLoader } from '../graphql/request-loader.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { OrganizationModel } from '../organizations/organization.model.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { ProductModel } from '../products/product.model.js';
import { ProductsRepository } from '../products/products.repository.js';
import { BatchModel } from './batch.model.js';
import { BatchesService } from './batches.service.js';
import { coldChainStatus, type ColdChainStatus } from './cold-chain-status.js';
import { RegisterBatchInput } from './dto/register-batch.input.js';

@Resolver(() => BatchModel)
export class BatchesResolver {
  constructor(
    private readonly batches: BatchesService,
    private readonly products: ProductsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly ledger: LedgerRepository,
  ) {}

  @Mutation(() => BatchModel, { description: 'A producer registers a batch (lot) of one of its products at one of its facilities.' })
  registerBatch(@CurrentCaller() caller: Caller, @Args('input') input: RegisterBatchInput): Promise<BatchModel> {
    return this.batches.register(caller, input);
  }

  @Query(() => BatchModel, { nullable: true, description: 'Its producer, its custodian, regulators, labs and the admin.' })
  batch(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<BatchModel | null> {
    return this.batches.get(caller, id);
  }

  // A list of batches (a trace) asks for these once per batch: the request's loaders make it one query.
  @ResolveField(() => ProductModel)
  async product(@Parent() batch: BatchModel, @Context('req') req: object): Promise<ProductModel> {
    return (await this.productLoader(req).load(batch.productId))!;
  }

  @ResolveField(() => OrganizationModel)
  async custodian(@Parent() batch: BatchModel, @Context('req') req: object): Promise<OrganizationModel> {
    return (await requestLoader(req, 'organization', (ids) => this.organizations.findByIds(ids)).load(batch.custodianId))!;
  }

  @ResolveField(() => ColdChainStatusEnum, { description: 'NOT_APPLICABLE for ambient goods; NO_DATA until readings are recorded; then OK or EXCURSION' })
  async coldChainStatus(@Parent() batch: BatchModel, @Context('req') req: object): Promise<ColdChainStatus> {
    const product = (await this.productLoader(req).load(batch.productId))!;
    return coldChainStatus(product.storage, { count: batch.readingCount ?? 0, excursions: batch.excursionCount ?? 0 });
  }

  private productLoader(req: object) {
    return requestLoader(req, 'product', (ids) => this.products.findByIds(ids));
  }

  @ResolveField(() => [LedgerEntryModel], { description: "The batch's ledger entries, oldest first." })
  async events(@Parent() batch: BatchModel): Promise<LedgerEntryModel[]> {
    return (await this.ledger.findByBatch(batch.id)).map(LedgerEntryModel.from);
  }
}
