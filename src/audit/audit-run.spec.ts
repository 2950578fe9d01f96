import { describe, expect, it } from '@jest/globals';
import { chainOnlyRun, requesterOf } from './audit-run.js';

describe('audit runs', () => {
  it('names who ran the audit: the admin, or the organization by id', () => {
    expect(requesterOf({ kind: 'admin' })).toEqual({ kind: 'ADMIN' });
    expect(requesterOf({ kind: 'organization', organizationId: 'o1', organizationKind: 'REGULATOR', apiKeyId: 'k1' })).toEqual({
      kind: 'ORGANIZATION',
      organizationId: 'o1',
    });
    expect(() => requesterOf({ kind: 'anonymous' })).toThrow();
  });

  it('records verifyLedger as one run: with the projection audit when it was asked for over a range to the head, else the chain alone', () => {
    expect(chainOnlyRun(true, true)).toBe(false);
    expect(chainOnlyRun(true, false)).toBe(true);
    expect(chainOnlyRun(false, true)).toBe(true);
    expect(chainOnlyRun(false, false)).toBe(true);
  });
});
