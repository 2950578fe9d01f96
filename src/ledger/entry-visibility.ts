import type { EntryType, LedgerPayloads } from './entry-types.js';

/**
 * Which payload members of each entry type the service may disclose to anyone (a phone scanning a label)
 * in a v2 entry, and which stay hidden yet committed (docs/ledger-format.md §4 lists the same table).
 * Public: what identifies the product, lot, place, step, time and organization, the temperatures' summary,
 * an inspection's verdict and a recall. Private: prices, order numbers, phone numbers and the like, which
 * live in `details` and in the readings themselves. Typed exhaustively: a member added to a payload in
 * entry-types.ts does not compile until it is classified here.
 */
type Visibility = 'public' | 'private';

export const MEMBER_VISIBILITY: { [T in EntryType]: { [K in keyof LedgerPayloads[T]]-?: Visibility } } = {
  ORGANIZATION_REGISTERED: { organizationId: 'public', name: 'public', kind: 'public', uscc: 'public', gs1CompanyPrefix: 'public' },
  FACILITY_REGISTERED: { facilityId: 'public', name: 'public', region: 'public', gln: 'public' },
  PRODUCT_REGISTERED: {
    productId: 'public',
    name: 'public',
    gtin: 'public',
    category: 'public',
    storage: 'public',
    minTempC: 'public',
    maxTempC: 'public',
    geographicIndication: 'public',
    excursionToleranceMinutes: 'public',
    maxReadingGapMinutes: 'public',
  },
  BATCH_REGISTERED: {
    batchId: 'public',
    productId: 'public',
    facilityId: 'public',
    lotCode: 'public',
    traceCode: 'public',
    quantity: 'public',
    unit: 'public',
    producedAt: 'public',
    details: 'private',
    transformationId: 'public',
    inputs: 'public',
  },
  EVENT_RECORDED: {
    bizStep: 'public',
    eventTime: 'public',
    facilityId: 'public',
    destinationOrganizationId: 'public',
    quantity: 'public',
    details: 'private',
    unit: 'public',
    quantityLeft: 'public',
    immediatePreviousSource: 'public',
    transformationId: 'public',
    outputs: 'public',
    // Who holds a unit knows its serial; a lot's page does not list the lot's serials to everyone who scans it.
    serials: 'private',
    // A unit's holder sold it, not the lot's custodian: as public as who recorded the event.
    byUnitHolder: 'public',
  },
  TEMPERATURES_RECORDED: { sensorId: 'public', count: 'public', from: 'public', to: 'public', minC: 'public', maxC: 'public', readings: 'private' },
  INSPECTION_RECORDED: { inspectionId: 'public', verdict: 'public', agency: 'public', standard: 'public', items: 'public' },
  BATCH_HELD: { inspectionId: 'public', inspectedBatchId: 'public', reason: 'public' },
  BATCH_RELEASED: { reason: 'public' },
  CERTIFICATE_ATTACHED: {
    certificateId: 'public',
    kind: 'public',
    number: 'public',
    issuer: 'public',
    documentSha256: 'public',
    productId: 'public',
    protectedName: 'public',
    validFrom: 'public',
    validUntil: 'public',
  },
  CERTIFICATE_ATTESTED: { certificateId: 'public', documentSha256: 'public' },
  RECALLING: { recallId: 'public', bizStep: 'public', level: 'public', reason: 'public', recalledBatchIds: 'public' },
  RECALL_RECOVERY: { recallId: 'public', quantity: 'public', unit: 'public', disposition: 'public' },
  RECALL_CLOSED: { recallId: 'public', note: 'public' },
  EVENT_DECLARED_ERRONEOUS: {
    eventID: 'public',
    erroneousSeqs: 'public',
    erroneousHashes: 'public',
    declarationTime: 'public',
    reason: 'public',
    correctiveEventIDs: 'public',
  },
  // Order and invoice numbers are private, as in an event's details.
  BUSINESS_TRANSACTIONS_RECORDED: {
    action: 'public',
    eventTime: 'public',
    bizTransactions: 'private',
    facilityId: 'public',
    quantity: 'public',
    details: 'private',
  },
  // The root and count of a lot's serials: a unit's page proves its serial under them.
  UNITS_COMMISSIONED: { commissioningId: 'public', gtin: 'public', count: 'public', serialsRoot: 'public' },
  GS1_COMPANY_PREFIX_SET: { organizationId: 'public', gs1CompanyPrefix: 'public' },
  UNITS_PACKED: { sscc: 'public', facilityId: 'public', units: 'private', childSsccs: 'public', lots: 'public' },
  UNPACKED: { sscc: 'public', facilityId: 'public', units: 'private', childSsccs: 'public' },
  PACKAGE_SHIPPED: { sscc: 'public', facilityId: 'public', destinationOrganizationId: 'public', eventTime: 'public', lots: 'public' },
  PACKAGE_RECEIVED: { sscc: 'public', facilityId: 'public', eventTime: 'public', immediatePreviousSource: 'public', lots: 'public' },
};

/** Whether member `name` of an entry of `type` may be disclosed; a type or member not in the table stays hidden. */
export function isPublicMember(type: string, name: string): boolean {
  const members = (MEMBER_VISIBILITY as Record<string, Record<string, Visibility> | undefined>)[type];
  return members !== undefined && Object.prototype.hasOwnProperty.call(members, name) && members[name] === 'public';
}
