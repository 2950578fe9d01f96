import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { isPlainText } from '../common/plain-text.js';
import { singleQueryParam } from '../common/query-param.js';
import { MAX_LOT_CODE_LENGTH } from '../batches/lot-code.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { normalizeGtin } from '../products/gtin.js';
import { digitalLinkUrl, labelPng, labelSvg, pageUrl } from './labels.js';
import { labelSheetPdf } from './label-sheet.js';
import { ScanRepository } from './scan.repository.js';
import { normalizeTraceCode, ScanService } from './scan.service.js';
import { Lang, renderBatchPage } from './batch-page.js';
import { giVerified } from '../certificates/certificate-rules.js';
import { BatchesRepository } from '../batches/batches.repository.js';
import { messagePage } from './pages.js';
import { envelopesOf, ProofBundle } from './proof-bundle.js';
import { plausibleScans } from './scan-plausibility.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { ProofsService } from '../ledger/proofs.service.js';

@Controller()
export class ScanController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scans: ScanRepository,
    private readonly batches: BatchesRepository,
    private readonly scanService: ScanService,
    private readonly ledger: LedgerRepository,
    private readonly ledgerService: LedgerService,
    private readonly proofs: ProofsService,
  ) {}

  /** A printable A4 PDF of labels (code, product and lot under each) for up to 120 of your batches. */
  @Get('labels/sheet.pdf')
  async sheet(@CurrentCaller() caller: Caller, @Query('traceCodes') list: string | undefined, @Res() res: Response): Promise<void> {
    if (caller.kind !== 'organization')
      throw new DomainError('AUTHENTICATION_REQUIRED', "labels are printed by the batch's producer or custodian, with its API key");
    const codes = (singleQueryParam(list, 'traceCodes') ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (codes.length === 0 || codes.length > 120)
      throw new DomainError('INVALID_INPUT', `traceCodes takes 1 to 120 trace codes separated by commas, got ${codes.length}`);
    const labels = [];
    for (const code of codes) {
      const traceCode = normalizeTraceCode(code);
      const scanned = traceCode ? await this.scans.findByTraceCode(traceCode) : null;
      const batch = scanned && (await this.batches.findById(scanned.id));
      if (!scanned || !batch) throw new DomainError('BATCH_NOT_FOUND', `no batch has trace code ${code}`);
      if (batch.producerId !== caller.organizationId && batch.custodianId !== caller.organizationId) {
        throw new DomainError('NOT_OWNER', `batch ${scanned.traceCode} is neither produced nor held by your organization`);
      }
      labels.push({
        url: pageUrl(this.config.publicBaseUrl, scanned.traceCode),
        lines: [scanned.traceCode, scanned.productName, `批号 Lot ${scanned.lotCode}`],
      });
    }
    res.setHeader('cache-control', 'private, no-cache');
    res.type('application/pdf').send(labelSheetPdf(labels));
  }

  /**
   * The batch's QR label, for its producer or custodian: PNG (600 px, for print) or SVG. With
   * `?link=digital` and a product GTIN, the label carries the GS1 Digital Link URI instead.
   */
  @Get('labels/:file')
  async label(@CurrentCaller() caller: Caller, @Param('file') file: string, @Res() res: Response, @Query('link') link?: string): Promise<void> {
    const match = /^(.+)\.(png|svg)$/.exec(file);
    const traceCode = match ? normalizeTraceCode(match[1]) : null;
    if (!match || !traceCode) throw new DomainError('INVALID_INPUT', 'a label is /labels/<trace code>.png or .svg');
    if (caller.kind !== 'organization')
      throw new DomainError('AUTHENTICATION_REQUIRED', "labels are printed by the batch's producer or custodian, with its API key");
    const scanned = await this.scans.findByTraceCode(traceCode);
    const batch = scanned && (await this.batches.findById(scanned.id));
    if (!scanned || !batch) throw new DomainError('BATCH_NOT_FOUND', `no batch has trace code ${traceCode}`);
    if (batch.producerId !== caller.organizationId && batch.custodianId !== caller.organizationId) {
      throw new DomainError('NOT_OWNER', `batch ${traceCode} is neither produced nor held by your organization`);
    }
    let content = pageUrl(this.config.publicBaseUrl, traceCode);
    if (link === 'digital') {
      if (!scanned.gtin) throw new DomainError('INVALID_INPUT', `the product of batch ${traceCode} has no GTIN, so it has no GS1 Digital Link`);
      content = digitalLinkUrl(this.config.publicBaseUrl, scanned.gtin, scanned.lotCode);
    } else if (link !== undefined) {
      throw new DomainError('INVALID_INPUT', 'link must be "digital" (or left out for the page URL)');
    }
    res.setHeader('cache-control', 'private, max-age=3600');
    if (match[2] === 'png') res.type('image/png').send(await labelPng(content));
    else res.type('image/svg+xml').send(await labelSvg(content));
  }

  /**
   * The page a consumer's phone opens from the label: server-rendered, Chinese unless ?lang=en or the
   * browser prefers English. Its ETag is the batch's newest ledger entry, so an unchanged batch is
   * answered with 304 and never re-rendered.
   */
  @Get('q/:code')
  async page(
    @Param('code') code: string,
    @Query('lang') langParam: string | undefined,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const lang = chooseLanguage(langParam, acceptLanguage);
    res.setHeader(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('vary', 'accept-language');
    const traceCode = normalizeTraceCode(code);
    const found = traceCode ? await this.scanService.lookup(traceCode) : null;
    if (!found) {
      const [title, zh, en] = [
        '未找到该追溯码 / Code not found',
        `没有追溯码为“${code}”的产品。请核对标签上的字符。`,
        `No product has the trace code "${code}". Please check the characters on the label.`,
      ];
      res
        .status(404)
        .type('html')
        .send(messagePage(title, zh, en));
      return;
    }
    const { batch, view } = found;
    const etag = `"${createHash('sha256').update(`${batch.latestEntryHash}|${lang}|${PAGE_VERSION}`).digest('base64url').slice(0, 22)}"`;
    res.setHeader('etag', etag);
    res.setHeader('cache-control', 'no-cache');
    if (ifNoneMatch === etag) {
      res.status(304).end();
      return;
    }
    const extras = await this.scanService.pageExtras(batch);
    const chilled = batch.storage !== 'AMBIENT';
    const html = renderBatchPage(
      view,
      {
        certificates: extras.certificates,
        giVerified: giVerified(batch.geographicIndication, extras.certificates, new Date()),
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
    );
    res.status(200).type('html').send(html);
  }

  /** What the page's script checks: the batch's envelopes, a checkpoint covering them, and the newest one's inclusion proof. */
  @Get('q/:code/proof.json')
  async proof(@Param('code') code: string, @Res() res: Response): Promise<void> {
    const traceCode = normalizeTraceCode(code);
    const batch = traceCode ? await this.scans.findByTraceCode(traceCode) : null;
    if (!batch) throw new DomainError('BATCH_NOT_FOUND', `no batch has trace code ${code}`);
    const entries = await this.ledger.findByBatch(batch.id);
    const newest = entries[entries.length - 1];
    const checkpoint = await this.proofs.checkpointCovering(newest.seq);
    const inclusion = await this.proofs.inclusionProof(newest.seq, checkpoint.treeSize);
    const info = await this.ledgerService.info();
    const bundle: ProofBundle = {
      origin: info.origin,
      verifierKey: info.verifierKey,
      signedNote: checkpoint.signedNote,
      entries: envelopesOf(entries),
      inclusion: { leafIndex: inclusion.leafIndex, treeSize: inclusion.treeSize, hashes: inclusion.hashes },
    };
    res.setHeader('cache-control', 'no-cache');
    res.json(bundle);
  }

  /**
   * The page's script counts a scan here when the page is opened (so the page itself stays cacheable):
   * a per-day count, nothing about who scanned. Says when the count is past what the batch makes plausible.
   */
  @Post('q/:code/scans')
  @HttpCode(200)
  async countScan(@Param('code') code: string): Promise<{ scans: number; since: string; plausible: boolean }> {
    const traceCode = normalizeTraceCode(code);
    const batch = traceCode ? await this.scans.findByTraceCode(traceCode) : null;
    if (!batch) throw new DomainError('BATCH_NOT_FOUND', `no batch has trace code ${code}`);
    const counted = await this.scans.countScan(batch.id);
    const ceiling = plausibleScans(counted.quantity, counted.unit);
    return { scans: counted.total, since: counted.firstDay, plausible: ceiling === null || counted.total <= ceiling };
  }

  /** GS1 Digital Link: /01/<GTIN>/10/<lot>[/21/<serial>] resolves to the batch's page. */
  @Get(['01/:gtin/10/:lot', '01/:gtin/10/:lot/21/:serial'])
  async resolve(@Param('gtin') gtin: string, @Param('lot') lot: string, @Res() res: Response): Promise<void> {
    const gtin14 = normalizeGtin(gtin);
    if (!gtin14) {
      res
        .status(400)
        .type('html')
        .send(
          messagePage(
            'GTIN 无效 / Invalid GTIN',
            `“${gtin}” 不是有效的 GTIN（校验位错误或位数不对）。`,
            `"${gtin}" is not a valid GTIN (wrong length or check digit).`,
          ),
        );
      return;
    }
    // No lot code holds control characters; PostgreSQL could not even compare one with a NUL.
    const batch = isPlainText(lot, 1, MAX_LOT_CODE_LENGTH) ? await this.scans.findByGtinAndLot(gtin14, lot) : null;
    if (!batch) {
      res
        .status(404)
        .type('html')
        .send(messagePage('未找到该批次 / Lot not found', `没有 GTIN ${gtin14} 批号 ${lot} 的批次记录。`, `No batch of GTIN ${gtin14} has lot ${lot}.`));
      return;
    }
    res.redirect(302, `/q/${batch.traceCode}`);
  }
}

/** Bumped when the page's layout changes, so cached copies are not kept past a release. */
const PAGE_VERSION = 3;

/** ?lang= wins; else the first of the browser's languages that is Chinese or English; else Chinese. */
export function chooseLanguage(param: string | undefined, acceptLanguage: string | undefined): Lang {
  if (param === 'en' || param === 'zh') return param;
  for (const tag of (acceptLanguage ?? '').split(',')) {
    const name = tag.trim().toLowerCase();
    if (name.startsWith('zh')) return 'zh';
    if (name.startsWith('en')) return 'en';
  }
  return 'zh';
}
