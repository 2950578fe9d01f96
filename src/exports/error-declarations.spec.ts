import { describe, expect, it } from '@jest/globals';
import { withErrorDeclarations } from './error-declarations.js';

describe('errorDeclaration on export', () => {
  const declared = { eventID: 'urn:uuid:e1', erroneousHashes: ['a'.repeat(64)], declarationTime: '2026-11-21T00:00:00.000Z', reason: 'incorrect_data' };
  const documentOf = (...eventList: Record<string, unknown>[]) => ({ type: 'EPCISDocument', epcisBody: { eventList } });

  it('adds errorDeclaration to the declared event, named by its eventID or by the ni: URI of its entry’s hash, and leaves the others as they were', () => {
    const byEventId = { type: 'ObjectEvent', eventID: 'urn:uuid:e1', bizStep: 'storing' };
    const byEntry = { type: 'ObjectEvent', eventID: `ni:///sha-256;${Buffer.from('a'.repeat(64), 'hex').toString('base64url')}`, bizStep: 'storing' };
    const other = { type: 'ObjectEvent', eventID: 'urn:uuid:e2', bizStep: 'storing' };
    const out = withErrorDeclarations(documentOf(byEventId, byEntry, other), [declared, { ...declared, erroneousHashes: ['b'.repeat(64)] }]);
    const errorDeclaration = { declarationTime: '2026-11-21T00:00:00.000Z', reason: 'incorrect_data' };
    expect(out.epcisBody.eventList).toEqual([{ ...byEventId, errorDeclaration }, { ...byEntry, errorDeclaration }, other]);
  });

  it('writes CBV’s own reasons as the bare words EPCIS JSON has for them, any other reason as declared', () => {
    const reasons = ['urn:epcglobal:cbv:er:did_not_occur', 'https://ref.gs1.org/cbv/ER-incorrect_data', 'https://example.org/er/mislabelled'].map(
      (reason) =>
        withErrorDeclarations(documentOf({ eventID: 'urn:uuid:e1' }), [{ ...declared, reason }]).epcisBody.eventList[0].errorDeclaration as { reason: string },
    );
    expect(reasons.map((r) => r.reason)).toEqual(['did_not_occur', 'incorrect_data', 'https://example.org/er/mislabelled']);
  });

  it('writes correctiveEventIDs when declared, and no reason when none was given', () => {
    const out = withErrorDeclarations(documentOf({ eventID: 'urn:uuid:e1' }), [
      { eventID: 'urn:uuid:e1', erroneousHashes: [], declarationTime: '2026-11-21T00:00:00.000Z', correctiveEventIDs: ['urn:uuid:c1'] },
    ]);
    expect(out.epcisBody.eventList[0].errorDeclaration).toEqual({ declarationTime: '2026-11-21T00:00:00.000Z', correctiveEventIDs: ['urn:uuid:c1'] });
  });
});
