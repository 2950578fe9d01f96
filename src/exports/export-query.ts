import { DomainError } from '../common/domain-error.js';
import { singleQueryParam } from '../common/query-param.js';
import { parseDirection } from '../trace/trace-direction.js';
import type { TraceDirection } from '../trace/trace.repository.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Query = Record<string, unknown>;

/** The lots of a trace: a batch (as given, for the file name; lower case, to look up) and the way to walk. */
export interface TraceSelection {
  batchId: string;
  batchIdAsGiven: string;
  direction: TraceDirection;
}

/** A product's lots with events in [start, end). */
export interface ProductRange {
  productId: string;
  start: Date;
  end: Date;
}

/** `?batchId=` (required) and `?direction=`. */
export function traceSelection(query: Query): TraceSelection {
  const batchId = singleQueryParam(query.batchId, 'batchId');
  if (!batchId || !UUID.test(batchId)) throw new DomainError('INVALID_INPUT', 'batchId is required: the batch to trace (a UUID)');
  return { batchId: batchId.toLowerCase(), batchIdAsGiven: batchId, direction: parseDirection(query.direction) };
}

/** `?productId=`, `?from=` and `?to=` (any date `Date` reads; from inclusive, to exclusive). */
export function productRange(query: Query): ProductRange {
  const productId = singleQueryParam(query.productId, 'productId');
  if (!productId || !UUID.test(productId)) throw new DomainError('INVALID_INPUT', 'give batchId, or productId (a UUID) with from and to');
  const start = new Date((query.from as string | undefined) ?? '');
  const end = new Date((query.to as string | undefined) ?? '');
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end) {
    throw new DomainError('INVALID_INPUT', 'from and to are required dates (ISO 8601), from before to');
  }
  return { productId: productId.toLowerCase(), start, end };
}

/** `?batchId=` (its trace both ways), or else a product range. */
export function epcisSelection(query: Query): { batchId: string } | ProductRange {
  const batchId = singleQueryParam(query.batchId, 'batchId');
  if (!batchId) return productRange(query);
  if (!UUID.test(batchId)) throw new DomainError('INVALID_INPUT', 'batchId must be a UUID');
  return { batchId: batchId.toLowerCase() };
}
