import { Controller, Get, Param, ParseUUIDPipe, Res } from '@nestjs/common';
import type { Response } from 'express';
import { once } from 'node:events';
import { Authorize } from '../auth/authorize.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { type Caller, requireOrganization } from '../auth/caller.js';
import { drainedOrClosed } from '../common/drained.js';
import { UTF8_BOM } from '../exports/csv.js';
import { UnitsService } from './units.service.js';

/** `<uuid>.csv` to the uuid; anything else is refused as ParseUUIDPipe refuses a bad id. */
const CsvFileId = {
  async transform(value: string): Promise<string> {
    const id = value.endsWith('.csv') ? value.slice(0, -4) : '';
    return (await new ParseUUIDPipe().transform(id, { type: 'param', data: 'file' }))!;
  },
};

@Controller('units')
export class UnitsController {
  constructor(private readonly units: UnitsService) {}

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
    res.setHeader('units-check-codes', download.withCodes ? 'included (this download only)' : 'withheld (given once, at the first download)');
    let sent = false;
    try {
      res.write(UTF8_BOM);
      for await (const text of download.rows) {
        if (res.destroyed) break;
        if (!res.write(text)) await drainedOrClosed(res);
      }
      if (!res.destroyed) {
        res.end();
        await once(res, 'finish');
        sent = true;
      }
    } finally {
      if (download.withCodes) await (sent ? this.units.codesDelivered(id) : this.units.codesUndelivered(id));
    }
  }
}
