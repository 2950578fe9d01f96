import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../common/domain-error.js';
import { ContentSecurityPolicy, SCAN_PAGE_POLICY } from '../common/security-headers.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import type { Lang } from '../scan/batch-page.js';
import { messagePage } from '../scan/pages.js';
import { ScanPageService } from '../scan/scan-page.service.js';
import { PageLanguage } from '../scan/scan.params.js';
import { unitSection } from './unit-section.js';
import { type FoundUnit, UnitsService } from './units.service.js';

/** A serialized unit's public page and the proof of its serial: where /01/<gtin>[/10/<lot>]/21/<serial> leads. */
@Controller('u')
export class UnitPagesController {
  constructor(
    private readonly units: UnitsService,
    private readonly pages: ScanPageService,
    private readonly ledger: LedgerRepository,
  ) {}

  /** The lot's page with the unit's own section above it; 404 for a unit that was never commissioned. */
  @Get(':gtin/:serial')
  @ContentSecurityPolicy(SCAN_PAGE_POLICY)
  async page(
    @Param('gtin') gtin: string,
    @Param('serial') serial: string,
    @PageLanguage() lang: Lang,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const found = await this.lookUp(gtin, serial, res);
    if (!found) return;
    const path = `/u/${found.gtin}/${encodeURIComponent(found.serial)}`;
    const section = unitSection(
      {
        gtin: found.gtin,
        serial: found.serial,
        entrySeq: found.entrySeq,
        count: found.count,
        serialsRoot: found.serialsRoot.toString('hex'),
        proofPath: `${path}/proof.json`,
        checkPath: null,
      },
      lang,
    );
    const answer = await this.pages.page(found.traceCode, lang, ifNoneMatch, new Date(), { key: `${found.gtin}/${found.serial}`, section });
    res.setHeader('vary', 'accept-language');
    if ('etag' in answer && answer.etag) {
      res.setHeader('etag', answer.etag);
      res.setHeader('cache-control', 'no-cache');
    }
    if (answer.status === 304) res.status(304).end();
    else res.status(answer.status).type('html').send(answer.html);
  }

  /**
   * The proof that the unit was commissioned: its serial's leaf and RFC 9162 inclusion path under the
   * serials root of its UNITS_COMMISSIONED entry, and that entry (all of its payload is public). The entry's
   * own place in the ledger is proved as any entry's is (inclusionProof(seq, treeSize) against a checkpoint).
   */
  @Get(':gtin/:serial/proof.json')
  async proof(@Param('gtin') gtin: string, @Param('serial') serial: string, @Res() res: Response): Promise<void> {
    const found = await this.lookUp(gtin, serial, res, true);
    if (!found) return;
    const path = await this.units.serialProofOf(found);
    const entry = (await this.ledger.findBySeq(found.entrySeq))!;
    res.setHeader('cache-control', 'no-cache');
    res.json({
      format: 'suyuan-unit-proof/1',
      gtin: found.gtin,
      serial: found.serial,
      leaf: 'SHA-256(0x00 || serial as ASCII)',
      leafIndex: found.position,
      treeSize: found.count,
      serialsRoot: found.serialsRoot.toString('hex'),
      path: path.map((node) => node.toString('hex')),
      entry: { seq: entry.seq, hash: entry.hash, type: entry.type, batchId: entry.batchId, recordedAt: entry.recordedAt, payload: entry.payload === null ? null : JSON.parse(entry.payload) },
    });
  }

  /** The unit, or an answer already sent: 400 for what cannot be a GTIN or serial, 404 for an unknown unit. */
  private async lookUp(gtin: string, serial: string, res: Response, json = false): Promise<FoundUnit | null> {
    let found: FoundUnit | null;
    try {
      found = await this.units.find(gtin, serial);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      send(res, 400, json, err.code, '标签上的编码无效 / Not a valid code', `${err.message}`, err.message);
      return null;
    }
    if (!found)
      send(
        res,
        404,
        json,
        'UNIT_NOT_FOUND',
        '未找到该单品 / Unit not found',
        `没有 GTIN ${gtin} 序列号 ${serial} 的单品记录。请核对标签上的字符。`,
        `No unit of GTIN ${gtin} has serial ${serial}. Please check the characters on the label.`,
      );
    return found;
  }
}

function send(res: Response, status: 400 | 404, json: boolean, reason: string, title: string, zh: string, en: string): void {
  res.status(status);
  if (json) res.json({ errors: [{ message: en, extensions: { code: status === 400 ? 'BAD_USER_INPUT' : 'NOT_FOUND', reason } }] });
  else res.type('html').send(messagePage(title, zh, en));
}
