import { Module } from '@nestjs/common';
import { InspectionsModule } from '../inspections/inspections.module.js';
import { TraceModule } from '../trace/trace.module.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

@Module({ imports: [TraceModule, InspectionsModule], controllers: [ReportsController], providers: [ReportsRepository, ReportsService] })
export class ReportsModule {}
