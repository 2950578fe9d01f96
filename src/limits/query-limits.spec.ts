import { describe, expect, it } from '@jest/globals';
import { buildSchema, parse, validate } from 'graphql';
import { queryLimitRules } from './query-limits.js';

// A schema with a cycle (the service's has none), so depth can grow without bound.
const schema = buildSchema(`
  type Query { node: Node, nodes(first: Int): [Node!]! }
  type Node { id: ID!, parent: Node, children(first: Int): [Node!]! }
`);
const check = (query: string, depth = 4, complexity = 100) => validate(schema, parse(query), queryLimitRules(depth, complexity)).map((e) => e.message);

describe('query limits', () => {
  it('counts depth through fields, inline fragments and named fragments', () => {
    expect(check('{ node { parent { parent { id } } } }')).toEqual([]);
    expect(check('{ node { parent { parent { parent { id } } } } }')).toEqual(['the query is 5 levels deep; at most 4 are allowed']);
    expect(check('{ node { ...P } } fragment P on Node { parent { ... on Node { parent { parent { id } } } } }')).toEqual([
      'the query is 5 levels deep; at most 4 are allowed',
    ]);
  });

  it('counts lists ten times, or by their first argument, and every alias', () => {
    expect(check('{ nodes { id } }')).toEqual([]); // 10 × (1 + 1)
    expect(check('{ nodes { children { id } } }')[0]).toMatch(/^the query asks for about 210 fields/); // 10 × (1 + 10 × 2)
    expect(check('{ nodes(first: 2) { children(first: 3) { id } } }')).toEqual([]); // 2 × (1 + 3 × 2)
    expect(check(`{ ${Array.from({ length: 51 }, (_, i) => `n${i}: node { id }`).join(' ')} }`)[0]).toMatch(/^the query asks for about 102 fields/);
  });

  it('leaves introspection to the introspection setting, and survives fragment cycles', () => {
    expect(check('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }')).toEqual([]);
    expect(() => check('{ node { ...A } } fragment A on Node { parent { ...A } }')).not.toThrow();
  });
});
