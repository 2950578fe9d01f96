import { DomainError } from './domain-error.js';

/**
 * Whether an Accept header lets the answer be `type` (e.g. application/json): no header, or a media
 * range that matches it (`*\/*`, `application/*`, the type itself) with a q above 0. Pure; a header
 * too odd to read is taken as accepting anything, as RFC 9110 lets a server do, rather than refused.
 */
export function acceptsMediaType(accept: string | undefined, type: string): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  const [wantedType, wantedSubtype] = type.toLowerCase().split('/');
  const ranges = accept.split(',').map((range) => {
    const [name, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { name, q: q === undefined ? 1 : Number(q.slice(2)) };
  });
  if (ranges.some(({ name, q }) => !/^[\w.+-]+\/[\w.+*-]+$|^\*\/\*$/.test(name) || Number.isNaN(q))) return true;
  // The most specific range that matches decides (so "application/json;q=0, */*" refuses JSON).
  const specificity = ({ name }: { name: string }) => {
    const [t, s] = name.split('/');
    if (t === wantedType && s === wantedSubtype) return 3;
    if (t === wantedType && s === '*') return 2;
    if (t === '*' && s === '*') return 1;
    return 0;
  };
  const best = ranges.filter((r) => specificity(r) > 0).sort((a, b) => specificity(b) - specificity(a))[0];
  return best !== undefined && best.q > 0;
}

/** Refuses with 406 a request whose Accept header excludes JSON, naming what it asked for. */
export function requireAcceptsJson(accept: string | undefined): void {
  if (acceptsMediaType(accept, 'application/json')) return;
  throw new DomainError('NOT_ACCEPTABLE', `this resource is answered as application/json, which the Accept header ${JSON.stringify(accept)} excludes`);
}
