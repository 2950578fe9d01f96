import { Module } from '@nestjs/common';
import { CosignaturesRepository } from './cosignatures.repository.js';
import { WitnessesResolver } from './witnesses.resolver.js';
import { WitnessesService } from './witnesses.service.js';

/** Cosignatures of the service's checkpoints by the witnesses in WITNESS_URLS; served within the checkpoint notes. */
@Module({
  providers: [CosignaturesRepository, WitnessesService, WitnessesResolver],
  exports: [WitnessesService],
})
export class WitnessesModule {}
