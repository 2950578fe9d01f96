import { describe, expect, it } from '@jest/globals';
import { GraphQLError, Kind, parseValue, ValueNode } from 'graphql';
import { JsonScalar } from './scalars.js';

/** An object literal nested `depth` deep, built as a tree (the parser itself stops a few thousand deep). */
function nestedLiteral(depth: number): ValueNode {
  let node: ValueNode = { kind: Kind.INT, value: '1' };
  for (let i = 0; i < depth; i++) node = { kind: Kind.OBJECT, fields: [{ kind: Kind.OBJECT_FIELD, name: { kind: Kind.NAME, value: 'a' }, value: node }] };
  return node;
}

describe('the JSON scalar', () => {
  const scalar = new JsonScalar();

  it('takes literals and variables nested up to 64 deep', () => {
    expect(scalar.parseLiteral(parseValue('{ a: [1, { b: "x" }], c: null }'))).toEqual({ a: [1, { b: 'x' }], c: null });
    expect(scalar.parseLiteral(nestedLiteral(64))).toBeDefined();
    expect(scalar.parseValue({ a: [{ b: 1 }] })).toEqual({ a: [{ b: 1 }] });
  });

  it('refuses a literal one level deeper, however deep it goes, without recursing through it', () => {
    expect(() => scalar.parseLiteral(nestedLiteral(65))).toThrow(GraphQLError);
    expect(() => scalar.parseLiteral(nestedLiteral(1_000_000))).toThrow('JSON is nested more than 64 levels deep');
  });

  it('refuses a variable nested a million deep', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(() => scalar.parseValue(deep)).toThrow('JSON is nested more than 64 levels deep');
  });
});
