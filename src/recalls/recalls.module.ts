import { Global, Module } from '@nestjs/common';
import { ClusterLink } from '../cluster/cluster-link.js';
import { RecallsController } from './recalls.controller.js';
import { RECALL_EVENTS, recallEvents } from './recall-events.js';
import { RecallsRepository } from './recalls.repository.js';
import { RecallsResolver } from './recalls.resolver.js';
import { RecallsService } from './recalls.service.js';
import { PublicRecallsService } from './public-recalls.service.js';

@Global()
@Module({
  controllers: [RecallsController],
  providers: [
    RecallsRepository,
    RecallsService,
    PublicRecallsService,
    RecallsResolver,
    { provide: RECALL_EVENTS, useFactory: recallEvents, inject: [ClusterLink] },
  ],
  exports: [RecallsRepository, RecallsService],
})
export class RecallsModule {}
