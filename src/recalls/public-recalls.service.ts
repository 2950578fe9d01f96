import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { blocklistCsv, blocklistJson } from './blocklist.js';
import { recallsAtom, recallsPage } from './recall-pages.js';
import { RecallsRepository } from './recalls.repository.js';

/** The public 消费警示: open recalls for consumers, as a page and as an Atom feed. */
@Injectable()
export class PublicRecallsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly recalls: RecallsRepository,
  ) {}

  async page(): Promise<string> {
    return recallsPage(await this.recalls.openRecalls(), this.config.publicBaseUrl);
  }

  /** Every recalled GTIN + lot, for point-of-sale systems to block: as JSON, or as CSV. */
  async blocklist(format: 'json' | 'csv'): Promise<string> {
    const list = await this.recalls.blocklist();
    return format === 'csv' ? blocklistCsv(list, this.config.publicBaseUrl) : blocklistJson(list, this.config.publicBaseUrl);
  }

  async atom(): Promise<string> {
    return recallsAtom(await this.recalls.openRecalls(), this.config.publicBaseUrl, this.config.ledgerOrigin.split('/')[0]);
  }
}
