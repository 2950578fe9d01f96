import { describe, expect, it } from '@jest/globals';
import { canonicalPath, isUriProblem, parseDigitalLinkPath, parseResolverQuery } from './digital-link-uri.js';
import { acceptsLinkset, linkset, lotLinks, productLinks, requestedLinkType } from './resolver-links.js';

const GTIN = '06920000000029';

describe('GS1 Digital Link paths', () => {
  it('reads a GTIN with its qualifiers in order, padding shorter GTINs to 14 digits and decoding values', () => {
    expect(parseDigitalLinkPath(`/01/${GTIN}`)).toEqual({ gtin: GTIN });
    expect(parseDigitalLinkPath(`/01/${GTIN.slice(1)}/10/R%2F1`)).toEqual({ gtin: GTIN, lot: 'R/1' });
    expect(parseDigitalLinkPath(`/01/${GTIN}/22/V1/10/L1/21/S1`)).toEqual({ gtin: GTIN, cpv: 'V1', lot: 'L1', serial: 'S1' });
    expect(parseDigitalLinkPath(`/01/${GTIN}/21/S1`)).toEqual({ gtin: GTIN, serial: 'S1' });
  });

  it('tolerates one trailing slash', () => {
    expect(parseDigitalLinkPath(`/01/${GTIN}/10/L1/`)).toEqual({ gtin: GTIN, lot: 'L1' });
    expect(parseDigitalLinkPath(`/01/${GTIN}/`)).toEqual({ gtin: GTIN });
  });

  it.each([
    ['a wrong check digit', `/01/06920000000028/10/L1`, 'INVALID_GTIN', /not a valid GTIN/],
    ['no GTIN', '/01/', 'INVALID_DIGITAL_LINK', /no GTIN/],
    ['qualifiers out of order', `/01/${GTIN}/21/S1/10/L1`, 'INVALID_DIGITAL_LINK', /out of order.*\(10\) cannot follow \(21\)/],
    ['a qualifier twice', `/01/${GTIN}/10/L1/10/L2`, 'INVALID_DIGITAL_LINK', /out of order/],
    ['a data attribute in the path', `/01/${GTIN}/10/L1/17/261231`, 'INVALID_DIGITAL_LINK', /query string/],
    ['a qualifier without a value', `/01/${GTIN}/10`, 'INVALID_DIGITAL_LINK', /no value/],
    ['a lot outside character set 82', `/01/${GTIN}/10/${encodeURIComponent('批次 1')}`, 'INVALID_DIGITAL_LINK', /character set 82/],
    ['a lot of 21 characters', `/01/${GTIN}/10/${'L'.repeat(21)}`, 'INVALID_DIGITAL_LINK', /1 to 20/],
    ['broken percent-encoding', `/01/${GTIN}/10/%E0%A4%A`, 'INVALID_DIGITAL_LINK', /percent-encoding/],
    ['not a GS1 AI', `/01/${GTIN}/lot/L1`, 'INVALID_DIGITAL_LINK', /not a GS1 Application Identifier/],
  ])('refuses %s with a reason', (_label, path, reason, message) => {
    const parsed = parseDigitalLinkPath(path);
    expect(isUriProblem(parsed) && parsed.reason).toBe(reason);
    expect(isUriProblem(parsed) && parsed.en).toMatch(message);
  });

  it('writes the canonical path with GTIN-14 and encoded values', () => {
    expect(canonicalPath({ gtin: GTIN, cpv: 'V', lot: 'R/1', serial: '7' })).toBe(`/01/${GTIN}/22/V/10/R%2F1/21/7`);
  });

  it('takes linkType out of the query and passes the rest on, checking the dates it knows', () => {
    expect(parseResolverQuery('17=261231&linkType=gs1:pip&x=1')).toEqual({ linkType: 'gs1:pip', passOn: '17=261231&x=1' });
    expect(parseResolverQuery('')).toEqual({ linkType: null, passOn: '' });
    expect(isUriProblem(parseResolverQuery('linkType=a&linkType=b'))).toBe(true);
    expect(isUriProblem(parseResolverQuery('17=261331'))).toBe(true);
  });
});

describe('resolver links', () => {
  it('reads link types as CURIEs and full terms, and linkset/all', () => {
    expect(requestedLinkType('gs1:recallStatus')).toEqual({ kind: 'type', type: 'recallStatus' });
    expect(requestedLinkType('https://gs1.org/voc/pip')).toEqual({ kind: 'type', type: 'pip' });
    expect(requestedLinkType('https://ref.gs1.org/voc/traceability')).toEqual({ kind: 'type', type: 'traceability' });
    expect(requestedLinkType('all')).toEqual({ kind: 'linkset' });
    expect(requestedLinkType('gs1:nutritionalInfo')).toEqual({ kind: 'unknown', value: 'gs1:nutritionalInfo' });
  });

  it('offers a lot’s certificates and its recall notice only when they exist, and a product no lot links', () => {
    const lot = { gtin: GTIN, lotCode: 'R/1' };
    const plain = lotLinks('https://x', { ...lot, traceCode: 'ABC', recallId: null, hasCertificates: false });
    expect(Object.keys(plain).sort()).toEqual(['epcis', 'pip', 'recallStatus', 'traceability']);
    expect(plain.recallStatus!.href).toBe('https://x/recalls');
    // The EPCIS query names the lot by its GS1 keys (the Digital Link, its lot percent-encoded), never by the service's ids.
    expect(plain.epcis!.href).toBe(`https://x/epcis/events?MATCH_epcClass=${encodeURIComponent(`https://id.gs1.org/01/${GTIN}/10/R%2F1`)}`);
    const recalled = lotLinks('https://x', { ...lot, traceCode: 'ABC', recallId: 'r1', hasCertificates: true });
    expect(recalled.recallStatus!.href).toBe('https://x/recalls#recall-r1');
    expect(recalled.certificationInfo!.href).toBe('https://x/q/ABC#certificates');
    expect(Object.keys(productLinks('https://x', GTIN)).sort()).toEqual(['pip', 'recallStatus']);
  });

  it('writes an RFC 9264 linkset with the default link', () => {
    const set = linkset('https://x/01/1', 'Rice', productLinks('https://x', GTIN));
    expect(set.linkset[0]).toMatchObject({
      anchor: 'https://x/01/1',
      description: 'Rice',
      'https://gs1.org/voc/defaultLink': [{ href: `https://x/products/${GTIN}` }],
      'https://gs1.org/voc/pip': [{ href: `https://x/products/${GTIN}` }],
    });
  });

  it('negotiates the linkset by Accept, not when refused with q=0', () => {
    expect(acceptsLinkset('application/linkset+json')).toBe(true);
    expect(acceptsLinkset('text/html, application/linkset+json;q=0.5')).toBe(true);
    expect(acceptsLinkset('application/linkset+json;q=0')).toBe(false);
    expect(acceptsLinkset('text/html')).toBe(false);
    expect(acceptsLinkset(undefined)).toBe(false);
  });
});
