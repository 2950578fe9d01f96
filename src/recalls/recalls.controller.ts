import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ContentSecurityPolicy, STATIC_PAGE_POLICY } from '../common/security-headers.js';
import { PublicRecallsService } from './public-recalls.service.js';

/** The public 消费警示: open recalls for consumers, as a page and as an Atom feed; and the tills' blocklist. */
@Controller()
export class RecallsController {
  constructor(private readonly recalls: PublicRecallsService) {}

  @Get('recalls')
  @ContentSecurityPolicy(STATIC_PAGE_POLICY)
  async page(@Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'public, max-age=60');
    res.type('html').send(await this.recalls.page());
  }

  /** For tills: every recalled GTIN + lot. A minute's cache, as for the notices; the ETag lets a till poll cheaply (304). */
  @Get('recalls/blocklist')
  async blocklist(@Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'public, max-age=60');
    res.type('application/json').send(await this.recalls.blocklist('json'));
  }

  @Get('recalls/blocklist.csv')
  async blocklistCsv(@Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'public, max-age=60');
    res.type('text/csv; charset=utf-8').send(await this.recalls.blocklist('csv'));
  }

  @Get('recalls.atom')
  async atom(@Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'public, max-age=60');
    res.type('application/atom+xml').send(await this.recalls.atom());
  }
}
