import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Caller } from '../auth/caller.js';
import type { Batch } from '../batches/batch-row.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { BatchesService } from '../batches/batches.service.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { Organization, OrganizationsRepository } from '../organizations/organizations.repository.js';
import { Product, ProductsRepository } from '../products/products.repository.js';
import { LedgerChanges } from '../ledger/ledger-changes.js';
import type { Connection } from '../lists/page.js';
import { BatchViewCache } from '../scan/batch-view-cache.js';
import { PagedWalk, pagedWalk, TraceEdge, traceNodesPage } from './trace-page.js';
import { renderTraceSvg } from './trace-svg.js';
import { TraceDirection, TraceLotRow, TraceRepository, TraceWalk } from './trace.repository.js';

export const MAX_TRACE_DEPTH = 50;
/** Lots and edges of lineage walks kept in memory (about 100 bytes each), so a trace paged or asked again is not walked again. */
const WALK_CACHE_ROWS = 100_000;
/** A kept walk is dropped after this long even when the ledger has not touched it (as the scan views). */
const WALK_MAX_AGE_MS = 60_000;
/** Lots read and written at a time when a whole trace is streamed. */
export const STREAM_CHUNK = 1000;

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

/** A page of a trace: its lots (as the whole trace's nodes) and the lineage edges that end at them. */
export interface TracePage {
  connection: Connection<{ batch: TraceBatch; depth: number }>;
  totalCount: number;
  lineageEdges: TraceEdge[];
}

type KeptWalk = TraceWalk & PagedWalk;

@Injectable()
export class TraceService implements OnModuleDestroy {
  /**
   * Lineage walks by root, direction and depth, each kept until the ledger touches one of its lots (a
   * transformation writes to the chains of its inputs and outputs, so a lot joining a walk touches one
   * already in it) and for at most a minute, from its second read on: the walk is what grows with the
   * lineage, a page of it is not.
   */
  private readonly walkCache: BatchViewCache<KeptWalk>;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly walks: TraceRepository,
    private readonly batches: BatchesRepository,
    private readonly batchesService: BatchesService,
    private readonly products: ProductsRepository,
    private readonly organizations: OrganizationsRepository,
    changes: LedgerChanges,
  ) {
    this.walkCache = new BatchViewCache<KeptWalk>(
      WALK_CACHE_ROWS,
      WALK_MAX_AGE_MS,
      () => changes.live,
      (w) => 1 + w.nodes.length + w.edgeCount,
    );
    this.unsubscribe = changes.subscribe((touched) => this.walkCache.invalidate(touched));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

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
    const { root, walk } = await this.walkFor(caller, batchId, direction, maxDepth);
    const ids = walk.nodes.map((n) => n.id);
    const [loaded, lines] = await Promise.all([this.loadBatches(ids), this.walks.massBalance(ids)]);
    const nodes = walk.nodes.map((n) => ({ batch: loaded.get(n.id)!, depth: n.depth }));
    return { root, direction, nodes, edges: walk.edges, transformations: massBalances(lines) };
  }

  /**
   * One page of a trace's lots, in the walk's order (depth, then id), with the lineage edges that end
   * at them: what a page costs does not grow with the trace once its walk is kept.
   */
  async tracePage(
    caller: Caller,
    batchId: string,
    direction: TraceDirection,
    maxDepth: number | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<TracePage> {
    const depth = maxDepth ?? MAX_TRACE_DEPTH;
    const { walk } = await this.walkFor(caller, batchId, direction, depth);
    // A cursor belongs to this trace: the same lot sits elsewhere, or nowhere, in another.
    const { connection, edges } = traceNodesPage(walk, { batchId, direction, maxDepth: depth }, first, after);
    const loaded = await this.loadBatches(connection.edges.map((e) => e.node.id));
    return {
      connection: { ...connection, edges: connection.edges.map(({ cursor, node }) => ({ cursor, node: { batch: loaded.get(node.id)!, depth: node.depth } })) },
      totalCount: walk.nodes.length,
      lineageEdges: edges,
    };
  }

  /**
   * Every lot of a trace, STREAM_CHUNK at a time in the walk's order, each with the lots it came from
   * (downstream) or went into (upstream) within the trace: for an export streamed as it is read.
   * Authorized as `trace` is, before the first chunk.
   */
  async *lotChunks(
    caller: Caller,
    batchId: string,
    direction: TraceDirection,
    maxDepth = MAX_TRACE_DEPTH,
  ): AsyncGenerator<{ depth: number; lot: TraceLotRow; linkedTo: string[] }[]> {
    const { walk } = await this.walkFor(caller, batchId, direction, maxDepth);
    const nearEnd = (e: TraceEdge) => (direction === 'DOWNSTREAM' ? e.fromBatchId : e.toBatchId);
    const read = (from: number) => this.walks.lotRows(walk.nodes.slice(from, from + STREAM_CHUNK).map((n) => n.id));
    // The next chunk is read while this one is written out: the database and the client's connection work at once.
    let pending = walk.nodes.length > 0 ? read(0) : null;
    try {
      for (let from = 0; pending; from += STREAM_CHUNK) {
        const lots = await pending;
        pending = from + STREAM_CHUNK < walk.nodes.length ? read(from + STREAM_CHUNK) : null;
        const depths = new Map(walk.nodes.slice(from, from + STREAM_CHUNK).map((n) => [n.id, n.depth]));
        yield lots.map((lot) => ({ depth: depths.get(lot.id)!, lot, linkedTo: (walk.edgesByFarEnd.get(lot.id) ?? []).map(nearEnd) }));
      }
    } finally {
      // A client that went away leaves at most one read in flight: its failure, if any, is nobody's to hear.
      pending?.catch(() => undefined);
    }
  }

  /** The root batch, if the caller may read it (who may see the batch may trace it), and its walk: kept, or read now. */
  private async walkFor(caller: Caller, batchId: string, direction: TraceDirection, maxDepth: number): Promise<{ root: Batch; walk: KeptWalk }> {
    if (!Number.isInteger(maxDepth) || maxDepth < 1 || maxDepth > MAX_TRACE_DEPTH) {
      throw new DomainError('INVALID_RANGE', `maxDepth must be from 1 to ${MAX_TRACE_DEPTH}, got ${maxDepth}`);
    }
    // Who may see the batch may trace it (its producer, its custodian, regulators, labs, the admin).
    const root = await this.batchesService.get(caller, batchId);
    if (!root) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${batchId}`);
    const limit = this.config.traceNodeLimit;
    const walk = await this.walkCache.through(`${batchId}|${direction}|${maxDepth}`, async () => {
      const read = await this.walks.walk(batchId, direction, maxDepth, limit);
      return { value: { ...read, ...pagedWalk(read, direction) }, dependsOn: read.nodes.map((n) => n.id) };
    });
    if (walk!.truncated) {
      throw new DomainError('INVALID_RANGE', `the trace reaches more than ${limit} batches within depth ${maxDepth}; ask for a smaller maxDepth`);
    }
    return { root, walk: walk! };
  }

  /** The batches with these ids, each with its product and custodian (loaded once for all). */
  private async loadBatches(ids: string[]): Promise<Map<string, TraceBatch>> {
    const byId = await this.batches.findByIds(ids);
    const batches = [...byId.values()];
    const [products, custodians] = await Promise.all([
      this.products.findByIds([...new Set(batches.map((b) => b.productId))]),
      this.organizations.findByIds([...new Set(batches.map((b) => b.custodianId))]),
    ]);
    // A fresh object per node: a kept walk is shared, the rows are not.
    return new Map(batches.map((b) => [b.id, { ...b, product: products.get(b.productId)!, custodian: custodians.get(b.custodianId)! }]));
  }
}
