import { Global, Module } from '@nestjs/common';
import { RecallsRepository } from './recalls.repository.js';
import { RecallsResolver } from './recalls.resolver.js';
import { RecallsService } from './recalls.service.js';

@Global()
@Module({ providers: [RecallsRepository, RecallsService, RecallsResolver], exports: [RecallsRepository] })
export class RecallsModule {}
