import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { mockRecallHtml } from './mock-recall-html.js';
import { mockRecallPdf } from './mock-recall-pdf.js';
import { ReportsService } from './reports.service.js';

const REPORT_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.(html|pdf)$/i;

@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** The mock recall report of a lot, as a printable page or a PDF (`?maxDepth=` 1–50 bounds the trace). */
  @Get('mock-recall/:file')
  async mockRecall(
    @CurrentCaller() caller: Caller,
    @Param('file') file: string,
    @Query('maxDepth') maxDepth: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const match = REPORT_FILE.exec(file);
    if (!match) throw new DomainError('INVALID_INPUT', 'the mock recall report is /reports/mock-recall/<batch id (a UUID)>.html or .pdf');
    if (maxDepth !== undefined && !/^\d{1,2}$/.test(maxDepth)) throw new DomainError('INVALID_INPUT', 'maxDepth must be a whole number from 1 to 50');
    const report = await this.reports.mockRecall(caller, match[1].toLowerCase(), maxDepth === undefined ? undefined : Number(maxDepth));
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('server-timing', `report;dur=${report.elapsedMs};desc="mock recall report"`);
    if (match[2].toLowerCase() === 'pdf') {
      res.setHeader('content-disposition', `inline; filename="mock-recall-${match[1].slice(0, 8).toLowerCase()}.pdf"`);
      res.type('application/pdf').send(mockRecallPdf(report));
      return;
    }
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    res.setHeader('x-content-type-options', 'nosniff');
    res.type('text/html; charset=utf-8').send(mockRecallHtml(report));
  }
}
