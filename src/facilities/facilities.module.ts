import { Global, Module } from '@nestjs/common';
import { FacilitiesRepository } from './facilities.repository.js';
import { FacilitiesResolver } from './facilities.resolver.js';
import { FacilitiesService } from './facilities.service.js';

@Global()
@Module({ providers: [FacilitiesRepository, FacilitiesService, FacilitiesResolver], exports: [FacilitiesRepository] })
export class FacilitiesModule {}
