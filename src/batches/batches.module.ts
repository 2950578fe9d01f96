import { Global, Module } from '@nestjs/common';
import { BatchesRepository } from './batches.repository.js';
import { BatchesResolver } from './batches.resolver.js';
import { BatchesService } from './batches.service.js';

@Global()
@Module({ providers: [BatchesRepository, BatchesService, BatchesResolver], exports: [BatchesRepository, BatchesService] })
export class BatchesModule {}
