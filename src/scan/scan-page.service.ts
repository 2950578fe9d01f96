import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { MAX_LOT_CODE_LENGTH } from '../batches/lot-code.js';
import { giStanding } from '../certificates/certificate-rules.js';
import { isPlainText } from '../common/plain-text.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { normalizeGtin } from '../products/gtin.js';
import { Lang, renderBatchPage } from './batch-page.js';
import { messagePage } from './pages.js';
import { plausibleScans } from './scan-plausibility.js';
import { ScanRepository } from './scan.repository.js';
import { normalizeTraceCode, ScannedView, ScanService } from './scan.service.js';

/** Bumped when the page's layout changes, so cached copies are not kept past a release. */
const PAGE_VERSION = 4;

/** An HTML answer: the page and its status. */
export interface HtmlAnswer {
  status: 200 | 400 | 404;
  html: string;
}

/** The batch page, or what to answer instead: 304 when the client's copy is current, 404 with a page that says so. */
export type BatchPageAnswer = (HtmlAnswer & { etag?: string }) | { status: 304; etag: string };

/** What a phone gets from a label: the batch page, the GS1 Digital Link that leads to it, and the scan count its script posts. */
@Injectable()
export class ScanPageService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scans: ScanRepository,
    private readonly scanService: ScanService,
  ) {}

  /**
   * The batch's page in `lang`. Its ETag is the batch's newest ledger entry, so an unchanged batch is
   * answered with 304 and never re-rendered.
   */
  async page(code: string, lang: Lang, ifNoneMatch: string | undefined): Promise<BatchPageAnswer> {
    const traceCode = normalizeTraceCode(code);
    const found = traceCode ? await this.scanService.lookup(traceCode) : null;
    if (!found) {
      const html = messagePage(
        '未找到该追溯码 / Code not found',
        `没有追溯码为“${code}”的产品。请核对标签上的字符。`,
        `No product has the trace code "${code}". Please check the characters on the label.`,
      );
      return { status: 404, html };
    }
    const etag = `"${createHash('sha256').update(`${found.batch.latestEntryHash}|${lang}|${PAGE_VERSION}`).digest('base64url').slice(0, 22)}"`;
    if (ifNoneMatch === etag) return { status: 304, etag };
    return { status: 200, etag, html: await this.render(found, lang) };
  }

  private async render({ batch, view }: ScannedView, lang: Lang): Promise<string> {
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
    );
  }

  /** GS1 Digital Link: the trace code of the batch with this GTIN and lot, or a page saying why there is none. */
  async resolveDigitalLink(gtin: string, lot: string): Promise<{ traceCode: string } | HtmlAnswer> {
    const gtin14 = normalizeGtin(gtin);
    if (!gtin14) {
      const html = messagePage(
        'GTIN 无效 / Invalid GTIN',
        `“${gtin}” 不是有效的 GTIN（校验位错误或位数不对）。`,
        `"${gtin}" is not a valid GTIN (wrong length or check digit).`,
      );
      return { status: 400, html };
    }
    // No lot code holds control characters; PostgreSQL could not even compare one with a NUL.
    const batch = isPlainText(lot, 1, MAX_LOT_CODE_LENGTH) ? await this.scans.findByGtinAndLot(gtin14, lot) : null;
    if (!batch) {
      const html = messagePage('未找到该批次 / Lot not found', `没有 GTIN ${gtin14} 批号 ${lot} 的批次记录。`, `No batch of GTIN ${gtin14} has lot ${lot}.`);
      return { status: 404, html };
    }
    return { traceCode: batch.traceCode };
  }

  /** Counts a scan of the batch today; says when the count is past what the batch makes plausible. */
  async countScan(code: string): Promise<{ scans: number; since: string; plausible: boolean }> {
    const batch = await this.scanService.findBatch(code);
    const counted = await this.scans.countScan(batch.id);
    const ceiling = plausibleScans(counted.quantity, counted.unit);
    return { scans: counted.total, since: counted.firstDay, plausible: ceiling === null || counted.total <= ceiling };
  }
}
