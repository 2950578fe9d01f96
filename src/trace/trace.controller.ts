import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { drainedOrClosed } from '../common/drained.js';
import { Authorize } from '../auth/authorize.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { requireAdminOr, type Caller } from '../auth/caller.js';
import { traceLotsHead, traceLotsLines, type TraceLotsFormat } from './trace-lots-format.js';
import { DirectionPipe, MaxDepthPipe, TraceLotsFilePipe, TracePictureFilePipe } from './trace.params.js';
import type { TraceDirection } from './trace.repository.js';
import { TraceService } from './trace.service.js';

@Controller('trace')
export class TraceController {
  constructor(private readonly traces: TraceService) {}

  /** Regulators: the trace as a picture, origin to shelf, recalled and held batches marked. */
  @Get(':file')
  @Authorize((caller) => requireAdminOr(caller, ['REGULATOR'], 'the trace picture'))
  async picture(
    @CurrentCaller() caller: Caller,
    @Param('file', TracePictureFilePipe) batchId: string,
    @Query('direction', DirectionPipe) direction: TraceDirection,
    @Res() res: Response,
  ): Promise<void> {
    const svg = await this.traces.picture(caller, batchId, direction);
    res.setHeader('cache-control', 'private, no-cache');
    res.type('image/svg+xml').send(svg);
  }

  /**
   * Every lot of a trace, streamed as it is read (a thousand lots at a time, in the walk's order: depth,
   * then id), as CSV or NDJSON, with the lots each was made from (downstream) or went into (upstream).
   * Whoever may run the `trace` query on the batch may stream it; refusals come before the first byte.
   */
  @Get(':batchId/:file')
  async lots(
    @CurrentCaller() caller: Caller,
    @Param('batchId', new ParseUUIDPipe()) batchId: string,
    @Param('file', TraceLotsFilePipe) format: TraceLotsFormat,
    @Query('direction', DirectionPipe) direction: TraceDirection,
    @Query('maxDepth', MaxDepthPipe) maxDepth: number | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const chunks = this.traces.lotChunks(caller, batchId.toLowerCase(), direction, maxDepth);
    // The first chunk is read before the answer starts, so a refusal or a bad argument is still a clean error status.
    const first = await chunks.next();
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('content-disposition', `attachment; filename="trace-${batchId.slice(0, 8)}-${direction.toLowerCase()}.${format}"`);
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    res.write(traceLotsHead(format));
    for (let next = first; !next.done; next = await chunks.next()) {
      if (res.destroyed) return void (await chunks.return(undefined));
      if (!res.write(traceLotsLines(format, next.value))) await drainedOrClosed(res);
    }
    res.end();
  }
}
