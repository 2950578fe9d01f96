import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import type { GraphQLResolveInfo } from 'graphql';
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
import { withheldBatchFields } from './batch-field-policy.js';
import { BatchModel } from './batch.model.js';
import { BatchesRepository } from './batches.repository.js';
import { BatchesService } from './batches.service.js';
import { coldChainStatus, type ColdChainStatus } from './cold-chain-status.js';
import { RegisterBatchInput } from './dto/register-batch.input.js';
import { ShipmentModel } from './shipment.model.js';

/** What a field resolver gets as its third argument (app.module's GraphQL context). */
interface GraphqlContext {
  req: { caller?: Caller };
}

@Resolver(() => BatchModel)
export class BatchesResolver {
  constructor(
    private readonly batches: BatchesService,
    private readonly products: ProductsRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly ledger: LedgerRepository,
    private readonly batchRows: BatchesRepository,
  ) {}

  @Mutation(() => BatchModel, { description: 'A producer registers a batch (lot) of one of its products at one of its facilities.' })
  registerBatch(@CurrentCaller() caller: Caller, @Args('input') input: RegisterBatchInput): Promise<BatchModel> {
    return this.batches.register(caller, input);
  }

  @Query(() => BatchModel, {
    nullable: true,
    description: 'Its producer, its custodian, the organization it is in transit to (until it receives it), regulators, labs and the admin.',
  })
  batch(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<BatchModel | null> {
    return this.batches.get(caller, id);
  }

  // A list of batches (a trace) asks for these once per batch: the request's loaders make it one query,
  // and a batch that carries its product or custodian (a trace node) gets it back at once, not as a promise.
  // No parameter decorators: with @Parent/@Context, Nest ran every call through its pipes (the global
  // ValidationPipe included); without them it calls the method as graphql-js does, (batch, args, context).
  @ResolveField(() => ProductModel)
  product(batch: BatchModel, _args: unknown, context: GraphqlContext): ProductModel | Promise<ProductModel> {
    return (
      batch.product ??
      this.productLoader(context.req)
        .load(batch.productId)
        .then((p) => p!)
    );
  }

  @ResolveField(() => OrganizationModel)
  custodian(batch: BatchModel, _args: unknown, context: GraphqlContext): OrganizationModel | Promise<OrganizationModel> {
    return (
      batch.custodian ??
      requestLoader(context.req, 'organization', (ids) => this.organizations.findByIds(ids))
        .load(batch.custodianId)
        .then((o) => o!)
    );
  }

  @ResolveField(() => ColdChainStatusEnum, { description: 'NOT_APPLICABLE for ambient goods; NO_DATA until readings are recorded; then OK or EXCURSION' })
  coldChainStatus(batch: BatchModel, _args: unknown, context: GraphqlContext): ColdChainStatus | Promise<ColdChainStatus> {
    const status = (product: ProductModel) => coldChainStatus(product.storage, { count: batch.readingCount ?? 0, excursions: batch.excursionCount ?? 0 });
    return batch.product
      ? status(batch.product)
      : this.productLoader(context.req)
          .load(batch.productId)
          .then((p) => status(p!));
  }

  private productLoader(req: object) {
    return requestLoader(req, 'product', (ids) => this.products.findByIds(ids));
  }

  @ResolveField(() => [LedgerEntryModel], {
    description: "The batch's ledger entries, oldest first. Withheld (empty, named in withheldFields) from callers that may not read the batch.",
  })
  async events(@Parent() batch: BatchModel): Promise<LedgerEntryModel[]> {
    return (await this.ledger.findByBatch(batch.id)).map(LedgerEntryModel.from);
  }

  @ResolveField(() => ShipmentModel, {
    nullable: true,
    description:
      'While it is in transit: who shipped it, to whom, how much and when. Null when it is not in transit; withheld (null, named in withheldFields) ' +
      'from callers that may not read the batch.',
  })
  shipment(batch: BatchModel, _args: unknown, context: GraphqlContext): ShipmentModel | null | Promise<ShipmentModel | null> {
    if (!batch.inTransitToId || !batch.shippedById || batch.inTransitQuantity == null) return null;
    const { inTransitToId, shippedById, inTransitQuantity } = batch;
    const organizations = requestLoader(context.req, 'organization', (ids) => this.organizations.findByIds(ids));
    const entry = batch.shipping
      ? Promise.resolve(batch.shipping)
      : requestLoader(context.req, 'shippingEntry', (ids) => this.batchRows.shippingEntries(ids)).load(batch.id);
    return Promise.all([entry, organizations.load(shippedById), organizations.load(inTransitToId)]).then(([shipping, shippedBy, destination]) =>
      shipping && shippedBy && destination
        ? { shippedBy, destination, quantity: inTransitQuantity, unit: batch.unit, shippedAt: shipping.eventTime, shippingSeq: shipping.seq }
        : null,
    );
  }

  @ResolveField(() => [String], {
    description:
      'The fields withheld from you because you may not read this batch (neither its producer, its custodian, the organization it is in transit to, ' +
      'a regulator, a lab nor the admin): ' +
      'they answer empty or null, which then means "not shown to you", not "none". Empty when you may read all of it.',
  })
  withheldFields(batch: BatchModel, _args: unknown, context: GraphqlContext, info: GraphQLResolveInfo): string[] {
    return withheldBatchFields(context.req.caller, batch, info.parentType);
  }
}
