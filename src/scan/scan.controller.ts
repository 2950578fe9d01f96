import { Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Authorize } from '../auth/authorize.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { SCAN_PAGE_POLICY, ContentSecurityPolicy, STATIC_PAGE_POLICY } from '../common/security-headers.js';
import type { Lang } from './batch-page.js';
import type { LabelLink } from './labels.js';
import { type LabelFile, labelPrinter, LabelsService } from './labels.service.js';
import type { ProofCursor, ProofPage } from './proof-bundle.js';
import type { PageProof } from './page-proof.js';
import { PageProofService } from './page-proof.service.js';
import { ProofBundleService } from './proof-bundle.service.js';
import { ScanCount, ScanCountsService } from './scan-counts.service.js';
import { BatchPageAnswer, ScanPageService } from './scan-page.service.js';
import {
  type EventsPageQuery,
  EventsPagePipe,
  LabelFilePipe,
  LabelLinkPipe,
  PageLanguage,
  ProofCursorPipe,
  type ScanPost,
  ScanPostFrom,
  TraceCodeListPipe,
} from './scan.params.js';

@Controller()
export class ScanController {
  constructor(
    private readonly pages: ScanPageService,
    private readonly proofs: ProofBundleService,
    private readonly pageProofs: PageProofService,
    private readonly labels: LabelsService,
    private readonly counts: ScanCountsService,
  ) {}

  /**
   * A printable A4 PDF of labels (code, product and lot under each) for up to 120 of your batches, each encoding what
   * its single label would (`link` as there). Label-Link-Fallback names the GTIN products' labels that carry the page URL.
   */
  @Get('labels/sheet.pdf')
  @Authorize(labelPrinter)
  async sheet(
    @CurrentCaller() caller: Caller,
    @Query('traceCodes', TraceCodeListPipe) codes: string[],
    @Query('link', LabelLinkPipe) link: LabelLink,
    @Res() res: Response,
  ): Promise<void> {
    const sheet = await this.labels.sheet(caller, codes, link);
    res.setHeader('cache-control', 'private, no-cache');
    if (sheet.fallbacks.length > 0) {
      res.setHeader('label-link-fallback', `the lot codes of ${sheet.fallbacks.join(', ')} are not GS1 AI (10) lots: their labels carry the page URL`);
    }
    res.type('application/pdf').send(sheet.pdf);
  }

  /**
   * The batch's QR label, for its producer or custodian: PNG (600 px, for print) or SVG. It encodes the lot's GS1
   * Digital Link URI when the product has a GTIN, else the page URL; `?link=page` or `?link=digital` asks for one.
   * Label-Link says which it carries, and Label-Link-Fallback why a GTIN product's label carries the page URL.
   */
  @Get('labels/:file')
  async label(
    @CurrentCaller() caller: Caller,
    @Param('file', LabelFilePipe) file: LabelFile,
    @Query('link', LabelLinkPipe) link: LabelLink,
    @Res() res: Response,
  ): Promise<void> {
    const label = await this.labels.label(caller, file, link);
    res.setHeader('cache-control', 'private, max-age=3600');
    res.setHeader('label-link', label.target.link);
    if (label.target.fallback) res.setHeader('label-link-fallback', label.target.fallback);
    res.type(label.format === 'png' ? 'image/png' : 'image/svg+xml').send(label.image);
  }

  /** The page a consumer's phone opens from the label: server-rendered, Chinese unless ?lang=en or the browser prefers English. */
  @Get('q/:code')
  @ContentSecurityPolicy(SCAN_PAGE_POLICY)
  async page(
    @Param('code') code: string,
    @PageLanguage() lang: Lang,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    sendPage(res, await this.pages.page(code, lang, ifNoneMatch));
  }

  /** Every event of the lot's story, a page at a time (the batch page shows its key steps and links here). */
  @Get('q/:code/events')
  @ContentSecurityPolicy(STATIC_PAGE_POLICY)
  async events(
    @Param('code') code: string,
    @Query(EventsPagePipe) { page }: EventsPageQuery,
    @PageLanguage() lang: Lang,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    sendPage(res, await this.pages.eventsPage(code, page, lang, ifNoneMatch));
  }

  /**
   * What the page's script checks and builds the page's verified facts from: the entries the page shows,
   * with what they disclose, each proven in the newest signed checkpoint; under 64 KB however long the story.
   */
  @Get('q/:code/proof.json')
  async proof(@Param('code') code: string, @Res() res: Response): Promise<void> {
    const proof: PageProof = await this.pageProofs.proof(code);
    res.setHeader('cache-control', 'no-cache');
    res.json(proof);
  }

  /**
   * The batch's whole chain, a page at a time, for "check every entry": the batch's envelopes, oldest first;
   * the first page also has a checkpoint covering the newest and its inclusion proof; each names the next.
   */
  @Get('q/:code/chain.json')
  async chain(@Param('code') code: string, @Query(ProofCursorPipe) cursor: ProofCursor | null, @Res() res: Response): Promise<void> {
    const page: ProofPage = cursor ? await this.proofs.nextPage(code, cursor) : await this.proofs.firstPage(code);
    res.setHeader('cache-control', 'no-cache');
    res.json(page);
  }

  /**
   * The page's script counts a scan here when the page is opened (so the page itself stays cacheable):
   * only with the page's token and not from another site, once per client and day, nothing about who
   * scanned kept. Says when the count is past what the batch makes plausible.
   */
  @Post('q/:code/scans')
  @HttpCode(200)
  countScan(@Param('code') code: string, @ScanPostFrom() post: ScanPost): Promise<ScanCount> {
    return this.counts.count(code, post);
  }
}

/** An HTML answer with its ETag (revalidated on every use), or 304. */
function sendPage(res: Response, answer: BatchPageAnswer): void {
  res.setHeader('vary', 'accept-language');
  if (answer.etag) {
    res.setHeader('etag', answer.etag);
    res.setHeader('cache-control', 'no-cache');
  }
  if (answer.status === 304) res.status(304).end();
  else res.status(answer.status).type('html').send(answer.html);
}
