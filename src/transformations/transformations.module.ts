import { Module } from '@nestjs/common';
import { TransformationsRepository } from './transformations.repository.js';
import { TransformationsResolver } from './transformations.resolver.js';
import { TransformationsService } from './transformations.service.js';

@Module({ providers: [TransformationsRepository, TransformationsService, TransformationsResolver], exports: [TransformationsService] })
export class TransformationsModule {}
