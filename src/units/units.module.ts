import { Module } from '@nestjs/common';
import { PackagesModule } from '../packages/packages.module.js';
import { ScanModule } from '../scan/scan.module.js';
import { UnitPagesController } from './unit-pages.controller.js';
import { UnitsController } from './units.controller.js';
import { UnitsRepository } from './units.repository.js';
import { BatchCommissioningsResolver, UnitFieldsResolver, UnitsResolver } from './units.resolver.js';
import { UnitEventsResolver } from './unit-events.resolver.js';
import { UnitsService } from './units.service.js';

/** Serialized units (issue 18): commissioning, the producer's download, a unit's public view and its check code. */
@Module({
  imports: [ScanModule, PackagesModule],
  controllers: [UnitsController, UnitPagesController],
  providers: [UnitsRepository, UnitsService, UnitsResolver, UnitFieldsResolver, UnitEventsResolver, BatchCommissioningsResolver],
  exports: [UnitsService],
})
export class UnitsModule {}
