import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import type { Response } from 'express';
import { once } from 'node:events';
import { Authorize } from '../auth/authorize.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { type Caller, requireOrganization } from '../auth/caller.js';
import { drainedOrClosed } from '../common/drained.js';
import { UTF8_BOM } from '../exports/csv.js';
import { LABEL_STOCK } from './unit-label-sheet.js';
import { UnitsService } from './units.service.js';

/** `<uuid>.csv` to the uuid; anything else is refused as ParseUUIDPipe refuses a bad id. */
const CsvFileId = {
  async transform(value: string): Promise<string> {
    const id = value.endsWith('.csv') ? value.slice(0, -4) : '';
    return (await new ParseUUIDPipe().transform(id, { type: 'param', data: 'file' }))!;
  },
};

const CODES_HEADER = 'units-check-codes';
const codesHeader = (withCodes: boolean) => (withCodes ? 'included (this download only)' : 'withheld (given once, at the first download)');

@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

  /**
   * The producer's A4 sheet of unit labels (QR code of the Digital Link URI, product, GTIN, lot, serial and,
   * with the codes, the check code in a scratch-off box) for 70 × 37 mm stock, streamed a page at a time.
   * The check codes are given once across this and the CSV, as there; one sheet at a time per organization.
   * Declared before `:file`, which would take it.
   */
  @Get(':id.pdf')
  @Authorize(requireOrganization)
  async pdf(@CurrentCaller() caller: Caller, @Param('id', ParseUUIDPipe) id: string, @Res() res: Response): Promise<void> {
    const sheet = await this.units.labelSheet(caller, id);
    try {
      res.status(200);
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-disposition', `attachment; filename="unit-labels-${id}.pdf"`);
      res.setHeader('cache-control', 'private, no-store');
      res.setHeader(CODES_HEADER, codesHeader(sheet.withCodes));
      res.setHeader('label-stock', LABEL_STOCK.name);
      await this.send(res, id, sheet.withCodes, sheet.pdf);
    } finally {
      sheet.finished();
    }
  }

  /**
   * The producer's serials, Digital Link URIs and — at the first download only — check codes of a
   * commissioning, as CSV, streamed a chunk at a time. The codes are deleted once a download carrying
   * them has been sent whole; one that breaks off leaves them for the next.
   */
  @Get(':file')
  @Authorize(requireOrganization)
  async csv(@CurrentCaller() caller: Caller, @Param('file', CsvFileId) id: string, @Res() res: Response): Promise<void> {
    const download = await this.units.download(caller, id);
    res.status(200);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="units-${id}.csv"`);
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader(CODES_HEADER, codesHeader(download.withCodes));
    await this.send(res, id, download.withCodes, download.rows, UTF8_BOM);
  }

  /** Writes the pieces as the client takes them; the codes a download carried are delivered if it was sent whole, else released. */
  private async send(res: Response, id: string, withCodes: boolean, pieces: AsyncGenerator<string | Buffer>, first = ''): Promise<void> {
    let sent = false;
    try {
      if (first) res.write(first);
      for await (const piece of pieces) {
        if (res.destroyed) break;
        if (!res.write(piece)) await drainedOrClosed(res);
      }
      if (!res.destroyed) {
        res.end();
        await once(res, 'finish');
        sent = true;
      }
    } finally {
      if (withCodes) await (sent ? this.units.codesDelivered(id) : this.units.codesUndelivered(id));
    }
  }
}
