import { Args, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { RecallLevelEnum, RecallStatusEnum } from '../graphql/enums.js';
import { InitiateRecallInput } from './dto/initiate-recall.input.js';
import { RecallsService } from './recalls.service.js';

@ObjectType('Recall')
export class RecallModel {
  @Field(() => ID) id: string;
  @Field(() => RecallLevelEnum) level: string;
  @Field() reason: string;
  @Field(() => RecallStatusEnum) status: string;
  @Field() initiatedAt: Date;
  @Field({ description: 'The recall must have started by then (24/48/72 hours by level)' }) startBy: Date;
  @Field({ description: 'The recall must be complete by then (10/20/30 working days by level)' }) completeBy: Date;
  @Field(() => [BatchModel], { description: 'The named batches and every batch made from them' }) affectedBatches: BatchModel[];
}

@Resolver()
export class RecallsResolver {
  constructor(private readonly recalls: RecallsService) {}

  @Mutation(() => RecallModel, { description: 'Regulators, or the producer of every named batch.' })
  initiateRecall(@CurrentCaller() caller: Caller, @Args('input') input: InitiateRecallInput): Promise<RecallModel> {
    return this.recalls.initiate(caller, input);
  }

  @Query(() => RecallModel, { nullable: true, description: 'Regulators, the initiator, and organizations holding or having made an affected batch.' })
  recall(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<RecallModel | null> {
    return this.recalls.get(caller, id);
  }
}
