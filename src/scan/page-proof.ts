import type { LedgerEnvelope } from '../ledger/hash-rule.js';
import type { WitnessPolicy } from '../witnesses/witness-policy.js';

/**
 * What the batch page's script checks (GET /q/<code>/proof.json): the ledger entries the page shows
 * (docs/ledger-format.md §7), each proven on its own against the newest signed checkpoint, whatever the
 * length of the lot's history. Shared by the service, which builds it, and the phone, which checks it
 * and builds the page's verified facts from it: imports nothing that runs.
 */
export const PAGE_PROOF_FORMAT = 'suyuan-page-proof/1';

export interface PageProof {
  format: typeof PAGE_PROOF_FORMAT;
  /** The lot whose page this is: the phone finds its registration entry by it. */
  traceCode: string;
  origin: string;
  verifierKey: string;
  /** The checkpoint every entry is proven against, with its witnesses' cosignatures. */
  signedNote: string;
  /** The witness policy the checkpoint must meet (LEDGER-SPEC §4.1); absent when the service sets none. */
  witnesses?: WitnessPolicy;
  /** The entries the page shows, in ledger order. */
  entries: ProvenEntry[];
  /** Merkle tree nodes (hex), each once: the entries' inclusion paths point into this list. */
  nodes: string[];
  /** The batch's entries in all, of which `entries` holds only those shown (the full chain is at /q/<code>/chain.json). */
  batchEntries: number;
}

/** An entry with what proves it: its envelope, what it discloses, and its inclusion path. */
export interface ProvenEntry extends Omit<LedgerEnvelope, 'payloadHash'> {
  /** v1 only: a v1 payload discloses nothing, so its hash is given; a v2 entry's is recomputed from its members. */
  payloadHash?: string;
  /** v2: the members the page shows, opened: each value and its member salt. */
  disclosed?: { name: string; value: unknown; salt: string }[];
  /** v2: the hash of every member not disclosed, by name. */
  hidden?: Record<string, string>;
  /** The RFC 9162 inclusion proof of the entry in the checkpoint's tree, bottom up, as indices into `nodes`. */
  path: number[];
}

/** An entry's envelope but for its payloadHash, which a v2 entry in the proof leaves to be recomputed (the same eight members on both sides). */
export function envelopeBut(e: Omit<LedgerEnvelope, 'payloadHash'>): Omit<LedgerEnvelope, 'payloadHash'> {
  return {
    v: e.v,
    seq: e.seq,
    prevHash: e.prevHash,
    type: e.type,
    batchId: e.batchId,
    batchPrevHash: e.batchPrevHash,
    actor: e.actor,
    recordedAt: e.recordedAt,
  };
}

/** Entries a page's proof holds at most (registrations, key steps, recall), so that it stays under PAGE_PROOF_MAX_BYTES. */
export const PAGE_PROOF_MAX_ENTRIES = 40;
/** What the proof's JSON stays under; the service leaves out the least important key steps until it does. */
export const PAGE_PROOF_MAX_BYTES = 64 * 1024;

/**
 * The members of each entry type the page shows and so discloses: a subset of the public ones
 * (entry-visibility.ts; the service refuses to disclose any other). Everything else stays hidden, committed by its hash.
 */
export const PAGE_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  ORGANIZATION_REGISTERED: ['organizationId', 'name', 'kind'],
  FACILITY_REGISTERED: ['facilityId', 'name', 'region'],
  PRODUCT_REGISTERED: ['productId', 'name', 'geographicIndication'],
  BATCH_REGISTERED: ['batchId', 'productId', 'facilityId', 'lotCode', 'traceCode', 'producedAt', 'inputs'],
  /**
   * A registration of a batch the lot was made from: its place in the lineage and its step, not its lot or trace code
   * (the page names and links that lot, marked not checked: docs/ledger-format.md §7).
   */
  ANCESTOR_REGISTERED: ['batchId', 'facilityId', 'producedAt', 'inputs'],
  EVENT_RECORDED: ['bizStep', 'eventTime', 'facilityId'],
  INSPECTION_RECORDED: ['verdict'],
  RECALLING: ['recallId', 'bizStep', 'level', 'reason', 'recalledBatchIds'],
  CERTIFICATE_ATTACHED: ['certificateId', 'kind', 'number', 'issuer', 'documentSha256', 'productId', 'protectedName', 'validFrom', 'validUntil'],
  CERTIFICATE_ATTESTED: ['certificateId', 'documentSha256'],
  /** An EPCIS error declaration of a key step: which entries it names, and why. */
  EVENT_DECLARED_ERRONEOUS: ['erroneousSeqs', 'reason'],
  /** A unit's commissioning, in a unit's proof (docs/ledger-format.md §8): the root its serial is proven under. */
  UNITS_COMMISSIONED: ['commissioningId', 'gtin', 'count', 'serialsRoot'],
};
