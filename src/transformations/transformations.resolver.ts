import { Args, Field, Mutation, ObjectType, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { LedgerEntryModel } from '../ledger/ledger.models.js';
import { TransformBatchesInput } from './dto/transform-batches.input.js';
import { TransformationsService } from './transformations.service.js';

@ObjectType('TransformResult')
export class TransformResultModel {
  @Field(() => [BatchModel]) outputs: BatchModel[];
  @Field(() => [LedgerEntryModel], { description: 'A TRANSFORMING entry per input, then a BATCH_REGISTERED entry per output' }) entries: LedgerEntryModel[];
}

@Resolver()
export class TransformationsResolver {
  constructor(private readonly transformations: TransformationsService) {}

  @Mutation(() => TransformResultModel, {
    description: 'Milling, pooling, packing, splitting, mixing: consumes input batches in your custody and creates output batches.',
  })
  async transformBatches(@CurrentCaller() caller: Caller, @Args('input') input: TransformBatchesInput): Promise<TransformResultModel> {
    const { outputs, entries } = await this.transformations.transform(caller, input);
    return { outputs, entries: entries.map(LedgerEntryModel.from) };
  }
}
