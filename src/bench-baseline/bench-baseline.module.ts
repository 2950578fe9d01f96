import { Module } from '@nestjs/common';
import { BenchBaselineRepository } from './bench-baseline.repository.js';
import { BenchBaselineResolver } from './bench-baseline.resolver.js';

/** The benchmark's write baseline; AppModule imports it only when BENCH_BASELINE=true. */
@Module({ providers: [BenchBaselineRepository, BenchBaselineResolver] })
export class BenchBaselineModule {}
