import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse } from 'graphql';
import { ANONYMOUS } from '../auth/caller.js';
import { measureOperation, queryBudget, queryLimitError } from './query-limits.js';

// A schema with a cycle (the service's has none), so depth can grow without bound; its field names
// are not in FIELD_COSTS, so every field costs 1 and the arithmetic shows.
const schema = buildSchema(`
  type Query { node: Node, nodes(first: Int): [Node!]!, nodePage(first: Int, after: String): NodeConnection! }
  type Node { id: ID!, parent: Node, children(first: Int): [Node!]! }
  type NodeConnection { edges: [NodeEdge!]!, pageInfo: PageInfo! }
  type NodeEdge { cursor: String!, node: Node! }
  type PageInfo { hasNextPage: Boolean!, endCursor: String }
`);
const refusal = (query: string, limit = 100, depth = 4, who = 'with an API key') =>
  queryLimitError(schema, parse(query), undefined, {}, { limit, who }, depth)?.message ?? null;
const cost = (query: string, variables: Record<string, unknown> = {}) => {
  const document = parse(query);
  return measureOperation(schema, document, document.definitions[0] as never, variables).cost;
};

describe('query limits', () => {
  it('counts depth through fields, inline fragments and named fragments', () => {
    expect(refusal('{ node { parent { parent { id } } } }')).toBeNull();
    expect(refusal('{ node { parent { parent { parent { id } } } } }')).toBe('the query nests fields more than 4 levels deep; at most 4 are allowed');
    expect(refusal('{ node { ...P } } fragment P on Node { parent { ... on Node { parent { parent { id } } } } }')).toBe(
      'the query nests fields more than 4 levels deep; at most 4 are allowed',
    );
    // Far deeper than allowed: refused without walking all of it.
    expect(refusal(`{ node { ${'parent { '.repeat(200)} id ${'} '.repeat(200)} } }`)).toMatch(/more than 4 levels/);
  });

  it('counts every field and alias, __typename too, and multiplies lists by first (literal or variable) or 10', () => {
    expect(cost('{ node { id } }')).toBe(2);
    expect(cost('{ __typename a: __typename b: __typename }')).toBe(3);
    expect(cost('{ nodes { id } }')).toBe(1 + 10 * 1);
    expect(cost('{ nodes { children { id } } }')).toBe(1 + 10 * (1 + 10 * 1));
    expect(cost('{ nodes(first: 2) { children(first: 3) { id __typename } } }')).toBe(1 + 2 * (1 + 3 * 2));
    expect(cost('query($n: Int) { nodes(first: $n) { id } }', { n: 50 })).toBe(1 + 50);
    expect(cost(`{ ${Array.from({ length: 51 }, (_, i) => `n${i}: node { id }`).join(' ')} }`)).toBe(102);
    expect(refusal(`{ ${Array.from({ length: 51 }, (_, i) => `n${i}: node { id }`).join(' ')} }`)).toBe(
      'the query would cost about 102 (each field by its work, lists by their size, every alias counted; most in node: about 102); ' +
        'with an API key a request may cost at most 100: ask for less, or split it',
    );
  });

  it('sizes a Relay connection by its first, counting its edges once (not as a list of 10 inside a list)', () => {
    expect(cost('{ nodePage(first: 30) { edges { cursor node { id } } } }')).toBe(1 + 30 * (1 + 1 + 1 + 1));
    expect(cost('query($n: Int) { nodePage(first: $n) { edges { node { id } } pageInfo { endCursor } } }', { n: 5 })).toBe(1 + 5 * (1 + 1 + 1 + 1 + 1));
    // Without first: its usual size, 10 unless FIELD_COSTS says otherwise.
    expect(cost('{ nodePage { edges { node { id } } } }')).toBe(1 + 10 * 3);
  });

  it('leaves variables that do not fit their types to graphql, whose error names them', () => {
    const query = parse('query($n: Int) { nodes(first: $n) { id } }');
    const limit = { limit: 100, who: 'with an API key' };
    expect(queryLimitError(schema, query, undefined, { n: 'many' }, limit)).toBeNull();
    expect(queryLimitError(schema, query, undefined, { n: 1e308 }, limit)).toBeNull();
    expect(queryLimitError(schema, query, undefined, { n: 1000 }, limit)?.message).toMatch(/about 1,001 .*most in nodes: about 1,001/);
  });

  it('gives a caller without a key a smaller budget than a key, and says whose budget it is', () => {
    expect(queryBudget(ANONYMOUS).limit).toBeLessThan(queryBudget({ kind: 'admin' }).limit);
    const query = `{ ${Array.from({ length: 1500 }, (_, i) => `n${i}: node { id }`).join(' ')} }`;
    expect(refusal(query, queryBudget(ANONYMOUS).limit, 4, queryBudget(ANONYMOUS).who)).toMatch(/without an API key a request may cost at most 2,500/);
    expect(refusal(query, queryBudget({ kind: 'admin' }).limit)).toBeNull();
  });

  it('leaves introspection to the introspection setting, survives fragment cycles, and measures fragments of fragments once', () => {
    expect(refusal('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }')).toBeNull();
    expect(() => refusal('{ node { ...A } } fragment A on Node { parent { ...A } }')).not.toThrow();
    // 40 fragments each spreading the next twice: 2^40 fields, measured in 40 steps.
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Node { ${i === 39 ? 'id' : `...F${i + 1} a${i}: parent { ...F${i + 1} }`} }`);
    const document = `{ node { ...F0 } } ${fragments.join(' ')}`;
    expect(refusal(document, 100, 100)).toMatch(/^the query would cost more than 1,000,000,000,000/);
  });
});
