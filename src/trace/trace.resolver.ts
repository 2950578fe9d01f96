import { Args, Field, Float, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { TraceDirectionEnum } from '../graphql/enums.js';
import type { TraceDirection } from './trace.repository.js';
import { TraceService } from './trace.service.js';

@ObjectType('TraceNode')
export class TraceNodeModel {
  @Field(() => BatchModel) batch: BatchModel;
  @Field(() => Int) depth: number;
}

@ObjectType('TraceEdge')
export class TraceEdgeModel {
  @Field(() => ID) fromBatchId: string;
  @Field(() => ID) toBatchId: string;
  @Field(() => Float, { nullable: true, description: 'How much of the input went into the output, in the input’s unit, when known' }) quantity: number | null;
}

@ObjectType('MassBalanceLine')
export class MassBalanceLineModel {
  @Field(() => ID) batchId: string;
  @Field(() => Float) quantity: number;
  @Field() unit: string;
}

@ObjectType('TransformationBalance', { description: 'What a transformation took from its inputs and what it made' })
export class TransformationBalanceModel {
  @Field(() => ID) transformationId: string;
  @Field(() => [MassBalanceLineModel]) inputs: MassBalanceLineModel[];
  @Field(() => [MassBalanceLineModel]) outputs: MassBalanceLineModel[];
  @Field(() => Float, { nullable: true, description: 'Outputs over inputs in percent, when all lines share one unit' }) yieldPercent: number | null;
}

@ObjectType('Trace')
export class TraceModel {
  @Field(() => BatchModel) root: BatchModel;
  @Field(() => TraceDirectionEnum) direction: string;
  @Field(() => [TraceNodeModel]) nodes: TraceNodeModel[];
  @Field(() => [TraceEdgeModel]) edges: TraceEdgeModel[];
  @Field(() => [TransformationBalanceModel], { description: 'Mass balance of each transformation within the trace' })
  transformations: TransformationBalanceModel[];
}

@Resolver()
export class TraceResolver {
  constructor(private readonly traces: TraceService) {}

  @Query(() => TraceModel, { description: 'Walks lineage in one query: UPSTREAM to origin farms, DOWNSTREAM to every batch made from it and who holds it.' })
  trace(
    @CurrentCaller() caller: Caller,
    @Args('batchId', { type: () => ID }, new ParseUUIDPipe()) batchId: string,
    @Args('direction', { type: () => TraceDirectionEnum }) direction: TraceDirection,
    @Args('maxDepth', { type: () => Int, nullable: true }) maxDepth?: number,
  ): Promise<TraceModel> {
    return this.traces.trace(caller, batchId, direction, maxDepth ?? undefined);
  }
}
