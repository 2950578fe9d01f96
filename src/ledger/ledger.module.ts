import { BeforeApplicationShutdown, Global, Inject, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { Database } from '../database/database.js';
import { LedgerChanges } from './ledger-changes.js';
import { LedgerWriter } from './ledger-writer.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerResolver } from './ledger.resolver.js';
import { LedgerService } from './ledger.service.js';
import { LedgerController } from './ledger.controller.js';
import { MerkleRepository } from './merkle.repository.js';
import { ProofsService } from './proofs.service.js';

@Global()
@Module({
  controllers: [LedgerController],
  providers: [
    LedgerRepository,
    MerkleRepository,
    ProofsService,
    LedgerService,
    LedgerResolver,
    LedgerChanges,
    {
      provide: LedgerWriter,
      inject: [Database, APP_CONFIG],
      useFactory: (database: Database, config: AppConfig) => new LedgerWriter(database, { maxGroupSize: config.ledgerMaxGroupSize }),
    },
  ],
  exports: [LedgerChanges, LedgerWriter, LedgerRepository, LedgerService, ProofsService],
})
export class LedgerModule implements BeforeApplicationShutdown {
  constructor(@Inject(LedgerWriter) private readonly writer: LedgerWriter) {}

  /** Finishes the append group in flight before the pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writer.whenIdle();
  }
}
