import { describe, expect, it } from '@jest/globals';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, encodeCursor, pageSize, scopeHash, toConnection } from './page.js';

const ID = '6f1d2c3b-4a59-4e68-9b7a-8c9d0e1f2a3b';

describe('keyset pages', () => {
  it('hands out opaque cursors that read back as the same position, in their own list only', () => {
    const cursor = encodeCursor('batch', {}, { seq: '9007199254740993', id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(ID);
    expect(decodeCursor('batch', {}, cursor)).toEqual({ seq: '9007199254740993', id: ID });
    expect(() => decodeCursor('recall', {}, cursor)).toThrow(/is not a cursor of this list/);
    expect(decodeCursor('ledgerEntry', {}, encodeCursor('ledgerEntry', {}, { seq: '42', id: '' }))).toEqual({ seq: '42', id: '' });
  });

  it('ties a cursor to the filter it was read with, however that filter is written, and refuses it under another', () => {
    const at = { seq: '7', id: ID };
    const filter = { gtin: '06901234567892', status: 'ACTIVE', producedFrom: new Date('2026-10-01T00:00:00Z') };
    const cursor = encodeCursor('batch', filter, at);
    // Same values in another order, absent fields written as undefined or null: the same filter.
    expect(
      decodeCursor(
        'batch',
        { producedFrom: new Date('2026-10-01T00:00:00.000Z'), lotCode: undefined, region: null, status: 'ACTIVE', gtin: '06901234567892' },
        cursor,
      ),
    ).toEqual(at);
    for (const other of [{}, { ...filter, status: 'RECALLED' }, { ...filter, producedFrom: new Date('2026-10-02T00:00:00Z') }, { ...filter, partyId: ID }]) {
      let error: unknown;
      try {
        decodeCursor('batch', other, cursor);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('CURSOR_FILTER_MISMATCH');
      expect((error as DomainError).message).toMatch(/^after: this cursor is from the same list read with another filter/);
    }
    // A value is not mistaken for another of the same text.
    expect(scopeHash({ hasExcursions: true })).not.toBe(scopeHash({ hasExcursions: 'true' as unknown as boolean }));
    expect(scopeHash({ a: 'b' })).toMatch(/^[A-Za-z0-9_-]{11}$/);
  });

  it('refuses a cursor it did not make, as BAD_USER_INPUT INVALID_CURSOR', () => {
    const made = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      '',
      '!!!',
      'x'.repeat(201),
      made([2, 'batch', scopeHash({}), '1']),
      // Version 1 cursors (no filter scope) are no longer handed out.
      made([1, 'batch', '1', ID]),
      made([3, 'batch', scopeHash({}), '1', ID]),
      made([2, 'batch', scopeHash({}), '-1', ID]),
      made([2, 'batch', scopeHash({}), '1', 'x']),
      made([2, 'batch', 'short', '1', ID]),
    ]) {
      let error: unknown;
      try {
        decodeCursor('batch', {}, bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('INVALID_CURSOR');
    }
  });

  it('takes first from 1 to the bound, the default when absent, and names first otherwise', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(101)).toThrow('first must be between 1 and 100, got 101');
    expect(() => pageSize(0)).toThrow('first must be between 1 and 100, got 0');
    expect(pageSize(1000, 1000, 100)).toBe(1000);
  });

  it('says there is a next page only when a row beyond the page was read, and ends at the last edge', () => {
    const rows = [1, 2, 3].map((n) => ({ n, key: { seq: String(n), id: ID } }));
    const full = toConnection('batch', {}, rows, 2, (r) => r.key);
    expect(full.edges.map((e) => e.node.n)).toEqual([1, 2]);
    expect(full.pageInfo).toEqual({ hasNextPage: true, endCursor: full.edges[1].cursor });
    expect(toConnection('batch', {}, rows, 3, (r) => r.key).pageInfo.hasNextPage).toBe(false);
    expect(toConnection('batch', {}, [], 3, (r: (typeof rows)[number]) => r.key).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
