import { Injectable } from '@nestjs/common';
import { Caller } from '../auth/caller.js';
import { Batch, BatchesRepository } from '../batches/batches.repository.js';
import { BatchesService } from '../batches/batches.service.js';
import { DomainError } from '../common/domain-error.js';
import { TraceDirection, TraceRepository } from './trace.repository.js';

export const MAX_TRACE_DEPTH = 50;
export const TRACE_NODE_LIMIT = 10_000;

export interface TraceView {
  root: Batch;
  direction: TraceDirection;
  nodes: { batch: Batch; depth: number }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
}

@Injectable()
export class TraceService {
  constructor(
    private readonly walks: TraceRepository,
    private readonly batches: BatchesRepository,
    private readonly batchesService: BatchesService,
  ) {}

  /** UPSTREAM to the origin farms, or DOWNSTREAM to every batch made from this one and who holds it now. */
  async trace(caller: Caller, batchId: string, direction: TraceDirection, maxDepth = MAX_TRACE_DEPTH): Promise<TraceView> {
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_TRACE_DEPTH) {
      throw new DomainError('INVALID_RANGE', `maxDepth must be from 1 to ${MAX_TRACE_DEPTH}, got ${maxDepth}`);
    }
    // Who may see the batch may trace it (its producer, its custodian, regulators, labs, the admin).
    const root = await this.batchesService.get(caller, batchId);
    if (!root) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${batchId}`);
    const walk = await this.walks.walk(batchId, direction, maxDepth, TRACE_NODE_LIMIT);
    if (walk.truncated) {
      throw new DomainError('INVALID_RANGE', `the trace reaches more than ${TRACE_NODE_LIMIT} batches within depth ${maxDepth}; ask for a smaller maxDepth`);
    }
    const byId = await this.batches.findByIds(walk.nodes.map((n) => n.id));
    return { root, direction, nodes: walk.nodes.map((n) => ({ batch: byId.get(n.id)!, depth: n.depth })), edges: walk.edges };
  }
}
