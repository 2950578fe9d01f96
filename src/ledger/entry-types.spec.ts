import { describe, expect, it } from '@jest/globals';
import { ENTRY_TYPE_PATTERN, ENTRY_TYPES, isEntry, LOT_EVENT_TYPES, newEntry, sqlEntryTypes, typedEntry } from './entry-types.js';
import { draftEntry } from './ledger-entry.js';

describe('the ledger vocabulary', () => {
  it('names each entry type once, each one the database accepts (chk_ledger_entry_type)', () => {
    expect(new Set(ENTRY_TYPES).size).toBe(ENTRY_TYPES.length);
    for (const type of ENTRY_TYPES) expect(type).toMatch(ENTRY_TYPE_PATTERN);
    for (const type of LOT_EVENT_TYPES) expect(ENTRY_TYPES).toContain(type);
  });

  it('drafts the same bytes as the untyped draft: the vocabulary adds types, not behaviour', () => {
    const salt = Buffer.alloc(16, 7);
    const payload = { recallId: 'r-1', quantity: 12.5, unit: 'kg', disposition: 'RETURNED' as const };
    const typed = newEntry('RECALL_RECOVERY', 'b-1', payload, { salt, idempotencyKey: 'k', requestHash: 'h' });
    expect(typed).toEqual(draftEntry('RECALL_RECOVERY', 'b-1', payload, { salt, idempotencyKey: 'k', requestHash: 'h' }));
    expect(typed.canonicalPayload).toBe('{"disposition":"RETURNED","quantity":12.5,"recallId":"r-1","unit":"kg"}');
  });

  it('refuses at compile time a payload with a member the vocabulary does not name, or a batch where the type has none', () => {
    const extra = { operator: 'x' };
    // @ts-expect-error a member spread in that BatchReleasedPayload does not have
    newEntry('BATCH_RELEASED', 'b-1', { reason: 'ok', ...extra });
    // @ts-expect-error RECALL_CLOSED is on the ledger's chain, not a batch's
    newEntry('RECALL_CLOSED', 'b-1', { recallId: 'r-1', note: 'done' });
    // @ts-expect-error no such entry type
    expect(() => sqlEntryTypes('BATCH_REGISTERED', "x'; DROP TABLE ledger_entry; --")).toThrow(/not an entry type/);
  });

  it('writes entry types as SQL literals', () => {
    expect(sqlEntryTypes(...LOT_EVENT_TYPES)).toBe("'BATCH_REGISTERED', 'EVENT_RECORDED', 'INSPECTION_RECORDED', 'RECALLING'");
  });

  it('reads a stored entry as its type and payload, and refuses a type it was not asked for', () => {
    const stored = { type: 'RECALL_CLOSED', payload: '{"note":"done","recallId":"r-1"}' };
    const entry = typedEntry(['RECALL_CLOSED', 'BATCH_RELEASED'], stored);
    expect(entry.type === 'RECALL_CLOSED' && entry.payload.note).toBe('done');
    expect(() => typedEntry(['BATCH_RELEASED'], stored)).toThrow('a RECALL_CLOSED entry where BATCH_RELEASED was asked for');
    expect(isEntry(stored, 'RECALL_CLOSED')).toBe(true);
    expect(isEntry(stored, 'BATCH_RELEASED', 'RECALLING')).toBe(false);
  });
});
