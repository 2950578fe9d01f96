import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { coldChainStatus, ColdChainStatus } from '../batches/cold-chain-status.js';
import { TRACE_CODE_PATTERN } from '../batches/trace-code.js';
import { VerificationResult } from '../ledger/chain-verifier.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { LedgerChanges } from '../ledger/ledger-changes.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { BatchViewCache } from './batch-view-cache.js';
import { DomainError } from '../common/domain-error.js';
import { PageExtras, PublicEvent, ScannedBatch, ScannedPage, ScanRepository } from './scan.repository.js';
import { pageWithinHead, timelineCursorSeq, timelinePageSize } from './timeline-page.js';

export interface ScanView extends Omit<ScannedBatch, 'id' | 'storage' | 'gtin' | 'readingCount' | 'excursionCount' | 'latestEntryHash'> {
  /** Not shown: what the timeline's later pages are read by. */
  batchId: string;
  coldChainStatus: ColdChainStatus;
  /** The story's first events (at most TIMELINE_HEAD): the default page needs no query, and a cached view stays small whatever the history. */
  timelineHead: PublicEvent[];
  /** Events in the whole story (the lot's and the batches' it was made from). */
  timelineTotal: number;
  verification: VerificationResult;
}

/** The batch page's view: the public facts, the key steps of its story (not all of it), and the verdicts. */
export interface PageView extends Omit<ScanView, 'batchId' | 'timelineHead' | 'timelineTotal'> {
  keySteps: PublicEvent[];
  /** How many events of each step the story has, most first. */
  stepCounts: ScannedPage['stepCounts'];
  /** Events in the whole story (the lot's and the batches' it was made from). */
  eventCount: number;
  inspections: ScannedPage['inspections'];
  sources: ScannedPage['sources'];
  directSourceCount: number;
}

/** A batch found by its trace code, and what its page shows. */
export interface ScannedPageView {
  batch: ScannedBatch;
  view: PageView;
  /** The batches the view was read from (the lot and every batch it was made from): what a change to invalidates it. */
  lineage: readonly string[];
}

/** Trace codes are printed in capitals from an alphabet without look-alikes; people type them any way. */
export function normalizeTraceCode(code: string): string | null {
  const normalized = code.trim().toUpperCase();
  return TRACE_CODE_PATTERN.test(normalized) ? normalized : null;
}

/** A batch found by its trace code, and what its label shows. */
export interface ScannedView {
  batch: ScannedBatch;
  view: ScanView;
}

/**
 * A view stays at most this long even when the ledger has not touched it, so that a change made
 * around the service (an administrator editing a table, or a ledger entry after the point its lot's
 * chain was checked through: scan.repository.ts, lotStory) shows within a minute.
 */
const VIEW_MAX_AGE_MS = 60_000;

/**
 * What a consumer sees after scanning a label: public facts only, and the ledger's verdict on them.
 *
 * A label is scanned far more often than its batch changes, so views are cached per trace code until
 * the ledger touches the batch or any batch it was made from (PostgreSQL notifies every append, from
 * any process, as it commits). While those notices are not arriving, nothing is cached.
 */
@Injectable()
export class ScanService implements OnModuleDestroy {
  private readonly cache: BatchViewCache<ScannedView>;
  private readonly pageCache: BatchViewCache<ScannedPageView>;
  /** The page's certificates and chart, per batch id: they change only with the batch's own entries (or a product's certificate, which touches all). */
  private readonly extrasCache: BatchViewCache<PageExtras>;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly scans: ScanRepository,
    private readonly ledger: LedgerService,
    private readonly changes: LedgerChanges,
  ) {
    // Weighed in rows held (events, readings, certificates), which is what their memory grows with.
    const live = () => changes.live;
    this.cache = new BatchViewCache<ScannedView>(config.scanCacheRows, VIEW_MAX_AGE_MS, live, (found) => 1 + found.view.timelineHead.length);
    this.pageCache = new BatchViewCache<ScannedPageView>(
      config.scanCacheRows,
      VIEW_MAX_AGE_MS,
      live,
      (found) => 1 + found.view.keySteps.length + found.view.sources.length,
    );
    this.extrasCache = new BatchViewCache<PageExtras>(
      config.scanCacheRows,
      VIEW_MAX_AGE_MS,
      live,
      (x) => 1 + x.readings.length + x.certificates.length + x.excursions.length,
    );
    this.unsubscribe = changes.subscribe((touched) => {
      this.cache.invalidate(touched);
      this.pageCache.invalidate(touched);
      this.extrasCache.invalidate(touched);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async scan(code: string): Promise<ScanView | null> {
    const traceCode = normalizeTraceCode(code);
    return traceCode ? ((await this.lookup(traceCode))?.view ?? null) : null;
  }

  /** The batch with this (normalized) trace code and its public view, or null when no batch has it. */
  lookup(traceCode: string): Promise<ScannedView | null> {
    return this.cache.through(traceCode, () =>
      this.changes.afterChangesHeard(async () => {
        const read = await this.scans.scan(traceCode);
        if (!read) return null;
        const { batch, head, eventCount, lineage } = read;
        const verification = await this.ledger.batchVerdict(batch.id, read);
        const { id, storage, gtin: _gtin, readingCount, excursionCount, latestEntryHash: _latest, ...facts } = batch;
        const coldChain = coldChainStatus(storage, { count: readingCount, excursions: excursionCount });
        const view = { ...facts, batchId: id, coldChainStatus: coldChain, timelineHead: head, timelineTotal: eventCount, verification };
        return { value: { batch, view }, dependsOn: lineage };
      }),
    );
  }

  /**
   * A page of a scanned lot's story, in time order: `first` events (TIMELINE_DEFAULT_PAGE when absent, at
   * most TIMELINE_MAX_PAGE) after the event whose cursor is `after`. From the cached head when it holds
   * the page, else one bounded query: a lot's whole story is never held at once.
   */
  async timeline(view: ScanView, first: number | null | undefined, after: string | null | undefined): Promise<PublicEvent[]> {
    const size = timelinePageSize(first);
    const afterSeq = after === null || after === undefined ? null : timelineCursorSeq(after);
    const page =
      pageWithinHead(view.timelineHead, view.timelineTotal, size, afterSeq) ??
      (await this.asNewAsViews(() => this.scans.timelinePage(view.batchId, afterSeq, size)));
    if (!page) throw new DomainError('INVALID_INPUT', 'after must be the cursor of an event of this timeline, as a previous page gave it');
    return page;
  }

  /**
   * Runs `work` with its reads on a server at least as new as the views served (with replicas: one that
   * has replayed every change heard): what pages through a view, or proves it, must find what the view
   * named (its cursors, its steps), not an older story.
   */
  asNewAsViews<T>(work: () => Promise<T>): Promise<T> {
    return this.changes.afterChangesHeard(work);
  }

  /** The batch with this (normalized) trace code and its page's view, or null when no batch has it. */
  pageView(traceCode: string): Promise<ScannedPageView | null> {
    return this.pageCache.through(traceCode, () =>
      this.changes.afterChangesHeard(async () => {
        const read = await this.scans.pageView(traceCode);
        if (!read) return null;
        const { batch, keySteps, eventCount, stepCounts, inspections, sources, directSourceCount, lineage } = read;
        const verification = await this.ledger.batchVerdict(batch.id, read);
        const { id: _id, storage, gtin: _gtin, readingCount, excursionCount, latestEntryHash: _latest, ...facts } = batch;
        const coldChain = coldChainStatus(storage, { count: readingCount, excursions: excursionCount });
        const view = { ...facts, coldChainStatus: coldChain, keySteps, eventCount, stepCounts, inspections, sources, directSourceCount, verification };
        return { value: { batch, view, lineage }, dependsOn: lineage };
      }),
    );
  }

  /** The batch a trace code (as typed) names; BATCH_NOT_FOUND when none does. */
  async findBatch(code: string): Promise<ScannedBatch> {
    const traceCode = normalizeTraceCode(code);
    const batch = traceCode ? await this.scans.findByTraceCode(traceCode) : null;
    if (!batch) throw new DomainError('BATCH_NOT_FOUND', `no batch has trace code ${code}`);
    return batch;
  }

  /** What the batch's page shows beyond its view. */
  async pageExtras(batch: ScannedBatch): Promise<PageExtras> {
    const extras = await this.extrasCache.through(batch.id, () =>
      this.changes.afterChangesHeard(async () => ({ value: await this.scans.pageExtras(batch.id), dependsOn: [batch.id] })),
    );
    return extras!;
  }
}
