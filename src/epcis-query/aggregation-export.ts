import { sgtinEpc, ssccEpc } from '../epcis/aggregation-identifiers.js';
import { ledgerEventId } from '../epcis/ledger-event-id.js';
import type { PackedUnits } from '../ledger/entry-types.js';

/**
 * UNITS_PACKED and UNPACKED ledger entries written as EPCIS 2.0 AggregationEvents (ADD, DELETE), for the
 * query interface. Pure. Packing has no eventTime of its own: the entry's recorded time is the event's.
 */

export const AGGREGATION_ENTRY_TYPES = ['UNITS_PACKED', 'UNPACKED'] as const;

export interface PackingSource {
  seq: number;
  hash: string;
  type: (typeof AGGREGATION_ENTRY_TYPES)[number];
  payload: { sscc: string; facilityId: string; units: PackedUnits[]; childSsccs: string[] };
  /** ISO 8601, UTC. */
  recordedAt: string;
  facilityGln: string | null;
  /** The packing organization's GS1 company prefix: SSCCs of it are written as URNs. */
  packerPrefix: string | null;
  /** Each GTIN's owner's GS1 company prefix (null when it has none): units of it are written as SGTIN URNs. */
  gtinPrefixes: Record<string, string | null>;
}

export function aggregationEvent(s: PackingSource): Record<string, unknown> {
  const place = { id: s.facilityGln ? `https://id.gs1.org/414/${s.facilityGln}` : `urn:uuid:${s.payload.facilityId}` };
  const packing = s.type === 'UNITS_PACKED';
  return {
    type: 'AggregationEvent',
    eventID: ledgerEventId(s.hash),
    eventTime: s.recordedAt,
    eventTimeZoneOffset: '+08:00',
    parentID: ssccEpc(s.payload.sscc, s.packerPrefix),
    childEPCs: [
      ...s.payload.units.flatMap((u) => u.serials.map((serial) => sgtinEpc(u.gtin, serial, s.gtinPrefixes[u.gtin] ?? null))),
      ...s.payload.childSsccs.map((sscc) => ssccEpc(sscc, s.packerPrefix)),
    ],
    action: packing ? 'ADD' : 'DELETE',
    bizStep: packing ? 'packing' : 'unpacking',
    readPoint: place,
    bizLocation: place,
  };
}
