import { Module } from '@nestjs/common';
import { TraceRepository } from './trace.repository.js';
import { TraceResolver } from './trace.resolver.js';
import { TraceService } from './trace.service.js';

@Module({ providers: [TraceRepository, TraceService, TraceResolver] })
export class TraceModule {}
