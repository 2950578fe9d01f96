import { describe, expect, it } from '@jest/globals';
import { CertificateFacts, certificateProblem, certificateStanding, giStanding, giVerified, mayAttest } from './certificate-rules.js';

const sha = 'a'.repeat(64);
const base = { validFrom: new Date('2026-01-01T00:00:00Z'), validUntil: new Date('2028-12-31T00:00:00Z'), documentSha256: sha };

describe('certificates', () => {
  it.each([
    [{ kind: 'ORGANIC', number: '12345678901234567' }, null],
    [{ kind: 'ORGANIC', number: '1234567890123456' }, 'number: a ORGANIC certificate number is 17 digits, got "1234567890123456"'],
    [{ kind: 'GREEN_FOOD', number: 'GF120116200345' }, null],
    [{ kind: 'GREEN_FOOD', number: 'GF12011620034' }, /"GF" followed by 12 digits/],
    [{ kind: 'GEOGRAPHIC_INDICATION', number: 'AGI01234', protectedName: '小站稻' }, null],
    [{ kind: 'GEOGRAPHIC_INDICATION', number: 'AGI01234' }, /protectedName is required/],
    [{ kind: 'COMMITMENT', number: 'HG-2026-0001', protectedName: '小站稻' }, /protectedName is only for GEOGRAPHIC_INDICATION/],
    [{ kind: 'COMMITMENT', number: 'HG-2026-0001', documentSha256: 'ABC' }, /64 lowercase hex digits/],
    [{ kind: 'COMMITMENT', number: 'HG-1', validUntil: new Date('2025-01-01T00:00:00Z') }, /is not after validFrom/],
  ])('%j → %s', (facts, expected) => {
    const problem = certificateProblem({ ...base, ...facts } as CertificateFacts);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem).toMatch(expected);
  });

  it('certifies a GI claim only with an attested, valid GI certificate of that name', () => {
    const gi = { ...base, kind: 'GEOGRAPHIC_INDICATION' as const, number: 'AGI01234', protectedName: '小站稻', standing: 'ATTESTED' as const };
    const now = new Date('2027-06-01T00:00:00Z');
    expect(giVerified('小站稻', [gi], now)).toBe(true);
    expect(giVerified('独流老醋', [gi], now)).toBe(false);
    expect(giVerified('小站稻', [gi], new Date('2029-06-01T00:00:00Z'))).toBe(false);
    expect(giVerified('小站稻', [{ ...gi, kind: 'ORGANIC' as const }], now)).toBe(false);
    expect(giVerified(null, [gi], now)).toBe(false);
    // The producer's own certificate is a declaration, not a certification.
    const declared = { ...gi, standing: 'DECLARED' as const };
    expect(giVerified('小站稻', [declared], now)).toBe(false);
    expect(giStanding('小站稻', [declared], now)).toBe('DECLARED');
    expect(giStanding('小站稻', [declared, gi], now)).toBe('ATTESTED');
    expect(giStanding('小站稻', [], now)).toBe('UNBACKED');
    expect(giStanding('小站稻', [{ ...gi, protectedName: '独流老醋' }], now)).toBe('UNBACKED');
    expect(giStanding(null, [gi], now)).toBeNull();
  });

  it.each([
    ['GEOGRAPHIC_INDICATION', 'REGULATOR', true],
    ['GEOGRAPHIC_INDICATION', 'CERTIFIER', true],
    ['ORGANIC', 'CERTIFIER', true],
    ['GREEN_FOOD', 'REGULATOR', true],
    ['ORGANIC', 'PRODUCER', false],
    ['ORGANIC', 'LAB', false],
    ['COMMITMENT', 'REGULATOR', false],
    ['COMMITMENT', 'CERTIFIER', false],
  ] as const)('a %s certificate attested by a %s is certified: %s', (kind, attester, certified) => {
    expect(mayAttest(attester, kind)).toBe(certified);
    expect(certificateStanding({ kind, attesterKind: attester })).toBe(certified ? 'ATTESTED' : 'DECLARED');
    expect(certificateStanding({ kind, attesterKind: null })).toBe('DECLARED');
  });
});
