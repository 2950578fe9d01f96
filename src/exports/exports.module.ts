import { Module } from '@nestjs/common';
import { TraceModule } from '../trace/trace.module.js';
import { EpcisController, ExportsController } from './exports.controller.js';
import { ExportsRepository } from './exports.repository.js';
import { ExportsService } from './exports.service.js';

@Module({ imports: [TraceModule], controllers: [ExportsController, EpcisController], providers: [ExportsRepository, ExportsService] })
export class ExportsModule {}
