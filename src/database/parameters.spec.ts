import { describe, expect, it } from '@jest/globals';
import { Parameters } from './parameters.js';

describe('Parameters', () => {
  it('numbers placeholders in the order they are bound, each with its value', () => {
    const p = new Parameters();
    const text = `UPDATE t SET a = ${p.bind(7, 'bigint')} WHERE b = ${p.bind('x', 'text')}`;
    expect(text).toBe('UPDATE t SET a = $1::bigint WHERE b = $2::text');
    expect(p.values).toEqual([7, 'x']);
  });

  it('unnests items column by column, each column named beside its array', () => {
    const p = new Parameters();
    p.bind(1, 'int');
    const rows = [
      { n: 1, s: 'a' },
      { n: 2, s: 'b' },
    ];
    const text = p.unnest('r', rows, { num: ['bigint', (r) => r.n], str: ['text', (r) => r.s] });
    expect(text).toBe('unnest($2::bigint[], $3::text[]) AS r(num, str)');
    expect(p.values).toEqual([1, [1, 2], ['a', 'b']]);
  });

  it('makes the same text for the same statement built again with other values', () => {
    const build = (n: number[]) => {
      const p = new Parameters();
      return p.unnest('r', n, { n: ['int', (x) => x] }) + p.bind(n.length, 'int');
    };
    expect(build([1])).toBe(build([1, 2, 3]));
  });
});
