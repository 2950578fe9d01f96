import { Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { addressKey } from '../common/client-address.js';
import { html, type Markup } from '../common/html.js';
import { DomainError } from '../common/domain-error.js';
import { ContentSecurityPolicy, STATIC_PAGE_POLICY, UNIT_PAGE_POLICY } from '../common/security-headers.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import type { Lang } from '../scan/batch-page.js';
import { messagePage } from '../scan/pages.js';
import { ScanPageService } from '../scan/scan-page.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { ProofsService } from '../ledger/proofs.service.js';
import { PhoneCheckpoints } from '../scan/phone-checkpoints.js';
import { assemblePageProof } from '../scan/page-proof-assembly.js';
import { PageLanguage } from '../scan/scan.params.js';
import { PackagesRepository } from '../packages/packages.repository.js';
import { unitEventsSection, unitSection } from './unit-section.js';
import { type FoundUnit, UnitsService } from './units.service.js';

/** A serialized unit's public page and the proof of its serial: where /01/<gtin>[/10/<lot>]/21/<serial> leads. */
@Controller('u')
export class UnitPagesController {
  constructor(
    private readonly units: UnitsService,
    private readonly pages: ScanPageService,
    private readonly ledger: LedgerRepository,
    private readonly ledgerService: LedgerService,
    private readonly proofs: ProofsService,
    private readonly checkpoints: PhoneCheckpoints,
    private readonly packages: PackagesRepository,
  ) {}

  /** The lot's page with the unit's own section above it; 404 for a unit that was never commissioned. */
  @Get(':gtin/:serial')
  @ContentSecurityPolicy(UNIT_PAGE_POLICY)
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
    // A second statement only for a packed unit: most scans are of units on a shelf, out of their case.
    const packageEvents = await this.packages.eventsOf(found.packagePath);
    const section = unitSection(
      {
        gtin: found.gtin,
        serial: found.serial,
        entrySeq: found.entrySeq,
        count: found.count,
        serialsRoot: found.serialsRoot.toString('hex'),
        proofPath: `${path}/proof.json`,
        lotPath: `/q/${found.batch.traceCode}`,
        checkPath: `${path}/check`,
        packagePath: found.packagePath,
        packageEvents,
      },
      lang,
    );
    const answer = await this.pages.page(found.batch.traceCode, lang, ifNoneMatch, new Date(), {
      // Packing is not on the lot's chain: the path and its newest entry name the page too, so a packed unit's page is not stale.
      // The events naming the unit are on the lot's chain: its newest entry (in the ETag) covers them.
      key: `${found.gtin}/${found.serial}|${found.packagePath.join('>')}|${packageEvents.at(-1)?.seq ?? ''}`,
      section: html`${section}${await this.eventsSection(found, lang)}`,
    });
    res.setHeader('vary', 'accept-language');
    if ('etag' in answer && answer.etag) {
      res.setHeader('etag', answer.etag);
      res.setHeader('cache-control', 'no-cache');
    }
    if (answer.status === 304) res.status(304).end();
    else res.status(answer.status).type('html').send(answer.html);
  }

  /**
   * The page's check-code form (application/x-www-form-urlencoded, `checkCode`, under 1 KB): checkUnit's
   * answer as a page, in the page's language, with the way back to the unit's page. No script needed.
   */
  @Post(':gtin/:serial/check')
  @HttpCode(200)
  @ContentSecurityPolicy(STATIC_PAGE_POLICY)
  async check(
    @Param('gtin') gtin: string,
    @Param('serial') serial: string,
    @PageLanguage() lang: Lang,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form = await smallForm(req);
    const back = `/u/${encodeURIComponent(gtin)}/${encodeURIComponent(serial)}?lang=${lang}`;
    const title = lang === 'zh' ? '防伪码查询结果' : 'Check code result';
    res.setHeader('cache-control', 'no-store');
    const typed = form?.get('checkCode');
    if (typed === null || typed === undefined) {
      // Nothing typed (a form sent empty by a script, or no form at all): the unit as its page would find it, and a request for the code.
      if (!(await this.lookUp(gtin, serial, res))) return;
      res
        .status(200)
        .type('html')
        .send(resultPage(title, null, '请输入标签涂层下的防伪码。', 'Enter the code under the scratch panel of the label.', back));
      return;
    }
    try {
      const answer = await this.units.check(gtin, serial, typed, addressKey(req.ip));
      const [zh, en] = answer.message.split(' / ');
      res
        .status(200)
        .type('html')
        .send(resultPage(title, answer.genuine, zh, en, back));
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      res
        .status(err.category === 'RATE_LIMITED' ? 429 : 400)
        .type('html')
        .send(resultPage(title, false, err.message, '', back));
    }
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
    // The entry as a page proof of one entry (§7): opened members, its inclusion path, the signed checkpoint.
    const checkpoint = await this.checkpoints.covering(entry.seq);
    const [entryPath] = await this.proofs.inclusionProofs([entry.seq], checkpoint.treeSize);
    const info = await this.ledgerService.info();
    const header = {
      batchId: found.batch.id,
      traceCode: found.batch.traceCode,
      origin: info.origin,
      verifierKey: info.verifierKey,
      signedNote: checkpoint.signedNote,
      ...(this.checkpoints.policy ? { witnesses: this.checkpoints.policy } : {}),
      batchEntries: 1,
    };
    const entryProof = assemblePageProof(header, [[entry.seq]], [entry], [entryPath]);
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
      entry: {
        seq: entry.seq,
        hash: entry.hash,
        type: entry.type,
        batchId: entry.batchId,
        recordedAt: entry.recordedAt,
        payload: entry.payload === null ? null : JSON.parse(entry.payload),
      },
      entryProof,
    });
  }

  /** The unit's own events and sale (unit-section.ts): its lot's entries that named it. */
  private async eventsSection(found: FoundUnit, lang: Lang): Promise<Markup | null> {
    // A second statement only for a unit some event named: most units are named by none.
    if (!found.namedByEvents) return null;
    const { events, sale } = await this.units.eventsOf(found);
    return unitEventsSection(events, sale, lang);
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

/** The urlencoded body of a form post (as Nest's own form parser left it, else read here, up to 1 KB); null when it is not one. */
async function smallForm(req: Request): Promise<URLSearchParams | null> {
  if (!/^application\/x-www-form-urlencoded\b/.test(req.headers['content-type'] ?? '')) return null;
  const parsed: unknown = req.body;
  if (parsed && typeof parsed === 'object' && !Buffer.isBuffer(parsed)) {
    const code = (parsed as Record<string, unknown>).checkCode;
    return new URLSearchParams(typeof code === 'string' ? { checkCode: code } : {});
  }
  if (req.readableEnded) return null;
  let text = '';
  for await (const chunk of req as AsyncIterable<Buffer>) {
    text += chunk.toString('utf8');
    if (text.length > 1024) return null;
  }
  return new URLSearchParams(text);
}

/** The check's answer as a page: genuine, not confirmed, or (null) nothing checked yet. */
function resultPage(title: string, genuine: boolean | null, zh: string, en: string, back: string): string {
  const heading = genuine === null ? '防伪码查询 / Check code' : genuine ? '✓ 正品 / Genuine' : '✗ 未通过 / Not confirmed';
  return html`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title><style>body{font:1rem/1.5 system-ui,sans-serif;margin:1.5rem;max-width:36rem}.yes{color:#1b6b1b}.no{color:#b91c1c}</style></head>
<body><h1 class="${genuine ? 'yes' : 'no'}">${heading}</h1><p>${zh}</p>${en && html`<p lang="en">${en}</p>`}
<p><a href="${back}">← 返回 / Back</a></p></body></html>`.toString();
}
