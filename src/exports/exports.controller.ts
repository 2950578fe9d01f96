import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { epcisDocument } from './epcis.js';
import type { Request, Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard.js';
import { requireAdminOr, type Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { singleQueryParam } from '../common/query-param.js';
import { TraceService } from '../trace/trace.service.js';
import type { TraceDirection } from '../trace/trace.repository.js';
import { ExportsRepository, TraceabilityRow } from './exports.repository.js';
import { fsmaCsv, fsmaXlsx } from './fsma-sheet.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The sortable spreadsheets regulators ask for (FSMA 204: within 24 hours; here, one download). */
@Controller('exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsRepository,
    private readonly traces: TraceService,
  ) {}

  /** Every event of every lot in a trace, as CSV or XLSX. */
  @Get(['trace.csv', 'trace.xlsx'])
  async trace(
    @CurrentCaller() caller: Caller,
    @Query('batchId') batchId: string | undefined,
    @Query('direction') direction: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    requireAdminOr(caller, ['REGULATOR'], 'exports');
    batchId = singleQueryParam(batchId, 'batchId');
    if (!batchId || !UUID.test(batchId)) throw new DomainError('INVALID_INPUT', 'batchId is required: the batch to trace (a UUID)');
    const walk = (singleQueryParam(direction, 'direction') ?? 'DOWNSTREAM').toUpperCase();
    if (walk !== 'UPSTREAM' && walk !== 'DOWNSTREAM') throw new DomainError('INVALID_INPUT', 'direction is UPSTREAM or DOWNSTREAM');
    const trace = await this.traces.trace(caller, batchId.toLowerCase(), walk as TraceDirection);
    this.send(req, res, `trace-${batchId.slice(0, 8)}-${walk.toLowerCase()}`, await this.exports.rowsForBatches(trace.nodes.map((n) => n.batch.id)));
  }

  /** Every event of a product's lots between two dates (from inclusive, to exclusive), as CSV or XLSX. */
  @Get(['events.csv', 'events.xlsx'])
  async events(
    @CurrentCaller() caller: Caller,
    @Req() req: Request,
    @Query('productId') productId: string | undefined,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    requireAdminOr(caller, ['REGULATOR'], 'exports');
    const range = productRange(productId, from, to);
    this.send(req, res, `events-${range.productId.slice(0, 8)}`, await this.exports.rowsForProduct(range.productId, range.start, range.end));
  }

  private send(req: Request, res: Response, name: string, rows: TraceabilityRow[]): void {
    const asXlsx = req.path.endsWith('.xlsx');
    res.setHeader('content-disposition', `attachment; filename="${name}.${asXlsx ? 'xlsx' : 'csv'}"`);
    res.setHeader('cache-control', 'private, no-store');
    if (asXlsx) res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(fsmaXlsx(rows));
    else res.type('text/csv; charset=utf-8').send(fsmaCsv(rows));
  }
}

/** A product and a date range from query parameters, or a clear error. */
function productRange(productId: string | undefined, from: string | undefined, to: string | undefined): { productId: string; start: Date; end: Date } {
  productId = singleQueryParam(productId, 'productId');
  if (!productId || !UUID.test(productId)) throw new DomainError('INVALID_INPUT', 'give batchId, or productId (a UUID) with from and to');
  const start = new Date(from ?? '');
  const end = new Date(to ?? '');
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end) {
    throw new DomainError('INVALID_INPUT', 'from and to are required dates (ISO 8601), from before to');
  }
  return { productId: productId.toLowerCase(), start, end };
}

/** GS1 EPCIS 2.0 for regulators and other agencies. */
@Controller('epcis')
export class EpcisController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly exports: ExportsRepository,
    private readonly traces: TraceService,
  ) {}

  /**
   * GS1 EPCIS 2.0 JSON-LD: with batchId, the events of the batch and of every batch in its trace both
   * ways; with productId, from and to, the events of that product's lots in the date range.
   */
  @Get('events')
  async epcis(
    @CurrentCaller() caller: Caller,
    @Query('batchId') batchId: string | undefined,
    @Query('productId') productId: string | undefined,
    @Query('from') from: string | undefined,
    @Query('to') to: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    requireAdminOr(caller, ['REGULATOR'], 'exports');
    let batchIds: string[];
    batchId = singleQueryParam(batchId, 'batchId');
    if (batchId) {
      if (!UUID.test(batchId)) throw new DomainError('INVALID_INPUT', 'batchId must be a UUID');
      const [up, down] = await Promise.all([
        this.traces.trace(caller, batchId.toLowerCase(), 'UPSTREAM'),
        this.traces.trace(caller, batchId.toLowerCase(), 'DOWNSTREAM'),
      ]);
      batchIds = [...new Set([...up.nodes, ...down.nodes].map((n) => n.batch.id))];
    } else {
      const range = productRange(productId, from, to);
      batchIds = await this.exports.batchIdsOfProductBetween(range.productId, range.start, range.end);
    }
    const document = epcisDocument(await this.exports.epcisSources(batchIds), this.config.publicBaseUrl, new Date());
    res.setHeader('cache-control', 'private, no-store');
    res.type('application/ld+json').send(JSON.stringify(document));
  }
}
