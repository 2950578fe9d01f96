import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { recallsAtom, recallsPage } from './recall-pages.js';
import { RecallsRepository } from './recalls.repository.js';

/** The public 消费警示: open recalls for consumers, as a page and as an Atom feed. */
@Controller()
export class RecallsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recalls: RecallsRepository,
  ) {}

  @Get('recalls')
  async page(@Res() res: Response): Promise<void> {
    res.setHeader('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    res.setHeader('cache-control', 'public, max-age=60');
    res.type('html').send(recallsPage(await this.recalls.openRecalls(), this.config.publicBaseUrl));
  }

  @Get('recalls.atom')
  async atom(@Res() res: Response): Promise<void> {
    res.setHeader('cache-control', 'public, max-age=60');
    res.type('application/atom+xml').send(recallsAtom(await this.recalls.openRecalls(), this.config.publicBaseUrl, this.config.ledgerOrigin.split('/')[0]));
  }
}
