import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentCaller } from '../auth/auth.guard.js';
import { requireAdminOr, type Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { singleQueryParam } from '../common/query-param.js';
import type { TraceDirection } from './trace.repository.js';
import { renderTraceSvg } from './trace-svg.js';
import { TraceService } from './trace.service.js';

@Controller('trace')
export class TraceController {
  constructor(private readonly traces: TraceService) {}

  /** Regulators: the trace as a picture, origin to shelf, recalled and held batches marked. */
  @Get(':file')
  async picture(
    @CurrentCaller() caller: Caller,
    @Param('file') file: string,
    @Query('direction') direction: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    requireAdminOr(caller, ['REGULATOR'], 'the trace picture');
    const match = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.svg$/i.exec(file);
    if (!match) throw new DomainError('INVALID_INPUT', 'the trace picture is /trace/<batch id (a UUID)>.svg');
    const batchId = match[1].toLowerCase();
    const walk = (singleQueryParam(direction, 'direction') ?? 'DOWNSTREAM').toUpperCase();
    if (walk !== 'UPSTREAM' && walk !== 'DOWNSTREAM') throw new DomainError('INVALID_INPUT', 'direction is UPSTREAM or DOWNSTREAM');
    const trace = await this.traces.trace(caller, batchId, walk as TraceDirection);
    const svg = renderTraceSvg({
      direction: trace.direction,
      edges: trace.edges,
      nodes: trace.nodes.map(({ batch, depth }) => ({
        id: batch.id,
        depth,
        label: batch.product.name,
        sublabel: batch.lotCode,
        status: batch.status,
        held: (batch as { held?: boolean }).held ?? false,
        recalled: (batch as { recalled?: boolean }).recalled ?? false,
      })),
    });
    res.setHeader('cache-control', 'private, no-cache');
    res.type('image/svg+xml').send(svg);
  }
}
