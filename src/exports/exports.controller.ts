import { Controller, createParamDecorator, ExecutionContext, Get, Query, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Authorize } from '../auth/authorize.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { requireAdminOr, type Caller } from '../auth/caller.js';
import type { ProductRange, TraceSelection } from './export-query.js';
import { ProductRangePipe, TraceSelectionPipe } from './export-query.pipes.js';
import { type ExportFile, ExportsService, type SheetFormat } from './exports.service.js';

const requireExporter = (caller: Caller) => requireAdminOr(caller, ['REGULATOR'], 'exports');

/** The spreadsheet format, from the path's extension. */
const SheetFormatOfPath = createParamDecorator((_data: unknown, context: ExecutionContext): SheetFormat =>
  context.switchToHttp().getRequest<Request>().path.endsWith('.xlsx') ? 'xlsx' : 'csv',
);

/** The sortable spreadsheets regulators ask for (FSMA 204: within 24 hours; here, one download). */
@Controller('exports')
@Authorize(requireExporter)
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /** Every event of every lot in a trace, as CSV or XLSX. */
  @Get(['trace.csv', 'trace.xlsx'])
  async trace(
    @CurrentCaller() caller: Caller,
    @Query(TraceSelectionPipe) selection: TraceSelection,
    @SheetFormatOfPath() format: SheetFormat,
    @Res() res: Response,
  ): Promise<void> {
    send(res, await this.exports.traceSheet(caller, selection, format));
  }

  /** Every event of a product's lots between two dates (from inclusive, to exclusive), as CSV or XLSX. */
  @Get(['events.csv', 'events.xlsx'])
  async events(@Query(ProductRangePipe) range: ProductRange, @SheetFormatOfPath() format: SheetFormat, @Res() res: Response): Promise<void> {
    send(res, await this.exports.productSheet(range, format));
  }
}

function send(res: Response, file: ExportFile): void {
  res.setHeader('content-disposition', `attachment; filename="${file.name}"`);
  res.setHeader('cache-control', 'private, no-store');
  res.type(file.contentType).send(file.body);
}
