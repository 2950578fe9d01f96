import { DomainError } from '../common/domain-error.js';
import { EntryDraft, LedgerEntry, sealEntry } from './ledger-entry.js';

export interface SealedEntry {
  entry: LedgerEntry;
  /** v2: where each payload member ends, as stored (see EntryDraft); null for v1. */
  payloadMemberEnds: number[] | null;
  idempotencyKey: string | null;
  requestHash: string | null;
}

export interface CursorMark {
  seq: number;
  hash: string;
  length: number;
  undo: number;
}

/**
 * The end of the chain while a group is built in memory: numbers, links and hashes drafts, and can
 * take back everything a failed command added. Pure: whoever drives it supplies the batch heads.
 */
export class ChainCursor {
  readonly entries: SealedEntry[] = [];
  /** Hash of each known batch's latest entry; null for a batch with no entry yet. */
  readonly batchHeads = new Map<string, string | null>();
  /** Entries that earlier requests appended under an (actor, idempotency key). */
  readonly priors = new Map<string, { entry: LedgerEntry; requestHash: string }>();
  private readonly undo: (() => unknown)[] = [];

  constructor(
    readonly startSeq: number,
    readonly startHash: string,
    readonly recordedAt: string,
    private seq = startSeq,
    private hash = startHash,
  ) {}

  get endSeq(): number {
    return this.seq;
  }

  get endHash(): string {
    return this.hash;
  }

  knowsBatch(batchId: string): boolean {
    return this.batchHeads.has(batchId);
  }

  /** Seals drafts at the end of the chain; every draft's batch head must be known. */
  seal(actor: string, drafts: EntryDraft[]): LedgerEntry[] {
    return drafts.map((draft) => {
      if (draft.batchId !== null && !this.batchHeads.has(draft.batchId)) throw new Error(`the head of batch ${draft.batchId} was not loaded`);
      const entry = sealEntry(draft, {
        seq: this.seq + 1,
        prevHash: this.hash,
        batchPrevHash: draft.batchId === null ? null : this.batchHeads.get(draft.batchId)!,
        actor,
        recordedAt: this.recordedAt,
      });
      this.seq = entry.seq;
      this.hash = entry.hash;
      if (draft.batchId) this.setUndoable(this.batchHeads, draft.batchId, entry.hash);
      if (draft.idempotencyKey) this.setUndoable(this.priors, priorKey(actor, draft.idempotencyKey), { entry, requestHash: draft.requestHash ?? '' });
      this.entries.push({ entry, payloadMemberEnds: draft.payloadMemberEnds, idempotencyKey: draft.idempotencyKey, requestHash: draft.requestHash });
      return entry;
    });
  }

  /** The entry an earlier request with this key appended; a different request with the key is a CONFLICT. */
  prior(actor: string, key: string, requestHash: string): LedgerEntry | undefined {
    const found = this.priors.get(priorKey(actor, key));
    if (found && found.requestHash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', `idempotencyKey "${key}" was already used for a different request (entry ${found.entry.seq})`);
    }
    return found?.entry;
  }

  /** Where to return to if the command about to run fails. */
  mark(): CursorMark {
    return { seq: this.seq, hash: this.hash, length: this.entries.length, undo: this.undo.length };
  }

  reset(mark: CursorMark): void {
    this.seq = mark.seq;
    this.hash = mark.hash;
    this.entries.length = mark.length;
    while (this.undo.length > mark.undo) this.undo.pop()!();
  }

  private setUndoable<V>(map: Map<string, V>, key: string, value: V): void {
    const had = map.has(key);
    const old = map.get(key);
    map.set(key, value);
    this.undo.push(() => (had ? map.set(key, old as V) : map.delete(key)));
  }
}

export const priorKey = (actor: string, key: string) => `${actor}\u0000${key}`;
