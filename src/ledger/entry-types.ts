import type { CertificateKind } from '../certificates/certificate-rules.js';
import type { BizStep } from '../events/biz-step.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import type { ProductCategory, StorageCondition } from '../products/product-kinds.js';
import type { RecallLevel } from '../recalls/recall-deadlines.js';
import { draftEntry, DraftOptions, EntryDraft } from './ledger-entry.js';

/**
 * The ledger's vocabulary: every entry type the service writes and the payload it carries. Payloads
 * are hashed as canonical JSON, so a member here is part of the ledger's contract: times are ISO 8601
 * strings, an optional member is absent (never null) unless it says so. Adding an entry type is one
 * member here, its payload interface, and its line in ENTRY_TYPE_SCOPES.
 */
export interface LedgerPayloads {
  ORGANIZATION_REGISTERED: OrganizationRegisteredPayload;
  FACILITY_REGISTERED: FacilityRegisteredPayload;
  PRODUCT_REGISTERED: ProductRegisteredPayload;
  BATCH_REGISTERED: BatchRegisteredPayload;
  EVENT_RECORDED: EventRecordedPayload;
  TEMPERATURES_RECORDED: TemperaturesRecordedPayload;
  INSPECTION_RECORDED: InspectionRecordedPayload;
  BATCH_HELD: BatchHeldPayload;
  BATCH_RELEASED: BatchReleasedPayload;
  CERTIFICATE_ATTACHED: CertificateAttachedPayload;
  CERTIFICATE_ATTESTED: CertificateAttestedPayload;
  RECALLING: RecallingPayload;
  RECALL_RECOVERY: RecallRecoveryPayload;
  RECALL_CLOSED: RecallClosedPayload;
  EVENT_DECLARED_ERRONEOUS: EventDeclaredErroneousPayload;
  BUSINESS_TRANSACTIONS_RECORDED: BusinessTransactionsRecordedPayload;
  UNITS_COMMISSIONED: UnitsCommissionedPayload;
  GS1_COMPANY_PREFIX_SET: Gs1CompanyPrefixSetPayload;
  UNITS_PACKED: UnitsPackedPayload;
  UNPACKED: UnpackedPayload;
  PACKAGE_SHIPPED: PackageShippedPayload;
  PACKAGE_RECEIVED: PackageReceivedPayload;
}

export type EntryType = keyof LedgerPayloads;

/**
 * Which chain an entry of each type joins: a batch's (batchId set), the ledger's alone (batchId null),
 * or either (a certificate covers a batch or a product). Typed exhaustively, so a type added to
 * LedgerPayloads and not here does not compile.
 */
export const ENTRY_TYPE_SCOPES = {
  ORGANIZATION_REGISTERED: 'ledger',
  FACILITY_REGISTERED: 'ledger',
  PRODUCT_REGISTERED: 'ledger',
  BATCH_REGISTERED: 'batch',
  EVENT_RECORDED: 'batch',
  TEMPERATURES_RECORDED: 'batch',
  INSPECTION_RECORDED: 'batch',
  BATCH_HELD: 'batch',
  BATCH_RELEASED: 'batch',
  CERTIFICATE_ATTACHED: 'either',
  CERTIFICATE_ATTESTED: 'either',
  RECALLING: 'batch',
  RECALL_RECOVERY: 'batch',
  RECALL_CLOSED: 'ledger',
  EVENT_DECLARED_ERRONEOUS: 'batch',
  BUSINESS_TRANSACTIONS_RECORDED: 'batch',
  UNITS_COMMISSIONED: 'batch',
  GS1_COMPANY_PREFIX_SET: 'ledger',
  // A package holds units of any number of lots: its entries are the ledger's, naming the lots (a lot's story is its own chain's).
  UNITS_PACKED: 'ledger',
  UNPACKED: 'ledger',
  PACKAGE_SHIPPED: 'ledger',
  PACKAGE_RECEIVED: 'ledger',
} as const satisfies Record<EntryType, 'batch' | 'ledger' | 'either'>;

/** Every entry type, in the order of LedgerPayloads. */
export const ENTRY_TYPES = Object.keys(ENTRY_TYPE_SCOPES) as EntryType[];

/** The batchId an entry of type T is drafted with. */
export type EntryBatchId<T extends EntryType> = { batch: string; ledger: null; either: string | null }[(typeof ENTRY_TYPE_SCOPES)[T]];

/** The entries that are a step in a lot's story: what the scan page's timeline and the FSMA 204 sheet list. */
export const LOT_EVENT_TYPES = ['BATCH_REGISTERED', 'EVENT_RECORDED', 'INSPECTION_RECORDED', 'RECALLING'] as const satisfies readonly EntryType[];

/** Members of P that are not members of Payload: `never` for each, so an extra member (even one spread in) does not compile. */
type NoExtraMembers<P, Payload> = P & Record<Exclude<keyof P, keyof Payload>, never>;

/**
 * A draft of an entry of one type, its payload checked against the vocabulary. The canonical bytes
 * are draftEntry's: this adds types, not behaviour.
 */
export function newEntry<T extends EntryType, P extends LedgerPayloads[T]>(
  type: T,
  batchId: EntryBatchId<T>,
  payload: NoExtraMembers<P, LedgerPayloads[T]>,
  options?: DraftOptions,
): EntryDraft<T> {
  return draftEntry(type, batchId, payload, options);
}

/** Whether an entry (stored, exported, or any value with a `type`) is of one of these types; narrows its `type`. */
export function isEntry<E extends { type: string }, T extends EntryType>(entry: E, ...types: T[]): entry is E & { type: T } {
  return (types as string[]).includes(entry.type);
}

/** An entry's type and parsed payload, narrowed together: comparing `type` narrows `payload`. */
export type TypedEntry<T extends EntryType = EntryType> = { [K in T]: { type: K; payload: LedgerPayloads[K] } }[T];

/**
 * A stored entry's type and payload, typed. `types` are those the statement selected: any other type
 * is refused rather than read as the wrong shape. The payload was checked when it was drafted; this parses.
 */
export function typedEntry<T extends EntryType>(types: readonly T[], stored: { type: string; payload: string }): TypedEntry<T> {
  if (!isEntry(stored, ...types)) throw new Error(`a ${stored.type} entry where ${types.join(' or ')} was asked for`);
  return { type: stored.type, payload: JSON.parse(stored.payload) } as TypedEntry<T>;
}

/**
 * Entry types as SQL string literals (`'A', 'B'`), for a statement that filters or switches on them
 * in its text; kept literal (not parameters) so the statements, and their plans, stay what they were.
 * Safe to interpolate: every type is SCREAMING_SNAKE (the spec checks it, as chk_ledger_entry_type does).
 */
export function sqlEntryTypes(...types: EntryType[]): string {
  for (const type of types) if (!ENTRY_TYPE_PATTERN.test(type)) throw new Error(`not an entry type: ${JSON.stringify(type)}`);
  return types.map((type) => `'${type}'`).join(', ');
}

/** chk_ledger_entry_type: what the database accepts as an entry type. */
export const ENTRY_TYPE_PATTERN = /^[A-Z][A-Z0-9_]*$/;

// ---- Payloads, as the services write them ----

export interface OrganizationRegisteredPayload {
  organizationId: string;
  name: string;
  kind: OrganizationKind;
  uscc?: string;
  /** Its GS1 company prefix, when registered with one (6–12 digits) */
  gs1CompanyPrefix?: string;
}

export interface FacilityRegisteredPayload {
  facilityId: string;
  name: string;
  region?: string;
  /** GS1 Global Location Number, 13 digits */
  gln?: string;
}

export interface ProductRegisteredPayload {
  productId: string;
  name: string;
  /** GTIN-14 */
  gtin?: string;
  category: ProductCategory;
  storage: StorageCondition;
  minTempC?: number;
  maxTempC?: number;
  geographicIndication?: string;
  excursionToleranceMinutes: number;
  maxReadingGapMinutes: number;
}

/** A batch registered by its producer, or made by a transformation (then with transformationId and inputs, without details). */
export interface BatchRegisteredPayload {
  batchId: string;
  productId: string;
  facilityId: string;
  lotCode: string;
  traceCode: string;
  quantity: number;
  unit: string;
  producedAt: string;
  details?: Record<string, unknown>;
  transformationId?: string;
  inputs?: { batchId: string; quantity: number; unit: string }[];
}

/**
 * A supply-chain event of a batch (recordEvent, EPCIS capture), or a batch's part in a transformation
 * (bizStep TRANSFORMING, with transformationId and outputs). unit, quantityLeft and
 * immediatePreviousSource are added by the custody rules.
 */
export interface EventRecordedPayload {
  bizStep: BizStep;
  eventTime: string;
  facilityId: string;
  destinationOrganizationId?: string;
  quantity?: number;
  details?: Record<string, unknown>;
  /** the batch's unit, when the event moves a quantity */
  unit?: string;
  /** what is left of the batch after a sale, destruction or transformation */
  quantityLeft?: number;
  /** RECEIVING: the organization that shipped it (FSMA 204's immediate previous source) */
  immediatePreviousSource?: string | null;
  transformationId?: string;
  outputs?: { batchId: string; lotCode: string }[];
  /** serialized units of the batch the event names (GS1 AI 21 serials of its GTIN), in the order given */
  serials?: string[];
  /**
   * true: a RETAIL_SELLING by the holder of the units it names (it received them in a package), not the
   * lot's custodian: the lot's custody and quantity are unchanged (src/events/custody.ts sellHeldUnits)
   */
  byUnitHolder?: true;
}

/** One logger's readings of a batch, with their span and extremes. */
export interface TemperaturesRecordedPayload {
  sensorId: string;
  count: number;
  from: string;
  to: string;
  minC: number;
  maxC: number;
  readings: { at: string; celsius: number }[];
}

export interface InspectionRecordedPayload {
  inspectionId: string;
  verdict: 'PASS' | 'FAIL';
  agency?: string;
  standard?: string;
  items: { name: string; passed: boolean; value?: number; limit?: number; unit?: string }[];
}

/** A batch made from one that failed inspection, held until a regulator releases it. */
export interface BatchHeldPayload {
  inspectionId: string;
  inspectedBatchId: string;
  reason: string;
}

export interface BatchReleasedPayload {
  reason: string;
}

export interface CertificateAttachedPayload {
  certificateId: string;
  kind: CertificateKind;
  number: string;
  issuer: string;
  documentSha256: string;
  /** set when the certificate covers a product (then the entry has no batch) */
  productId?: string;
  protectedName?: string;
  validFrom: string;
  validUntil: string;
}

/**
 * A regulator or certification body (the entry's actor) vouches for a certificate: on the chain the
 * certificate's own entry joined, naming the document it checked.
 */
export interface CertificateAttestedPayload {
  certificateId: string;
  documentSha256: string;
}

/** On each batch a recall reaches: the batches named in it and everything made from them. */
export interface RecallingPayload {
  recallId: string;
  bizStep: 'RECALLING';
  level: RecallLevel;
  reason: string;
  recalledBatchIds: string[];
}

export interface RecallRecoveryPayload {
  recallId: string;
  quantity: number;
  unit: string;
  disposition: 'RETURNED' | 'DESTROYED';
}

export interface RecallClosedPayload {
  recallId: string;
  note: string;
}

/**
 * An EPCIS error declaration (EPCIS 2.0 §7.4.1.3): the captured event `eventID` was declared erroneous by
 * the organization that captured it. The ledger is append-only, so the event's entries stay; this entry,
 * one on each batch chain the event touched, names those of them that are on its chain. It changes no
 * batch: what the event did is put right by the corrective events, if any.
 */
export interface EventDeclaredErroneousPayload {
  /** The event's id as captured: its eventID, or its CBV 2.0 hash ID when it came without one. */
  eventID: string;
  /** The seqs and hashes of the event's entries on this entry's chain, in ledger order. */
  erroneousSeqs: number[];
  erroneousHashes: string[];
  /** ISO 8601, as declared. */
  declarationTime: string;
  /** The CBV error reason as sent (e.g. incorrect_data, did_not_occur, or a URI). */
  reason?: string;
  correctiveEventIDs?: string[];
}

/**
 * A lot linked to (ADD, OBSERVE) or unlinked from (DELETE) business transactions by an EPCIS
 * TransactionEvent: purchase orders, invoices, despatch advices, as sent (type and id).
 */
export interface BusinessTransactionsRecordedPayload {
  action: 'ADD' | 'OBSERVE' | 'DELETE';
  eventTime: string;
  bizTransactions: { type?: string; bizTransaction: string }[];
  /** Where, when the event names a place. */
  facilityId?: string;
  quantity?: number;
  /** bizStep, disposition and extensions as sent. */
  details?: Record<string, unknown>;
}

/**
 * Serialized units of a lot of a GTIN product, commissioned by its producer: one entry for up to a
 * million units, committing to their count and to the RFC 9162 Merkle root of their serials (leaf i =
 * SHA-256(0x00 ‖ serial i as ASCII), in the order of the producer's CSV; src/units/serials-merkle.ts).
 * A unit's page proves its serial under `serialsRoot`. The check codes are not in the ledger.
 */
export interface UnitsCommissionedPayload {
  commissioningId: string;
  /** GTIN-14 of the lot's product */
  gtin: string;
  count: number;
  /** hex, 32 bytes */
  serialsRoot: string;
}

/** The admin set (or changed) an organization's GS1 company prefix, which its SSCCs are minted from and checked against. */
export interface Gs1CompanyPrefixSetPayload {
  organizationId: string;
  /** 6–12 digits */
  gs1CompanyPrefix: string;
}

/** Serials of one GTIN, in a package's entry. */
export interface PackedUnits {
  /** GTIN-14 */
  gtin: string;
  serials: string[];
}

/** How many of the units an entry names are of each lot: so a lot's trace finds the packages its units went in. */
export interface LotUnits {
  batchId: string;
  units: number;
}

/**
 * The custodian (the entry's actor) packed serialized units and/or packages into the package `sscc`
 * (GS1 AI 00) at one of its facilities: its direct children, up to 10,000. The units' serials are
 * committed but not disclosed (a serial is the half of a check that is not secret, not a list to publish).
 */
export interface UnitsPackedPayload {
  sscc: string;
  facilityId: string;
  units: PackedUnits[];
  childSsccs: string[];
  /** The lots of `units` (not of the child packages, which their own entries name). */
  lots: LotUnits[];
}

/** The custodian took the package's direct children out of it: they are free again, the SSCC is not reused. */
export interface UnpackedPayload {
  sscc: string;
  facilityId: string;
  units: PackedUnits[];
  childSsccs: string[];
}

/**
 * The custodian shipped a package (not one inside another) to another organization: everything in it,
 * at any depth, goes with it. `lots` names every lot with units inside, so a recall's trace reaches them.
 */
export interface PackageShippedPayload {
  sscc: string;
  facilityId: string;
  destinationOrganizationId: string;
  eventTime: string;
  lots: LotUnits[];
}

/** The organization a package was shipped to received it: custody of the package and everything in it moves to it. */
export interface PackageReceivedPayload {
  sscc: string;
  facilityId: string;
  eventTime: string;
  /** The organization that shipped it (FSMA 204's immediate previous source). */
  immediatePreviousSource: string;
  lots: LotUnits[];
}
