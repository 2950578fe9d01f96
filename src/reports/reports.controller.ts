import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { ContentSecurityPolicy, STATIC_PAGE_POLICY } from '../common/security-headers.js';
import { MaxDepthPipe } from '../trace/trace.params.js';
import { ReportFilePipe } from './reports.params.js';
import { type ReportFile, ReportsService } from './reports.service.js';

@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** The mock recall report of a lot, as a printable page or a PDF (`?maxDepth=` 1–50 bounds the trace). */
  @Get('mock-recall/:file')
  @ContentSecurityPolicy(STATIC_PAGE_POLICY, { onlyFor: 'text/html' })
  async mockRecall(
    @CurrentCaller() caller: Caller,
    @Param('file', ReportFilePipe) file: ReportFile,
    @Query('maxDepth', MaxDepthPipe) maxDepth: number | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const { elapsedMs, document } = await this.reports.mockRecallDocument(caller, file, maxDepth);
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('server-timing', `report;dur=${elapsedMs};desc="mock recall report"`);
    if (file.format === 'pdf') {
      res.setHeader('content-disposition', `inline; filename="mock-recall-${file.batchId.slice(0, 8)}.pdf"`);
      res.type('application/pdf').send(document);
    } else {
      res.type('text/html; charset=utf-8').send(document);
    }
  }
}
