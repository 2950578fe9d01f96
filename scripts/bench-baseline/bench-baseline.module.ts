import { Module } from '@nestjs/common';
import { BenchBaselineRepository } from './bench-baseline.repository.js';
import { BenchBaselineResolver } from './bench-baseline.resolver.js';

/** The benchmark's write baseline (`benchPlainInsert`): added to the service only by scripts/bench-service-main.ts. */
@Module({ providers: [BenchBaselineRepository, BenchBaselineResolver] })
export class BenchBaselineModule {}
