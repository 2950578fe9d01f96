import { Module } from '@nestjs/common';
import { TraceModule } from '../trace/trace.module.js';
import { ExportsController } from './exports.controller.js';
import { ExportsRepository } from './exports.repository.js';
import { ExportsService } from './exports.service.js';

/** The regulators' spreadsheets and EPCIS export; the export's document (ExportsService.epcisOfBatches) is also what the EPCIS query interface serves. */
@Module({ imports: [TraceModule], controllers: [ExportsController], providers: [ExportsRepository, ExportsService], exports: [ExportsService] })
export class ExportsModule {}
