import { Inject, Injectable } from '@nestjs/common';
import { Caller } from '../auth/caller.js';
import type { Batch } from '../batches/batch-row.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { BatchesService } from '../batches/batches.service.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { Organization, OrganizationsRepository } from '../organizations/organizations.repository.js';
import { Product, ProductsRepository } from '../products/products.repository.js';
import { renderTraceSvg } from './trace-svg.js';
import { TraceDirection, TraceRepository } from './trace.repository.js';

export const MAX_TRACE_DEPTH = 50;

export interface MassBalance {
  transformationId: string;
  inputs: { batchId: string; quantity: number; unit: string }[];
  outputs: { batchId: string; quantity: number; unit: string }[];
  /** Outputs over inputs, in percent, when every line uses one unit (else unknown). */
  yieldPercent: number | null;
}

/** A batch of a trace with its product and custodian, loaded once for all nodes (so GraphQL resolves them without a promise each). */
export type TraceBatch = Batch & { product: Product; custodian: Organization };

export interface TraceView {
  root: Batch;
  direction: TraceDirection;
  nodes: { batch: TraceBatch; depth: number }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
  transformations: MassBalance[];
}

/** Groups transformation lines into a balance each (one with no inputs or no outputs recorded is left out). */
export function massBalances(lines: { transformationId: string; side: 'input' | 'output'; batchId: string; quantity: number; unit: string }[]): MassBalance[] {
  const byId = new Map<string, MassBalance>();
  for (const line of lines) {
    const balance = byId.get(line.transformationId) ?? { transformationId: line.transformationId, inputs: [], outputs: [], yieldPercent: null };
    byId.set(line.transformationId, balance);
    (line.side === 'input' ? balance.inputs : balance.outputs).push({ batchId: line.batchId, quantity: line.quantity, unit: line.unit });
  }
  return [...byId.values()]
    .filter((b) => b.inputs.length > 0 && b.outputs.length > 0)
    .map((b) => {
      const units = new Set([...b.inputs, ...b.outputs].map((l) => l.unit));
      const sum = (ls: { quantity: number }[]) => ls.reduce((a, l) => a + l.quantity, 0);
      return { ...b, yieldPercent: units.size === 1 ? Math.round((sum(b.outputs) / sum(b.inputs)) * 1000) / 10 : null };
    });
}

@Injectable()
export class TraceService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly walks: TraceRepository,
    private readonly batches: BatchesRepository,
    private readonly batchesService: BatchesService,
    private readonly products: ProductsRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  /** The trace drawn as an SVG picture (see trace-svg.ts). */
  async picture(caller: Caller, batchId: string, direction: TraceDirection): Promise<string> {
    const trace = await this.trace(caller, batchId, direction);
    return renderTraceSvg({
      direction: trace.direction,
      edges: trace.edges,
      nodes: trace.nodes.map(({ batch, depth }) => ({
        id: batch.id,
        depth,
        label: batch.product.name,
        sublabel: batch.lotCode,
        status: batch.status,
        held: (batch as { held?: boolean }).held ?? false,
        recalled: (batch as { recalled?: boolean }).recalled ?? false,
      })),
    });
  }

  /** UPSTREAM to the origin farms, or DOWNSTREAM to every batch made from this one and who holds it now. */
  async trace(caller: Caller, batchId: string, direction: TraceDirection, maxDepth = MAX_TRACE_DEPTH): Promise<TraceView> {
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_TRACE_DEPTH) {
      throw new DomainError('INVALID_RANGE', `maxDepth must be from 1 to ${MAX_TRACE_DEPTH}, got ${maxDepth}`);
    }
    // Who may see the batch may trace it (its producer, its custodian, regulators, labs, the admin).
    const root = await this.batchesService.get(caller, batchId);
    if (!root) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${batchId}`);
    const limit = this.config.traceNodeLimit;
    const walk = await this.walks.walk(batchId, direction, maxDepth, limit);
    if (walk.truncated) {
      throw new DomainError('INVALID_RANGE', `the trace reaches more than ${limit} batches within depth ${maxDepth}; ask for a smaller maxDepth`);
    }
    const ids = walk.nodes.map((n) => n.id);
    const [byId, lines] = await Promise.all([this.batches.findByIds(ids), this.walks.massBalance(ids)]);
    const batches = [...byId.values()];
    const [products, custodians] = await Promise.all([
      this.products.findByIds([...new Set(batches.map((b) => b.productId))]),
      this.organizations.findByIds([...new Set(batches.map((b) => b.custodianId))]),
    ]);
    const nodes = walk.nodes.map((n) => {
      const batch = byId.get(n.id)!;
      return { batch: Object.assign(batch, { product: products.get(batch.productId)!, custodian: custodians.get(batch.custodianId)! }), depth: n.depth };
    });
    return { root, direction, nodes, edges: walk.edges, transformations: massBalances(lines) };
  }
}
