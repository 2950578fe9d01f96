import { readFixtureJson } from '../../test/support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from '../ledger/canonical-json.js';
import { canonicalEscapeLength, isCanonicalJsonText, surrogatePairLength } from './canonical-json-text.js';

const vectors = readFixtureJson('vectors/ledger-v1.json');

describe('isCanonicalJsonText', () => {
  it('accepts exactly what canonicalJson writes', () => {
    const values: unknown[] = [
      ...vectors.entries.map((v: any) => v.payload),
      { a: [1, -0.5, 123.456, 1.5e-300, 1e-7, true, false, null, ''], b: { '': 1, A: 2, a: 3, é: 4, '😀': 5 } },
      { s: 'tab\there\u0001\u001f\u007f\u2028 "q" \\ 😀 /' },
      [],
      {},
      'x',
      42,
    ];
    for (const value of values) expect(isCanonicalJsonText(canonicalJson(value))).toBe(true);
  });

  it('scans 64 levels of nesting and stops at the 65th, however deep the text goes', () => {
    expect(isCanonicalJsonText(`${'['.repeat(64)}1${']'.repeat(64)}`)).toBe(true);
    expect(isCanonicalJsonText(`${'{"a":'.repeat(64)}1${'}'.repeat(64)}`)).toBe(true);
    expect(isCanonicalJsonText(`${'['.repeat(65)}1${']'.repeat(65)}`)).toBe(false);
    expect(isCanonicalJsonText(`${'{"a":['.repeat(500_000)}1${']}'.repeat(500_000)}`)).toBe(false);
  });

  it('refuses anything else', () => {
    for (const text of [
      '{"b":1,"a":2}',
      '{"a":1,"a":1}',
      '{"a": 1}',
      ' 1',
      '1.0',
      '1E3',
      '-0',
      '9007199254740993',
      '"\\u0041"',
      '"\\/"',
      '"\\u001F"',
      '"\\u000a"',
      '"\\ud800"',
      '"\ud800"',
      '{"a":1}}',
      '{"a":1},"b":2',
      '[1,]',
      '{"k\\n":1}',
      'nul',
      '',
    ]) {
      expect([text, isCanonicalJsonText(text)]).toEqual([text, false]);
    }
  });
});

describe('canonicalEscapeLength', () => {
  it('measures the escapes canonicalJson writes', () => {
    expect(['\\n', '\\"', '\\\\', '\\u0001', '\\u001f'].map((t) => canonicalEscapeLength(t, 0))).toEqual([2, 2, 2, 6, 6]);
  });

  it('refuses the escapes it never writes', () => {
    expect(['\\/', '\\u000a', '\\u001F', '\\u0041', '\\x'].map((t) => canonicalEscapeLength(t, 0))).toEqual([-1, -1, -1, -1, -1]);
  });
});

describe('surrogatePairLength', () => {
  it('accepts a high surrogate followed by a low one, nothing else', () => {
    expect(['😀', '\ud800', '\udc00\ud800', '\ud800x'].map((t) => surrogatePairLength(t, 0))).toEqual([2, -1, -1, -1]);
  });
});
