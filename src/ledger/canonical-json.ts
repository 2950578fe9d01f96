/**
 * RFC 8785 (JCS) canonical JSON, with the input rules of LEDGER-SPEC §2: non-finite numbers,
 * integers beyond ±(2^53 − 1), lone surrogates and values JSON cannot carry are refused with an
 * error that names where they are, so they are never stored.
 */
export class CanonicalJsonError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path} ${reason}`);
    this.name = 'CanonicalJsonError';
  }
}

// A lone surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The deepest JSON any walker of the service takes (objects and arrays inside each other): deeper
 * input is refused before it is walked, since recursion thousands deep overflows the stack, and no
 * stored payload comes near it (details stop at 8 levels).
 */
export const MAX_JSON_DEPTH = 64;

export function canonicalJson(value: unknown, path = 'value'): string {
  return canonical(value, path, 0);
}

/** `depth`: how many objects and arrays enclose `value`; the walk refuses one level past MAX_JSON_DEPTH instead of recursing. */
function canonical(value: unknown, path: string, depth: number): string {
  switch (typeof value) {
    case 'string':
      return canonicalString(value, path);
    case 'number':
      return canonicalNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (depth >= MAX_JSON_DEPTH) throw new CanonicalJsonError(path, `is nested more than ${MAX_JSON_DEPTH} levels deep`);
      if (Array.isArray(value)) {
        return `[${value.map((item, i) => canonical(item, `${path}[${i}]`, depth + 1)).join(',')}]`;
      }
      return canonicalObject(value as object, path, depth + 1);
    default:
      throw new CanonicalJsonError(path, `is a ${typeof value}, which JSON cannot carry`);
  }
}

function canonicalString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) throw new CanonicalJsonError(path, 'contains a lone surrogate (invalid Unicode)');
  // JSON.stringify escapes exactly as RFC 8785 §3.2.2.2 asks (ECMAScript's QuoteJSONString).
  return JSON.stringify(value);
}

function canonicalNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) throw new CanonicalJsonError(path, 'is not a finite number');
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    throw new CanonicalJsonError(path, 'is an integer beyond ±(2^53 − 1)');
  }
  // ECMAScript's Number-to-String is the shortest round-trip form RFC 8785 requires; -0 becomes "0".
  return String(value);
}

function canonicalObject(value: object, path: string, depth: number): string {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError(path, 'is not a plain JSON object');
  }
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, as RFC 8785 §3.2.3 requires.
  const keys = Object.keys(record).sort();
  const members: string[] = [];
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue; // as JSON.stringify does: an absent member
    const memberPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    members.push(`${canonicalString(key, memberPath)}:${canonical(member, memberPath, depth)}`);
  }
  return `{${members.join(',')}}`;
}
