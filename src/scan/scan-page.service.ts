import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { giStanding } from '../certificates/certificate-rules.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { LedgerChanges } from '../ledger/ledger-changes.js';
import { BatchViewCache } from './batch-view-cache.js';
import { EVENTS_PER_PAGE, Lang, renderBatchPage, renderEventsPage } from './batch-page.js';
import { messagePage } from './pages.js';
import type { Markup } from '../common/html.js';
import { ScanCountsService } from './scan-counts.service.js';
import { scanDay } from './scan-token.js';
import { ScanRepository } from './scan.repository.js';
import { normalizeTraceCode, ScannedPageView, ScanService } from './scan.service.js';

/** Bumped when the page's layout changes, so cached copies are not kept past a release. */
const PAGE_VERSION = 5;
/** A rendered page is kept at most this long (as the views it is made from), so a certificate that lapses shows within a minute. */
const HTML_MAX_AGE_MS = 60_000;

/** An HTML answer: the page and its status. */
export interface HtmlAnswer {
  status: 200 | 400 | 404;
  html: string;
}

/** A serialized unit's own section on its lot's page, and what names it in the page's cache and ETag (its GTIN, serial and facts). */
export interface UnitSection {
  key: string;
  section: Markup;
}

/** The batch page, or what to answer instead: 304 when the client's copy is current, 404 with a page that says so. */
export type BatchPageAnswer = (HtmlAnswer & { etag?: string }) | { status: 304; etag: string };

/** What a phone gets from a label: the batch page, the GS1 Digital Link that leads to it, and the scan count its script posts. */
@Injectable()
export class ScanPageService implements OnModuleDestroy {
  /**
   * Rendered pages by trace code and ETag (the batch's newest entry, the language, the day), kept as the
   * views are: until the ledger touches a batch the page was read from, for at most a minute, from the
   * second render on. A label scanned a thousand times a minute is rendered once. Weighed in KiB.
   */
  private readonly rendered: BatchViewCache<string>;
  private readonly unsubscribe: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scans: ScanRepository,
    private readonly scanService: ScanService,
    private readonly counts: ScanCountsService,
    changes: LedgerChanges,
  ) {
    this.rendered = new BatchViewCache<string>(
      config.scanCacheRows,
      HTML_MAX_AGE_MS,
      () => changes.live,
      (html) => 1 + (html.length >> 10),
    );
    this.unsubscribe = changes.subscribe((touched) => this.rendered.invalidate(touched));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  /**
   * The batch's page in `lang`: a summary of bounded size, however long the lot's story. Its ETag is
   * the batch's newest ledger entry and the day (the page carries the day's scan token), so an
   * unchanged batch is answered with 304 and never re-rendered.
   */
  async page(code: string, lang: Lang, ifNoneMatch: string | undefined, at = new Date(), unit?: UnitSection): Promise<BatchPageAnswer> {
    const traceCode = normalizeTraceCode(code);
    // Before the view is read: a change that overtakes the view also keeps its page from being kept.
    const mark = this.rendered.mark();
    const found = traceCode ? await this.scanService.pageView(traceCode) : null;
    if (!found) return { status: 404, html: codeNotFound(code) };
    const etag = pageTag(`${found.batch.latestEntryHash}|${lang}|${scanDay(at)}|${PAGE_VERSION}${unit ? `|unit ${unit.key}` : ''}`);
    if (ifNoneMatch === etag) return { status: 304, etag };
    const html = await this.rendered.through(
      `${found.batch.traceCode}|${etag}`,
      async () => ({
        value: await this.render(found, lang, this.counts.tokenFor(found.batch.traceCode, at), unit?.section),
        dependsOn: found.lineage,
      }),
      mark,
    );
    return { status: 200, etag, html: html! };
  }

  /** One page of every event of the lot's story (EVENTS_PER_PAGE each, oldest first), for the page's "every event" links. */
  async eventsPage(code: string, page: number, lang: Lang, ifNoneMatch: string | undefined): Promise<BatchPageAnswer> {
    const traceCode = normalizeTraceCode(code);
    const batch = traceCode ? await this.scans.findByTraceCode(traceCode) : null;
    if (!batch) return { status: 404, html: codeNotFound(code) };
    const etag = pageTag(`${batch.latestEntryHash}|${lang}|events ${page}|${PAGE_VERSION}`);
    if (ifNoneMatch === etag) return { status: 304, etag };
    const { total, events } = await this.scanService.asNewAsViews(() => this.scans.eventsPage(batch.id, (page - 1) * EVENTS_PER_PAGE, EVENTS_PER_PAGE));
    if (events.length === 0 && page > 1) {
      const pages = Math.max(1, Math.ceil(total / EVENTS_PER_PAGE));
      const html = messagePage('没有这一页 / No such page', `该批次的记录共 ${pages} 页。`, `This lot's events fill ${pages} page(s).`);
      return { status: 404, html };
    }
    return { status: 200, etag, html: renderEventsPage(batch, { number: page, total, events }, lang) };
  }

  private async render({ batch, view }: ScannedPageView, lang: Lang, scanToken: string, unitSection?: Markup): Promise<string> {
    const extras = await this.scanService.pageExtras(batch);
    const chilled = batch.storage !== 'AMBIENT';
    return renderBatchPage(
      view,
      {
        certificates: extras.certificates,
        giStanding: giStanding(batch.geographicIndication, extras.certificates, new Date()),
        chart: chilled
          ? {
              readings: extras.readings,
              minTempC: extras.minTempC,
              maxTempC: extras.maxTempC,
              excursions: extras.excursions.map((x) => ({ ...x, start: new Date(x.start), end: new Date(x.end) })),
            }
          : null,
      },
      lang,
      this.config.publicBaseUrl,
      scanToken,
      unitSection,
    );
  }
}

function codeNotFound(code: string): string {
  return messagePage(
    '未找到该追溯码 / Code not found',
    `没有追溯码为“${code}”的产品。请核对标签上的字符。`,
    `No product has the trace code "${code}". Please check the characters on the label.`,
  );
}

function pageTag(text: string): string {
  return `"${createHash('sha256').update(text).digest('base64url').slice(0, 22)}"`;
}
