import { DomainError } from '../common/domain-error.js';
import { singleQueryParam } from '../common/query-param.js';
import type { TraceDirection } from './trace.repository.js';

/** `?direction=`: UPSTREAM or DOWNSTREAM in any case, DOWNSTREAM when left out. */
export function parseDirection(direction: unknown): TraceDirection {
  const walk = (singleQueryParam(direction, 'direction') ?? 'DOWNSTREAM').toUpperCase();
  if (walk !== 'UPSTREAM' && walk !== 'DOWNSTREAM') throw new DomainError('INVALID_INPUT', 'direction is UPSTREAM or DOWNSTREAM');
  return walk;
}
