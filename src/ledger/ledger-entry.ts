import { hash, randomBytes } from 'node:crypto';
import { DomainError } from '../common/domain-error.js';
import { canonicalJson, CanonicalJsonError } from './canonical-json.js';
import { entryHash, LedgerEnvelope, LedgerFormatVersion, payloadHash, payloadRootAndEnds, SALT_BYTES } from './ledger-hash.js';

/** A ledger entry as stored and served: the envelope, its hash, and the salted payload. */
export interface LedgerEntry extends LedgerEnvelope {
  hash: string;
  /** hex; null with payload once the payload is erased */
  salt: string | null;
  /** the canonical JSON text exactly as hashed */
  payload: string | null;
}

/** What a command asks the writer to append; position and chain links come from the writer. */
export interface EntryDraft<T extends string = string> {
  /** The entry's format version: 1 hashes the payload whole, 2 member by member (docs/ledger-format.md). */
  v: LedgerFormatVersion;
  type: T;
  batchId: string | null;
  canonicalPayload: string;
  salt: Buffer;
  payloadHash: string;
  /** v2: where each payload member ends (ledger-hash.ts payloadMemberEnds), stored for the SQL check; null for v1. */
  payloadMemberEnds: number[] | null;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export interface DraftOptions {
  idempotencyKey?: string | null;
  requestHash?: string | null;
  /** SALT_BYTES random bytes, when the caller drew salts for many drafts at once (see randomSalts). */
  salt?: Buffer;
  /** The format to write; DRAFT_FORMAT_VERSION unless a test asks for another. */
  version?: LedgerFormatVersion;
}

/** The format new entries are written in: v2, so the service can disclose a payload's public members (docs/ledger-format.md). */
export const DRAFT_FORMAT_VERSION: LedgerFormatVersion = 2;

/**
 * Canonicalizes and salts a payload once, before the chain head is locked: only the envelope
 * hash depends on the entry's position. A payload JSON cannot carry exactly is refused here.
 * Untyped, for tests and benchmarks of the writer; the service drafts through newEntry
 * (entry-types.ts), which checks the type and payload against the ledger's vocabulary.
 */
export function draftEntry<T extends string>(type: T, batchId: string | null, payload: object, options: DraftOptions = {}): EntryDraft<T> {
  const canonicalPayload = canonicalInput(payload);
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const v = options.version ?? DRAFT_FORMAT_VERSION;
  // The canonical text of an object, so a v2 payload unless a top-level name is not an identifier (no payload of entry-types.ts).
  const v2 = v === 2 ? payloadRootAndEnds(salt, canonicalPayload) : null;
  return {
    v,
    type,
    batchId,
    canonicalPayload,
    salt,
    payloadHash: v2 ? v2.payloadHash : payloadHash(salt, canonicalPayload),
    payloadMemberEnds: v2 ? v2.memberEnds : null,
    idempotencyKey: options.idempotencyKey ?? null,
    requestHash: options.requestHash ?? null,
  };
}

/** Numbers a draft at its place in the chain. */
export function sealEntry(
  draft: EntryDraft,
  place: { seq: number; prevHash: string; batchPrevHash: string | null; actor: string; recordedAt: string },
): LedgerEntry {
  // One object, its hash filled in once known: sealing runs under the writer's lock, once per entry.
  const entry: LedgerEntry = {
    v: draft.v,
    seq: place.seq,
    prevHash: place.prevHash,
    type: draft.type,
    batchId: draft.batchId,
    batchPrevHash: draft.batchId === null ? null : place.batchPrevHash,
    actor: place.actor,
    recordedAt: place.recordedAt,
    payloadHash: draft.payloadHash,
    hash: '',
    salt: draft.salt.toString('hex'),
    payload: draft.canonicalPayload,
  };
  entry.hash = entryHash(entry);
  return entry;
}

/** Fingerprint of a request, so an idempotency key reused for a different request is refused. */
export function requestFingerprint(operation: string, input: Record<string, unknown>): string {
  const { idempotencyKey: _ignored, ...rest } = input;
  return hash('sha256', `${operation}\n${canonicalInput(rest)}`, 'hex');
}

/** `count` fresh salts from one draw of random bytes: one call for a request's drafts instead of one each. */
export function randomSalts(count: number): Buffer[] {
  const bytes = randomBytes(count * SALT_BYTES);
  return Array.from({ length: count }, (_, i) => bytes.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES));
}

/** Canonical JSON of client input; what JSON cannot carry exactly (a lone surrogate, …) is the client's error. */
function canonicalInput(value: object): string {
  try {
    return canonicalJson(value, 'input');
  } catch (err) {
    if (err instanceof CanonicalJsonError) throw new DomainError('INVALID_JSON', err.message);
    throw err;
  }
}
