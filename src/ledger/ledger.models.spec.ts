import { describe, expect, it } from '@jest/globals';
import { LedgerEntryModel } from './ledger.models.js';

describe('LedgerEntryModel', () => {
  const entry = {
    v: 1 as const,
    seq: 7,
    prevHash: 'a'.repeat(64),
    type: 'EVENT_RECORDED',
    batchId: 'b1',
    batchPrevHash: null,
    actor: 'org',
    recordedAt: '2026-10-08T10:00:00.000Z',
    payloadHash: 'c'.repeat(64),
    hash: 'd'.repeat(64),
    salt: 'e'.repeat(32),
    payload: '{"bizStep":"STORING","details":{"t":3.5}}',
  };

  it('serves the payload as JSON, parsed when asked for, and null once erased', () => {
    const model = LedgerEntryModel.from(entry);
    expect(model).toMatchObject({ seq: 7, hash: entry.hash, batchId: 'b1', batchPrevHash: null, salt: entry.salt, recordedAt: new Date(entry.recordedAt) });
    expect(model.payload).toEqual({ bizStep: 'STORING', details: { t: 3.5 } });
    expect(LedgerEntryModel.from({ ...entry, salt: null, payload: null }).payload).toBeNull();
  });
});
