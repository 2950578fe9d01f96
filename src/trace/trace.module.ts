import { Module } from '@nestjs/common';
import { TraceController } from './trace.controller.js';
import { TraceRepository } from './trace.repository.js';
import { TraceResolver } from './trace.resolver.js';
import { TraceService } from './trace.service.js';

@Module({ controllers: [TraceController], providers: [TraceRepository, TraceService, TraceResolver], exports: [TraceService] })
export class TraceModule {}
