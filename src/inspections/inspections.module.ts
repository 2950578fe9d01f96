import { Module } from '@nestjs/common';
import { InspectionsRepository } from './inspections.repository.js';
import { InspectionListResolver, InspectionsResolver } from './inspections.resolver.js';
import { InspectionsService } from './inspections.service.js';

@Module({ providers: [InspectionsRepository, InspectionsService, InspectionsResolver, InspectionListResolver], exports: [InspectionsRepository] })
export class InspectionsModule {}
