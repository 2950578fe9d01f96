import { Module } from '@nestjs/common';
import { ExportsModule } from '../exports/exports.module.js';
import { ExportsRepository } from '../exports/exports.repository.js';
import { AggregationExportRepository } from './aggregation-export.repository.js';
import { EventQueryController } from './event-query.controller.js';
import { EventQueryRepository } from './event-query.repository.js';
import { EventQueryService } from './event-query.service.js';

/** GS1 EPCIS 2.0 REST query interface: GET /epcis/events and /epcis/events/{eventID}, written by the export's document builder. */
@Module({
  imports: [ExportsModule],
  controllers: [EventQueryController],
  providers: [EventQueryRepository, EventQueryService, AggregationExportRepository, ExportsRepository],
})
export class EventQueryModule {}
