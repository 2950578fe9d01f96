import { ledgerEventId } from '../epcis/ledger-event-id.js';
import type { EventDeclaredErroneousPayload } from '../ledger/entry-types.js';

/**
 * EPCIS 2.0 error declarations on export: an event declared erroneous is exported with the
 * `errorDeclaration` member (declarationTime, reason, correctiveEventIDs), as EPCIS 2.0 §7.4.1.3 writes a
 * declared event; the event itself stays as it was captured. Applied to a built document, so it holds
 * whatever names the events carry: the eventID the event was captured with, or the ni: URI of its
 * entry's hash (ledger-event-id.ts) for an event named by its ledger entry. Pure.
 */
export type ExportedDeclaration = Pick<EventDeclaredErroneousPayload, 'eventID' | 'erroneousHashes' | 'declarationTime' | 'reason' | 'correctiveEventIDs'>;

export function withErrorDeclarations<D extends { epcisBody: { eventList: Record<string, unknown>[] } }>(document: D, declarations: ExportedDeclaration[]): D {
  if (declarations.length === 0) return document;
  const byEventId = new Map<string, ExportedDeclaration>();
  for (const d of declarations) {
    // The declaration's entries on several chains say the same of one event: the first names it.
    if (!byEventId.has(d.eventID)) byEventId.set(d.eventID, d);
    for (const hash of d.erroneousHashes) {
      const entryEventId = ledgerEventId(hash);
      if (!byEventId.has(entryEventId)) byEventId.set(entryEventId, d);
    }
  }
  const eventList = document.epcisBody.eventList.map((event) => {
    const d = typeof event.eventID === 'string' ? byEventId.get(event.eventID) : undefined;
    if (!d) return event;
    const errorDeclaration = {
      declarationTime: d.declarationTime,
      ...(d.reason !== undefined ? { reason: reasonInJson(d.reason) } : {}),
      ...(d.correctiveEventIDs && d.correctiveEventIDs.length > 0 ? { correctiveEventIDs: d.correctiveEventIDs } : {}),
    };
    return { ...event, errorDeclaration };
  });
  return { ...document, epcisBody: { ...document.epcisBody, eventList } };
}

/**
 * CBV 2.0's own error reasons are bare words in EPCIS JSON (its schema refuses their URN and URL forms there);
 * another reason, a URI of the declarer's own, as sent.
 */
function reasonInJson(reason: string): string {
  const word = reason.replace(/^urn:epcglobal:cbv:er:/, '').replace(/^https?:\/\/(ref|ns)\.gs1\.org\/cbv\/ER-/, '');
  return word === 'did_not_occur' || word === 'incorrect_data' ? word : reason;
}
