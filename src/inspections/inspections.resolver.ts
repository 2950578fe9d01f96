import { Args, Field, Float, ID, Mutation, ObjectType, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { InspectionVerdictEnum } from '../graphql/enums.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { RecordInspectionInput, ReleaseBatchInput } from './dto/inspection.inputs.js';
import { InspectionsRepository } from './inspections.repository.js';
import { InspectionsService } from './inspections.service.js';

@ObjectType('InspectionItem')
export class InspectionItemModel {
  @Field() name: string;
  @Field(() => Float, { nullable: true }) value?: number | null;
  @Field(() => Float, { nullable: true }) limit?: number | null;
  @Field(() => String, { nullable: true }) unit?: string | null;
  @Field() passed: boolean;
}

@ObjectType('Inspection')
export class InspectionModel {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) agency: string | null;
  @Field(() => String, { nullable: true }) standard: string | null;
  @Field(() => InspectionVerdictEnum) verdict: 'PASS' | 'FAIL';
  @Field(() => [InspectionItemModel]) items: InspectionItemModel[];
}

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
