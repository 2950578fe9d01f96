import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service.js';
import type { ReadinessBody } from './readiness.js';

/** For orchestrators and load balancers: public, never cached. */
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** The process is up and serving HTTP; touches nothing else, so a slow database never restarts it. */
  @Get('live')
  @Header('cache-control', 'no-store')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when requests can be served; 503 naming what is wrong, or while shutting down. */
  @Get('ready')
  @Header('cache-control', 'no-store')
  async ready(@Res({ passthrough: true }) res: Response): Promise<ReadinessBody> {
    const { ready, body } = await this.health.readiness();
    res.status(ready ? 200 : 503);
    return body;
  }
}
