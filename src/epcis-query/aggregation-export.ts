import { sgtinEpc, ssccEpc } from '../epcis/aggregation-identifiers.js';
import { ledgerEventId } from '../epcis/ledger-event-id.js';
import type { PackedUnits } from '../ledger/entry-types.js';

/**
 * Package entries written as EPCIS 2.0 events, for the query interface: UNITS_PACKED and UNPACKED as
 * AggregationEvents (ADD, DELETE), PACKAGE_SHIPPED and PACKAGE_RECEIVED as ObjectEvents (OBSERVE) of the
 * SSCC. Pure. Packing has no eventTime of its own: the entry's recorded time is the event's.
 */

export const PACKAGE_ENTRY_TYPES = ['UNITS_PACKED', 'UNPACKED', 'PACKAGE_SHIPPED', 'PACKAGE_RECEIVED'] as const;

export interface PackageSource {
  seq: number;
  hash: string;
  type: (typeof PACKAGE_ENTRY_TYPES)[number];
  payload: {
    sscc: string;
    facilityId: string;
    units?: PackedUnits[];
    childSsccs?: string[];
    eventTime?: string;
    destinationOrganizationId?: string;
    immediatePreviousSource?: string;
  };
  /** ISO 8601, UTC. */
  recordedAt: string;
  facilityGln: string | null;
  /** The acting organization's GS1 company prefix: SSCCs of it are written as URNs. */
  actorPrefix: string | null;
  /** Each GTIN's owner's GS1 company prefix (null when it has none): units of it are written as SGTIN URNs. */
  gtinPrefixes: Record<string, string | null>;
}

export function packageEvent(s: PackageSource): Record<string, unknown> {
  const p = s.payload;
  const place = { id: s.facilityGln ? `https://id.gs1.org/414/${s.facilityGln}` : `urn:uuid:${p.facilityId}` };
  const common = { eventID: ledgerEventId(s.hash), eventTime: p.eventTime ?? s.recordedAt, eventTimeZoneOffset: '+08:00' };
  if (s.type === 'PACKAGE_SHIPPED' || s.type === 'PACKAGE_RECEIVED') {
    const shipping = s.type === 'PACKAGE_SHIPPED';
    return {
      type: 'ObjectEvent',
      ...common,
      epcList: [ssccEpc(p.sscc, s.actorPrefix)],
      action: 'OBSERVE',
      bizStep: shipping ? 'shipping' : 'receiving',
      disposition: shipping ? 'in_transit' : 'in_progress',
      readPoint: place,
      bizLocation: place,
      ...(shipping && p.destinationOrganizationId
        ? { destinationList: [{ type: 'owning_party', destination: `urn:uuid:${p.destinationOrganizationId}` }] }
        : {}),
      ...(!shipping && p.immediatePreviousSource ? { sourceList: [{ type: 'owning_party', source: `urn:uuid:${p.immediatePreviousSource}` }] } : {}),
    };
  }
  const packing = s.type === 'UNITS_PACKED';
  return {
    type: 'AggregationEvent',
    ...common,
    parentID: ssccEpc(p.sscc, s.actorPrefix),
    childEPCs: [
      ...(p.units ?? []).flatMap((u) => u.serials.map((serial) => sgtinEpc(u.gtin, serial, s.gtinPrefixes[u.gtin] ?? null))),
      ...(p.childSsccs ?? []).map((sscc) => ssccEpc(sscc, s.actorPrefix)),
    ],
    action: packing ? 'ADD' : 'DELETE',
    bizStep: packing ? 'packing' : 'unpacking',
    readPoint: place,
    bizLocation: place,
  };
}
