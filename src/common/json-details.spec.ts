import { describe, expect, it } from '@jest/globals';
import { checkDetails, reservedKeyIn } from './json-details.js';

describe('details that would not be stored as sent', () => {
  it('measures depth without overflowing the stack, however deep', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = { a: deep };
    expect(() => checkDetails(deep)).toThrow('details is nested more than 64 levels deep; at most 8 are allowed');
  });

  it('refuses a NUL anywhere, which PostgreSQL jsonb cannot hold, but not the text \\u0000', () => {
    expect(() => checkDetails({ note: 'a\u0000b' })).toThrow('details contains a NUL character (U+0000)');
    expect(() => checkDetails({ list: [{ 'k\u0000': 1 }] })).toThrow('NUL');
    expect(checkDetails({ note: 'C:\\u0000' })).toEqual({ note: 'C:\\u0000' });
  });

  it('refuses the keys the request pipeline deletes', () => {
    expect(reservedKeyIn(JSON.parse('{"a": [{"b": {"__proto__": 1}}]}'))).toBe('__proto__');
    expect(reservedKeyIn({ a: { constructor: 'x' } })).toBe('constructor');
    expect(reservedKeyIn({ a: ['prototype'] })).toBeNull();
    expect(() => checkDetails({ prototype: 1 })).toThrow('details uses the reserved key "prototype"');
  });
});
