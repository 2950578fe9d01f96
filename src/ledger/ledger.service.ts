import { Inject, Injectable } from '@nestjs/common';
import { Caller, requireAdminOr } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ChainVerifier, validResult, VerificationResult, verifyBatchEntries } from './chain-verifier.js';
import { LedgerEntry } from './ledger-entry.js';
import { LedgerRepository } from './ledger.repository.js';
import { verifierKey } from './signing-key.js';

export const MAX_ENTRIES_PAGE = 1000;
const VERIFY_PAGE = 5000;

@Injectable()
export class LedgerService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: LedgerRepository,
  ) {}

  get origin(): string {
    return this.config.ledgerOrigin;
  }

  async info(): Promise<{ origin: string; verifierKey: string; size: number }> {
    const { size } = await this.ledger.head();
    const origin = this.config.ledgerOrigin;
    return { origin, verifierKey: verifierKey(origin, this.config.ledgerSigningKey.publicKeyRaw), size };
  }

  async entries(caller: Caller, afterSeq = 0, first = 100): Promise<LedgerEntry[]> {
    requireAdminOr(caller, ['REGULATOR'], 'reading the whole ledger');
    if (!Number.isInteger(afterSeq) || afterSeq < 0) throw new DomainError('INVALID_RANGE', `afterSeq must be 0 or more, got ${afterSeq}`);
    if (!Number.isInteger(first) || first < 1 || first > MAX_ENTRIES_PAGE) {
      throw new DomainError('INVALID_RANGE', `first must be from 1 to ${MAX_ENTRIES_PAGE}, got ${first}`);
    }
    return this.ledger.findRange(afterSeq, Number.MAX_SAFE_INTEGER, first);
  }

  /**
   * Recomputes every hash of entries fromSeq..toSeq from the stored columns and checks every link.
   * `reachesHead`: the range ends at the head, so the projection tables (which show the head) may be
   * audited against it (Verification.projections, src/audit).
   */
  async verifyLedger(
    caller: Caller,
    fromSeq?: number | null,
    toSeq?: number | null,
  ): Promise<VerificationResult & { reachesHead: boolean; fromSeq: number; toSeq: number }> {
    requireAdminOr(caller, ['REGULATOR'], 'verifying the whole ledger');
    const { size } = await this.ledger.head();
    const from = fromSeq ?? 1;
    const to = toSeq ?? size;
    if (from < 1) throw new DomainError('INVALID_RANGE', `fromSeq must be 1 or more, got ${from}`);
    if (to > size) throw new DomainError('INVALID_RANGE', `toSeq ${to} is beyond the ledger's size ${size}`);
    const emptyLedgerByDefault = size === 0 && fromSeq == null && toSeq == null;
    if (from > to && !emptyLedgerByDefault) throw new DomainError('INVALID_RANGE', `fromSeq ${from} is after toSeq ${to}`);

    return { ...(await this.verifyChain(from, to)), reachesHead: to === size, fromSeq: from, toSeq: to };
  }

  private async verifyChain(from: number, to: number): Promise<VerificationResult> {
    // PostgreSQL recomputes every hash and link first (fast, in parallel); the verifier in Node then
    // checks from just before the first suspect entry, so the answer names the exact problem.
    const suspect = from <= to ? await this.ledger.firstSuspectSeq(from, to) : null;
    if (suspect === null) return validResult(Math.max(0, to - from + 1));
    const start = Math.max(from, suspect - 1);
    const result = await this.verifyInNode(start, to);
    return { ...result, checkedEntries: start - from + result.checkedEntries };
  }

  /** The verifier in Node, entry by entry, for fromSeq..toSeq: what the SQL pass is checked against. */
  async verifyInNode(from: number, to: number): Promise<VerificationResult> {
    const previous = from > 1 ? await this.ledger.findBySeq(from - 1) : null;
    const verifier = new ChainVerifier({ fromSeq: from, previousHash: previous?.hash ?? null });
    for (let after = from - 1; after < to; after += VERIFY_PAGE) {
      const page = await this.ledger.findRange(after, to, VERIFY_PAGE);
      await this.seedBatchLinks(verifier, page, from);
      for (const entry of page) if (!verifier.check(entry)) return verifier.finish(to);
    }
    return verifier.finish(to);
  }

  async verifyBatch(batchId: string): Promise<VerificationResult> {
    return this.batchVerdict(batchId, await this.ledger.batchLooksIntact(batchId));
  }

  /**
   * The verdict on a batch from PostgreSQL's check of it (`batchIntactSql`, run on its own or within
   * another statement): valid when it passed, without shipping the payloads; else the verifier in Node
   * over the batch's entries, which names the first bad entry and why.
   */
  async batchVerdict(batchId: string, check: { entries: number; intact: boolean }): Promise<VerificationResult> {
    if (check.intact) return validResult(check.entries);
    const entries = await this.ledger.findByBatchWithPrevious(batchId);
    if (entries.length === 0) throw new DomainError('BATCH_NOT_FOUND', `no batch has id ${batchId}`);
    return verifyBatchEntries(entries);
  }

  /** A range that starts past entry 1 links its batches to their entries before the range. */
  private async seedBatchLinks(verifier: ChainVerifier, page: LedgerEntry[], from: number): Promise<void> {
    if (from === 1) return;
    const unseen = [...new Set(page.flatMap((e) => (e.batchId && !verifier.knowsBatch(e.batchId) ? [e.batchId] : [])))];
    if (unseen.length === 0) return;
    const heads = await this.ledger.batchHeadsBefore(unseen, from);
    for (const id of unseen) verifier.seedBatchHead(id, heads.get(id) ?? null);
  }
}
