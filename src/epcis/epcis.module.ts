import { Module } from '@nestjs/common';
import { ColdChainModule } from '../cold-chain/cold-chain.module.js';
import { EventsModule } from '../events/events.module.js';
import { PackagesModule } from '../packages/packages.module.js';
import { UnitsModule } from '../units/units.module.js';
import { CaptureUnitsRepository } from './capture-units.repository.js';
import { TransformationsModule } from '../transformations/transformations.module.js';
import { CaptureController } from './capture.controller.js';
import { CaptureRepository } from './capture.repository.js';
import { CaptureJobRepository } from './capture-job.repository.js';
import { CaptureService } from './capture.service.js';
import { CorrectionsRepository } from './corrections.repository.js';
import { CorrectionsService } from './corrections.service.js';
import { ErrorDeclarationResolver } from './error-declaration.resolver.js';
import { EventHashController } from './event-hash.controller.js';

/** EPCIS 2.0 capture: GS1's event documents recorded under the same rules as GraphQL; and CBV 2.0 event hash IDs. */
@Module({
  imports: [EventsModule, ColdChainModule, TransformationsModule, PackagesModule, UnitsModule],
  controllers: [CaptureController, EventHashController],
  providers: [
    CaptureRepository,
    CaptureJobRepository,
    CaptureService,
    CorrectionsRepository,
    CorrectionsService,
    ErrorDeclarationResolver,
    CaptureUnitsRepository,
  ],
})
export class EpcisModule {}
