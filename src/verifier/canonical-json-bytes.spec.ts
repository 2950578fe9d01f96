import { readFixtureJson } from '../../test/support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from '../ledger/canonical-json.js';
import { canonicalEscapeLength, CanonicalJsonScanner, isCanonicalJsonBytes, plainNumberIsCanonical, utf8SequenceLength } from './canonical-json-bytes.js';

const vectors = readFixtureJson('vectors/ledger-v1.json');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const canonical = (text: string) => isCanonicalJsonBytes(utf8(text));

describe('isCanonicalJsonBytes', () => {
  it('accepts exactly what canonicalJson writes', () => {
    const values: unknown[] = [
      ...vectors.entries.map((v: any) => v.payload),
      { a: [1, -0.5, 123.456, 1.5e-300, 1e-7, 123456789012345, -9007199254740991, true, false, null, ''], b: { '': 1, A: 2, a: 3, é: 4, 冷链: 5 } },
      { s: 'tab\there\u0001\u001f\u007f\u2028 "q" \\ 😀 / 冷链运输' },
      [],
      {},
      'x',
      0,
      42,
    ];
    for (const value of values) expect([value, canonical(canonicalJson(value))]).toEqual([value, true]);
  });

  it('scans only the given range of the bytes', () => {
    const line = utf8('xx{"a":[1,"冷"]}yy');
    expect(isCanonicalJsonBytes(line, 2, line.length - 2)).toBe(true);
    expect(isCanonicalJsonBytes(line, 2, line.length - 1)).toBe(false);
    expect(isCanonicalJsonBytes(line, 2, line.length - 3)).toBe(false);
  });

  it('scans 64 levels of nesting and stops at the 65th, however deep the text goes', () => {
    expect(canonical(`${'['.repeat(64)}1${']'.repeat(64)}`)).toBe(true);
    expect(canonical(`${'{"a":'.repeat(64)}1${'}'.repeat(64)}`)).toBe(true);
    expect(canonical(`${'['.repeat(65)}1${']'.repeat(65)}`)).toBe(false);
    expect(canonical(`${'{"a":['.repeat(500_000)}1${']}'.repeat(500_000)}`)).toBe(false);
  });

  it('refuses anything else', () => {
    for (const text of [
      '{"b":1,"a":2}',
      '{"a":1,"a":1}',
      '{"ab":1,"a":1}',
      '{"a": 1}',
      ' 1',
      '1.0',
      '1E3',
      '1e3',
      '-0',
      '05',
      '9007199254740993',
      '"\\u0041"',
      '"\\/"',
      '"\\u001F"',
      '"\\u000a"',
      '"\\ud800"',
      '"\\',
      '"\\u00',
      '{"a":1}}',
      '{"a":1},"b":2',
      '[1,]',
      '{"k\\n":1}',
      'nul',
      'tru',
      '"open',
      '',
    ]) {
      expect([text, canonical(text)]).toEqual([text, false]);
    }
  });

  it('refuses bytes that are not well-formed UTF-8, which a decoder would have replaced', () => {
    const quoted = (...bytes: number[]) => Uint8Array.from([0x22, ...bytes, 0x22]);
    for (const bytes of [
      quoted(0xed, 0xa0, 0x80), // an encoded surrogate
      quoted(0xff),
      quoted(0xc0, 0x80), // overlong
      quoted(0xe0, 0x80, 0x80), // overlong
      quoted(0xe4, 0xb8), // cut short
      quoted(0xf4, 0x90, 0x80, 0x80), // beyond U+10FFFF
      quoted(0x80),
      quoted(0x09), // a raw control character
    ]) {
      expect([[...bytes], isCanonicalJsonBytes(bytes)]).toEqual([[...bytes], false]);
    }
  });

  it('leaves to the caller a key whose byte order might differ from its UTF-16 order', () => {
    // U+FF01 sorts after U+1F600 by bytes and code points, before it by UTF-16 code units (JCS).
    expect(canonical(canonicalJson({ '😀': 1, '！': 2 }))).toBe(false);
    expect(canonical(canonicalJson({ '': 1 }))).toBe(true);
  });
});

describe('CanonicalJsonScanner members', () => {
  it('gives the name and the whole text of each top-level member, not of nested ones', () => {
    const text = canonicalJson({ bizStep: 'STORING', details: { n: 1, note: '冷链' }, eventTime: '2026-10-07T08:00:00.000Z' });
    const bytes = utf8(`..${text}`);
    const members: number[] = [];
    expect(new CanonicalJsonScanner().scan(bytes, 2, bytes.length, members)).toBe(true);
    const parts = [];
    for (let m = 0; m < members.length; m += 4) {
      parts.push([bytes.toString('utf8', members[m], members[m + 1]), bytes.toString('utf8', members[m + 2], members[m + 3])]);
    }
    expect(parts).toEqual([
      ['bizStep', '"bizStep":"STORING"'],
      ['details', '"details":{"n":1,"note":"冷链"}'],
      ['eventTime', '"eventTime":"2026-10-07T08:00:00.000Z"'],
    ]);
  });
});

describe('plainNumberIsCanonical', () => {
  /** What ECMAScript says: the token is how it writes its own value (and an integer is a safe one). */
  const ecmaScript = (token: string) => {
    const v = Number(token);
    return Number.isFinite(v) && String(v) === token && (!Number.isInteger(v) || Number.isSafeInteger(v));
  };
  const digits = (n: number, random: () => number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');

  it('agrees with String(Number(token)) whenever it answers, over 200,000 numbers near its edges', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const tokens = ['0', '-0', '1', '-1', '0.5', '-0.5', '0.000001', '0.0000001', '0.0000010', '1.0', '00', '01.5', '123456789012345', '1234567890123456'];
    for (let i = 0; i < 200_000; i++) {
      const sign = random() < 0.3 ? '-' : '';
      const whole = random() < 0.3 ? '0' : digits(1 + Math.floor(random() * 17), random);
      const fraction = random() < 0.2 ? '' : `.${'0'.repeat(Math.floor(random() * 8))}${digits(1 + Math.floor(random() * 16), random)}`;
      tokens.push(`${sign}${whole}${fraction}`);
    }
    let answered = 0;
    for (const token of tokens) {
      const fast = plainNumberIsCanonical(Buffer.from(token), 0, token.length);
      if (fast === undefined) continue;
      answered++;
      if (fast !== ecmaScript(token)) expect([token, fast]).toEqual([token, ecmaScript(token)]);
    }
    expect(answered).toBeGreaterThan(100_000);
  });
});

describe('canonicalEscapeLength', () => {
  it('measures the escapes canonicalJson writes', () => {
    expect(['\\n', '\\"', '\\\\', '\\u0001', '\\u001f'].map((t) => canonicalEscapeLength(utf8(t), 0))).toEqual([2, 2, 2, 6, 6]);
  });

  it('refuses the escapes it never writes', () => {
    expect(['\\/', '\\u000a', '\\u001F', '\\u0041', '\\x', '\\'].map((t) => canonicalEscapeLength(utf8(t), 0))).toEqual([-1, -1, -1, -1, -1, -1]);
  });
});

describe('utf8SequenceLength', () => {
  it('measures well-formed sequences of two, three and four bytes', () => {
    expect(['é', '冷', '😀'].map((t) => utf8SequenceLength(utf8(t), 0))).toEqual([2, 3, 4]);
  });
});
