import { decodeCursor, encodeCursor, pageSize, type Connection, type CursorScope } from '../lists/page.js';
import type { TraceDirection, TraceWalk } from './trace.repository.js';

/** Lots a page of a trace holds when `first` is not given, and the most it takes. */
export const TRACE_DEFAULT_PAGE = 100;
export const TRACE_MAX_PAGE = 500;

export type TraceEdge = TraceWalk['edges'][number];

/**
 * A lineage walk kept for paging: its lots in the walk's order (depth, then id) and, per lot, the
 * lineage edges that end at it away from the root (into it downstream, out of it upstream), so each
 * edge between two lots of the trace belongs to exactly one lot and so to exactly one page.
 */
export interface PagedWalk {
  nodes: { id: string; depth: number }[];
  edgesByFarEnd: Map<string, TraceEdge[]>;
  edgeCount: number;
}

export function pagedWalk(walk: Pick<TraceWalk, 'nodes' | 'edges'>, direction: TraceDirection): PagedWalk {
  const edgesByFarEnd = new Map<string, TraceEdge[]>();
  for (const edge of walk.edges) {
    const far = direction === 'DOWNSTREAM' ? edge.toBatchId : edge.fromBatchId;
    const list = edgesByFarEnd.get(far) ?? [];
    list.push(edge);
    edgesByFarEnd.set(far, list);
  }
  return { nodes: walk.nodes, edgesByFarEnd, edgeCount: walk.edges.length };
}

/** (depth, id) order, as the walk's SQL sorts it: a uuid compares as its lower-case hex text does. */
function isAfter(node: { id: string; depth: number }, key: { depth: number; id: string }): boolean {
  return node.depth > key.depth || (node.depth === key.depth && node.id > key.id);
}

/**
 * The `first` lots after the `after` cursor (keyset on depth and id: a lot that joins the trace while a
 * client pages never makes a page repeat or skip one that was there), with their edges.
 */
export function traceNodesPage(
  walk: PagedWalk,
  scope: CursorScope,
  first: number | null | undefined,
  after: string | null | undefined,
): { connection: Connection<{ id: string; depth: number }>; edges: TraceEdge[] } {
  const size = pageSize(first, TRACE_MAX_PAGE, TRACE_DEFAULT_PAGE);
  let start = 0;
  if (after !== null && after !== undefined) {
    const key = decodeCursor('traceNode', scope, after);
    const depth = Number(key.seq);
    start = lowerBound(walk.nodes, (n) => isAfter(n, { depth, id: key.id }));
  }
  const page = walk.nodes.slice(start, start + size);
  const edges = page.map((node) => ({ cursor: encodeCursor('traceNode', scope, { seq: String(node.depth), id: node.id }), node }));
  return {
    connection: { edges, pageInfo: { hasNextPage: start + size < walk.nodes.length, endCursor: edges.at(-1)?.cursor ?? null } },
    edges: page.flatMap((n) => walk.edgesByFarEnd.get(n.id) ?? []),
  };
}

/** The first index whose element satisfies `past` (which holds for a suffix of the sorted list). */
function lowerBound<T>(items: readonly T[], past: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(items[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
