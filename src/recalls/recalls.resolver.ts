import { Args, Field, Float, ID, Mutation, ObjectType, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Inject, ParseUUIDPipe } from '@nestjs/common';
import { PubSub } from 'graphql-subscriptions';
import { DomainError } from '../common/domain-error.js';
import { RECALL_EVENTS, RECALL_ISSUED } from './recall-events.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { RecallLevelEnum, RecallStatusEnum } from '../graphql/enums.js';
import { CloseRecallInput, InitiateRecallInput, ReportRecallRecoveryInput } from './dto/initiate-recall.input.js';
import { hearsOf, RecallIssued, RecallsService } from './recalls.service.js';

@ObjectType('RecallEffectiveness', { description: 'Per holder and unit: recovered over what its batches held when recalled' })
export class RecallEffectivenessModel {
  @Field(() => ID) organizationId: string;
  @Field() organization: string;
  @Field() unit: string;
  @Field(() => Float) affected: number;
  @Field(() => Float) recovered: number;
  @Field(() => Float, { nullable: true }) percent: number | null;
}

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
  @Field(() => [RecallEffectivenessModel]) effectiveness: RecallEffectivenessModel[];
}

@Resolver()
export class RecallsResolver {
  constructor(
    private readonly recalls: RecallsService,
    @Inject(RECALL_EVENTS) private readonly events: PubSub,
  ) {}

  @Mutation(() => RecallModel, { description: 'Regulators, or the producer of every named batch.' })
  initiateRecall(@CurrentCaller() caller: Caller, @Args('input') input: InitiateRecallInput): Promise<RecallModel> {
    return this.recalls.initiate(caller, input);
  }

  @Mutation(() => RecallModel, { description: 'The custodian of a recalled batch reports a quantity returned or destroyed.' })
  reportRecallRecovery(@CurrentCaller() caller: Caller, @Args('input') input: ReportRecallRecoveryInput): Promise<RecallModel> {
    return this.recalls.reportRecovery(caller, input);
  }

  @Mutation(() => RecallModel, { description: 'A regulator closes a recall with a note.' })
  closeRecall(@CurrentCaller() caller: Caller, @Args('input') input: CloseRecallInput): Promise<RecallModel> {
    return this.recalls.close(caller, input);
  }

  @Subscription(() => RecallModel, {
    description: "Recalls that affect a batch in the subscriber's custody, in transit to it, or of which it holds units (all recalls for regulators).",
    filter: (event: RecallIssued, _variables: unknown, context: { req: { caller?: Caller } }) => !!context.req.caller && hearsOf(event, context.req.caller),
    resolve: (event: RecallIssued) => event.recall,
  })
  recallIssued(@CurrentCaller() caller: Caller) {
    if (caller.kind === 'anonymous')
      throw new DomainError('AUTHENTICATION_REQUIRED', 'recallIssued needs an API key in the connection params: { authorization: "Bearer <key>" }');
    return this.events.asyncIterableIterator(RECALL_ISSUED);
  }

  @Query(() => RecallModel, {
    nullable: true,
    description:
      'Regulators, the initiator, and organizations that made, hold, have in transit to them, or hold units of (a package received) an affected batch. ' +
      'viewer.recalls lists them.',
  })
  recall(@CurrentCaller() caller: Caller, @Args('id', { type: () => ID }, new ParseUUIDPipe()) id: string): Promise<RecallModel | null> {
    return this.recalls.get(caller, id);
  }
}
