import { lotClassUri, uomOf } from '../epcis/epcis-identifiers.js';
import { ledgerEventId } from '../epcis/ledger-event-id.js';
import type { BusinessTransactionsRecordedPayload } from '../ledger/entry-types.js';

/**
 * EPCIS 2.0 TransactionEvents on export, from the lots' BUSINESS_TRANSACTIONS_RECORDED entries: one event per
 * captured TransactionEvent (its entries, one per lot, grouped by the eventID it was captured with; an entry
 * without one is an event of its own, named by the ni: URI of its entry's hash), appended to a built document. Pure.
 */
export interface TransactionSource {
  seq: number;
  hash: string;
  payload: BusinessTransactionsRecordedPayload;
  lot: { lotCode: string; traceCode: string; gtin: string | null; unit: string };
}

/** The members kept in an entry's details that are the event's own standard members. */
const STANDARD_DETAILS = ['bizStep', 'disposition', 'persistentDisposition', 'sourceList', 'destinationList', 'certificationInfo'];

export function withTransactionEvents<D extends { epcisBody: { eventList: Record<string, unknown>[] } }>(
  document: D,
  sources: TransactionSource[],
  baseUrl: string,
): D {
  if (sources.length === 0) return document;
  const events = new Map<string, Record<string, unknown>>();
  for (const s of [...sources].sort((a, b) => a.seq - b.seq)) {
    // epcisHashId binds the entry to the event kept as sent; it is no member of the event.
    const { epcisEventID, epcisHashId: _bound, ...details } = s.payload.details ?? {};
    const eventID = typeof epcisEventID === 'string' ? epcisEventID : ledgerEventId(s.hash);
    const line = {
      epcClass: lotClassUri(s.lot, baseUrl),
      ...(s.payload.quantity !== undefined ? { quantity: s.payload.quantity } : {}),
      ...(s.payload.quantity !== undefined && uomOf(s.lot.unit) ? { uom: uomOf(s.lot.unit) } : {}),
    };
    const known = events.get(eventID);
    if (known) {
      (known.quantityList as unknown[]).push(line);
      continue;
    }
    const standard = Object.fromEntries(STANDARD_DETAILS.filter((m) => details[m] !== undefined).map((m) => [m, details[m]]));
    const extensions = Object.fromEntries(Object.entries(details).filter(([m]) => !STANDARD_DETAILS.includes(m)));
    events.set(eventID, {
      type: 'TransactionEvent',
      eventID,
      eventTime: s.payload.eventTime,
      eventTimeZoneOffset: '+08:00',
      action: s.payload.action,
      ...standard,
      bizTransactionList: s.payload.bizTransactions.map((t) => ({
        ...(t.type !== undefined ? { type: transactionTypeInJson(t.type) } : {}),
        bizTransaction: isUri(t.bizTransaction) ? t.bizTransaction : documentUri(baseUrl, t.type, t.bizTransaction),
      })),
      quantityList: [line],
      ...(s.payload.facilityId ? { bizLocation: { id: `urn:uuid:${s.payload.facilityId}` } } : {}),
      ...extensions,
    });
  }
  return { ...document, epcisBody: { ...document.epcisBody, eventList: [...document.epcisBody.eventList, ...events.values()] } };
}

/** CBV 2.0's business transaction types are bare words in EPCIS JSON (its schema refuses their URN and URL forms); others as sent. */
function transactionTypeInJson(type: string): string {
  return type.replace(/^urn:epcglobal:cbv:btt:/, '').replace(/^https?:\/\/(ref|ns)\.gs1\.org\/cbv\/BTT-/, '');
}

function documentUri(baseUrl: string, type: string | undefined, id: string): string {
  return `${baseUrl}/epcis/doc/${encodeURIComponent(type !== undefined ? transactionTypeInJson(type) : 'document')}/${encodeURIComponent(id)}`;
}

/** A business transaction id is a URI in EPCIS JSON; one captured as a plain number is written under the service's base URL, as the ObjectEvents' are. */
function isUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value);
}
