import { describe, expect, it } from '@jest/globals';
import { CertificateFacts, certificateProblem, giVerified } from './certificate-rules.js';

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

  it('verifies a GI claim only with a valid GI certificate of that name', () => {
    const gi = { ...base, kind: 'GEOGRAPHIC_INDICATION' as const, number: 'AGI01234', protectedName: '小站稻' };
    const now = new Date('2027-06-01T00:00:00Z');
    expect(giVerified('小站稻', [gi], now)).toBe(true);
    expect(giVerified('独流老醋', [gi], now)).toBe(false);
    expect(giVerified('小站稻', [gi], new Date('2029-06-01T00:00:00Z'))).toBe(false);
    expect(giVerified('小站稻', [{ ...gi, kind: 'ORGANIC' as const }], now)).toBe(false);
    expect(giVerified(null, [gi], now)).toBe(false);
  });
});
