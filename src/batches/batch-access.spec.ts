import { describe, expect, it } from '@jest/globals';
import type { Caller } from '../auth/caller.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { mayReadBatch, readsEveryBatch } from './batch-access.js';

const org = (organizationId: string, organizationKind: OrganizationKind = 'PRODUCER'): Caller => ({
  kind: 'organization',
  organizationId,
  organizationKind,
  apiKeyId: 'key',
});
const batch = { producerId: 'farm', custodianId: 'shop' };

describe('who may read a batch', () => {
  it.each<[string, Caller | undefined, boolean]>([
    ['its producer', org('farm'), true],
    ['its custodian', org('shop', 'RETAILER'), true],
    ['an unrelated producer', org('other'), false],
    ['a processor that held it before', org('mill', 'PROCESSOR'), false],
    ['a carrier', org('truck', 'LOGISTICS'), false],
    ['a regulator', org('samr', 'REGULATOR'), true],
    ['a lab', org('lab', 'LAB'), true],
    ['the admin', { kind: 'admin' }, true],
    ['an anonymous caller', { kind: 'anonymous' }, false],
    ['a request no guard proved (no caller at all)', undefined, false],
  ])('%s: %s', (_who, caller, expected) => {
    expect(mayReadBatch(caller, batch)).toBe(expected);
  });

  it('lets the organization a batch is in transit to read it, and nobody else it was not shipped to', () => {
    const shipped = { producerId: 'farm', custodianId: 'farm', inTransitToId: 'shop' };
    expect(mayReadBatch(org('shop', 'RETAILER'), shipped)).toBe(true);
    expect(mayReadBatch(org('other', 'RETAILER'), shipped)).toBe(false);
    // Received (or never shipped): no destination; the receiver reads it as its custodian.
    expect(mayReadBatch(org('shop', 'RETAILER'), { producerId: 'farm', custodianId: 'farm', inTransitToId: null })).toBe(false);
    expect(mayReadBatch(org('shop', 'RETAILER'), { producerId: 'farm', custodianId: 'shop', inTransitToId: null })).toBe(true);
  });

  it('fails closed when the batch does not say who made or holds it', () => {
    expect(mayReadBatch(org('farm'), {})).toBe(false);
    expect(mayReadBatch(org('samr', 'REGULATOR'), {})).toBe(true);
  });

  it('reads every batch only for the admin, regulators and labs', () => {
    expect(
      [org('farm'), org('samr', 'REGULATOR'), org('lab', 'LAB'), { kind: 'admin' } as Caller, { kind: 'anonymous' } as Caller].map(readsEveryBatch),
    ).toEqual([false, true, true, true, false]);
  });
});
