import { Args, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { requestLoader } from '../graphql/request-loader.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { InspectionConnection } from '../lists/connection.models.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../lists/page.js';
import { OrganizationModel } from '../organizations/organization.model.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { InspectionFilterInput } from './dto/inspection-filter.input.js';
import { RecordInspectionInput, ReleaseBatchInput } from './dto/inspection.inputs.js';
import { InspectionModel } from './inspection.model.js';
import { InspectionsRepository } from './inspections.repository.js';
import { InspectionsService } from './inspections.service.js';

@Resolver(() => BatchModel)
export class InspectionsResolver {
  constructor(
    private readonly service: InspectionsService,
    private readonly records: InspectionsRepository,
  ) {}

  @Mutation(() => LedgerEntryModel, { description: 'LAB or REGULATOR: a sampling inspection; a FAIL holds the batch and every batch made from it.' })
  async recordInspection(@CurrentCaller() caller: Caller, @Args('input') input: RecordInspectionInput): Promise<LedgerEntryModel> {
    return LedgerEntryModel.from(await this.service.record(caller, input));
  }

  @Mutation(() => BatchModel, { description: 'Regulators: lift an ON_HOLD after an inspection failure, with the reason recorded.' })
  releaseBatch(@CurrentCaller() caller: Caller, @Args('input') input: ReleaseBatchInput): Promise<BatchModel> {
    return this.service.release(caller, input);
  }

  @ResolveField(() => [InspectionModel], {
    description: 'Sampling inspections of this batch, oldest first. Withheld (empty, named in withheldFields) from callers that may not read the batch.',
  })
  inspections(@Parent() batch: BatchModel): Promise<InspectionModel[]> {
    return this.records.findByBatch(batch.id);
  }
}

/** What a field resolver gets as its third argument (app.module's GraphQL context). */
interface GraphqlContext {
  req: object;
}

@Resolver(() => InspectionModel)
export class InspectionListResolver {
  constructor(
    private readonly service: InspectionsService,
    private readonly batches: BatchesRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  @Query(() => InspectionConnection, {
    description:
      `Regulators and admin: every inspection; a lab: the inspections it recorded. Matching the filter, at most \`first\` ` +
      `(1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}) after the \`after\` cursor, newest first. Other organizations are refused.`,
  })
  inspections(
    @CurrentCaller() caller: Caller,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('filter', { type: () => InspectionFilterInput, nullable: true }) filter?: InspectionFilterInput,
  ) {
    return this.service.list(caller, filter ?? {}, { first, after });
  }

  // As Batch.product: no parameter decorators, so graphql-js calls these directly; the request's loaders make a page one query each.
  @ResolveField(() => BatchModel, {
    description: 'The inspected batch. Its private fields follow the batch’s own rule, as wherever a batch is reached.',
  })
  batch(inspection: InspectionModel, _args: unknown, context: GraphqlContext): Promise<BatchModel> {
    return requestLoader(context.req, 'batch', (ids) => this.batches.findByIds(ids))
      .load(inspection.batchId)
      .then((b) => b!);
  }

  @ResolveField(() => OrganizationModel, { description: 'The lab or regulator that recorded the inspection.' })
  inspectedBy(inspection: InspectionModel, _args: unknown, context: GraphqlContext): Promise<OrganizationModel> {
    return requestLoader(context.req, 'organization', (ids) => this.organizations.findByIds(ids))
      .load(inspection.organizationId)
      .then((o) => o!);
  }
}
