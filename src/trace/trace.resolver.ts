import { Args, Field, Float, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { BatchModel } from '../batches/batch.model.js';
import { TraceDirectionEnum } from '../graphql/enums.js';
import { PageInfoModel } from '../lists/connection.models.js';
import { TRACE_DEFAULT_PAGE, TRACE_MAX_PAGE } from './trace-page.js';
import type { TraceDirection } from './trace.repository.js';
import { TracePage, TraceService } from './trace.service.js';

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

@ObjectType('TraceNodeEdge')
export class TraceNodeEdgeModel {
  @Field({ description: 'Opaque: pass it as `after` to read on from this lot.' }) cursor: string;
  @Field(() => TraceNodeModel) node: TraceNodeModel;
}

@ObjectType('TraceNodeConnection', { description: 'The lots of a trace in the walk’s order (depth, then id), a page at a time.' })
export class TraceNodeConnectionModel {
  @Field(() => [TraceNodeEdgeModel]) edges: TraceNodeEdgeModel[];
  @Field(() => PageInfoModel) pageInfo: PageInfoModel;
  @Field(() => Int, { description: 'Lots in the whole trace.' }) totalCount: number;
  @Field(() => [TraceEdgeModel], {
    description:
      'The lineage edges that end at this page’s lots away from the root (into them DOWNSTREAM, out of them UPSTREAM): ' +
      'each edge of the trace comes on exactly one page.',
  })
  lineageEdges: TraceEdgeModel[];
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

  @Query(() => TraceNodeConnectionModel, {
    description:
      `The lots of \`trace\` a page at a time: at most \`first\` (1–${TRACE_MAX_PAGE}, default ${TRACE_DEFAULT_PAGE}) after the \`after\` cursor, ` +
      'in the walk’s order (depth, then id), with the lineage edges that end at them. The whole trace streams from /trace/<batch id>/lots.csv or lots.ndjson.',
  })
  async traceConnection(
    @CurrentCaller() caller: Caller,
    @Args('batchId', { type: () => ID }, new ParseUUIDPipe()) batchId: string,
    @Args('direction', { type: () => TraceDirectionEnum }) direction: TraceDirection,
    @Args('maxDepth', { type: () => Int, nullable: true }) maxDepth?: number,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<TraceNodeConnectionModel> {
    const page: TracePage = await this.traces.tracePage(caller, batchId, direction, maxDepth ?? undefined, first, after);
    return { ...page.connection, totalCount: page.totalCount, lineageEdges: page.lineageEdges };
  }
}
