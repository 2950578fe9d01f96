import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Authorize } from '../auth/authorize.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { requireAdminOr, type Caller } from '../auth/caller.js';
import { DirectionPipe, TracePictureFilePipe } from './trace.params.js';
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
}
