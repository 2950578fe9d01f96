import { describe, expect, it } from '@jest/globals';
import { lotCodeProblem } from './lot-code.js';

describe('lot codes', () => {
  it.each([
    ['XZD-2026-0042', false],
    ['XZD-2026-0042', true],
    ["'; DROP TABLE ledger_entry; --", false],
    ['批次 2026年10月 A', false],
    ['L'.repeat(64), false],
    ['!"%&\'()*+,-./:;<=>?_aZ09', false],
    ['20/10:A_b', true],
  ])('accepts %j (under a GTIN: %s)', (code, underGtin) => {
    expect(lotCodeProblem(code, underGtin)).toBeNull();
  });

  it.each([
    ['', false, 'a lot code is 1 to 64 characters, got 0'],
    ['L'.repeat(65), false, 'a lot code is 1 to 64 characters, got 65'],
    ['XZD\u200b42', false, /^U\+200B at position 4 is an invisible formatting character/],
    ['XZD\u200d42', false, /^U\+200D at position 4 is an invisible formatting character/],
    ['XZD\u202e24', false, /^U\+202E at position 4 is an invisible formatting character/],
    ['XZD\u2066', false, /^U\+2066 at position 4 is an invisible/],
    ['XZD\ufeff', false, /^U\+FEFF at position 4 is an invisible/],
    ['XZD\u{e0041}', false, /^U\+E0041 at position 4 is an invisible/],
    ['XZD\ufe0f', false, /^U\+FE0F at position 4 is a combining mark or variation selector/],
    ['XZ\u0301D', false, /^U\+0301 at position 3 is a combining mark/],
    ['X\u00a0Z', false, /^U\+00A0 at position 2 is a space other than the ASCII one/],
    ['X\u3000Z', false, /^U\+3000 at position 2 is a space other than/],
    ['X\tZ', false, /^U\+0009 at position 2 is a control character/],
    ['a\u0000b', false, /^U\+0000 at position 2 is a control character/],
    ['a\ud800b', false, /^U\+D800 at position 2 is a lone surrogate/],
    ['\uff21BC', false, /^U\+FF21 at position 1 is a full-width form of an ASCII character/],
    ['XZD-\u0410', false, /^U\+0410 at position 5 is a letter or digit outside ASCII and Chinese characters, which can pass for an ASCII one/],
    ['\u039fK', false, /^U\+039F at position 1 is a letter or digit outside ASCII/],
    ['\u0663', false, /^U\+0663 at position 1 is a letter or digit outside/],
    ['\u3007', false, /^U\+3007 at position 1 is a letter or digit outside/],
    ['A\u2044B', false, /^U\+2044 at position 2 is a character outside printable ASCII and Chinese characters/],
    [' XZD', false, 'a lot code must not start or end with a space'],
    ['XZD ', false, 'a lot code must not start or end with a space'],
    ['XZD  42', false, 'a lot code must not have two spaces in a row'],
    ['L'.repeat(21), true, "the product has a GTIN, so its lot code is GS1's AI (10): at most 20 characters, got 21"],
    ['XZD 42', true, /^the product has a GTIN, so its lot code is GS1's AI \(10\): U\+0020 at position 4 is not one of letters, digits and/],
    ['批次1', true, /U\+6279 at position 1 is not one of/],
    ['A#1', true, /U\+0023 at position 2 is not one of/],
  ])('refuses %j (under a GTIN: %s)', (code, underGtin, expected) => {
    expect(lotCodeProblem(code, underGtin)).toMatch(expected);
  });
});
