import { DomainError } from './domain-error.js';

/**
 * A query parameter given at most once. Express reads `?direction=a&direction=b` as an array, which
 * code expecting a string crashed on (a 500); a client repeating a parameter gets told so instead.
 */
export function singleQueryParam(value: unknown, name: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new DomainError('INVALID_INPUT', `${name} must be given once, as text`);
}
