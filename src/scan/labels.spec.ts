import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { digitalLinkUrl, gs1PercentEncode, labelTarget } from './labels.js';

const BASE = 'https://suyuan.example';
const GTIN = '06920000000018';

describe('label links', () => {
  it('percent-encodes a lot as GS1 Digital Link writes AI values: digits, letters, "-", "." and "_" as they are, the rest %XX', () => {
    expect(gs1PercentEncode('XZD-2026.04_a')).toBe('XZD-2026.04_a');
    // Every other character of set 82, encodeURIComponent's exceptions ! \' ( ) * included.
    expect(gs1PercentEncode('!"%&\'()*+,/:;<=>?')).toBe('%21%22%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F');
    expect(decodeURIComponent(gs1PercentEncode('!"%&\'()*+,-./:;<=>?_Az9'))).toBe('!"%&\'()*+,-./:;<=>?_Az9');
    expect(digitalLinkUrl(BASE, GTIN, 'XZD-42/A')).toBe(`${BASE}/01/${GTIN}/10/XZD-42%2FA`);
  });

  it('never builds a Digital Link for a lot that is not AI (10)', () => {
    expect(() => digitalLinkUrl(BASE, GTIN, 'XZD 42')).toThrow(/not GS1 AI \(10\)/);
    expect(() => digitalLinkUrl(BASE, GTIN, 'L'.repeat(21))).toThrow(/at most 20 characters, got 21/);
    expect(() => digitalLinkUrl(BASE, GTIN, '批次1')).toThrow(/U\+6279 at position 1/);
  });

  it('carries the Digital Link by default when the product has a GTIN, the page URL otherwise or when asked', () => {
    const lot = { traceCode: 'ABCDEFGHJK23', gtin: GTIN, lotCode: 'XZD(1)' };
    expect(labelTarget(BASE, lot, 'auto')).toEqual({ url: `${BASE}/01/${GTIN}/10/XZD%281%29`, link: 'digital', fallback: null });
    expect(labelTarget(BASE, lot, 'digital')).toEqual(labelTarget(BASE, lot, 'auto'));
    expect(labelTarget(BASE, lot, 'page')).toEqual({ url: `${BASE}/q/ABCDEFGHJK23`, link: 'page', fallback: null });
    const noGtin = { ...lot, gtin: null, lotCode: '批次 1' };
    expect(labelTarget(BASE, noGtin, 'auto')).toEqual({ url: `${BASE}/q/ABCDEFGHJK23`, link: 'page', fallback: null });
    expect(() => labelTarget(BASE, noGtin, 'digital')).toThrow(
      new DomainError('INVALID_INPUT', 'the product of batch ABCDEFGHJK23 has no GTIN, so it has no GS1 Digital Link'),
    );
  });

  it('falls back to the page URL, saying why, for a lot of a GTIN product that breaks AI (10); refuses to print it as a Digital Link', () => {
    const old = { traceCode: 'ABCDEFGHJK23', gtin: GTIN, lotCode: 'XZD 42' };
    const target = labelTarget(BASE, old, 'auto');
    expect(target).toMatchObject({ url: `${BASE}/q/ABCDEFGHJK23`, link: 'page' });
    expect(target.fallback).toBe(
      'the lot code of batch ABCDEFGHJK23 is not a GS1 AI (10) lot (U+0020 at position 4 is not one of ' +
        `letters, digits and ! " % & ' ( ) * + , - . / : ; < = > ? _), so it has no valid GS1 Digital Link: the label carries the page URL`,
    );
    expect(() => labelTarget(BASE, old, 'digital')).toThrow(
      /^the lot code of batch ABCDEFGHJK23 is not a GS1 AI \(10\) lot .*; print its label with link=page$/,
    );
    expect(labelTarget(BASE, old, 'page').fallback).toBeNull();
  });
});
