import { Module } from '@nestjs/common';
import { LabelsService } from './labels.service.js';
import { PageProofService } from './page-proof.service.js';
import { PhoneCheckpoints } from './phone-checkpoints.js';
import { ProofBundleService } from './proof-bundle.service.js';
import { ScanCountsService } from './scan-counts.service.js';
import { ScanClaimsResolver } from './scan-claims.resolver.js';
import { ScanPageService } from './scan-page.service.js';
import { ScanController } from './scan.controller.js';
import { ScanRepository } from './scan.repository.js';
import { ScanResolver, ScanTimelineResolver } from './scan.resolver.js';
import { ScanService } from './scan.service.js';
import { VerifyAssetController } from './verify-asset.controller.js';

@Module({
  controllers: [ScanController, VerifyAssetController],
  providers: [
    ScanRepository,
    ScanService,
    ScanPageService,
    ScanCountsService,
    PhoneCheckpoints,
    ProofBundleService,
    PageProofService,
    LabelsService,
    ScanResolver,
    ScanTimelineResolver,
    ScanClaimsResolver,
  ],
  // A serialized unit's page is its lot's page with the unit's section (src/units).
  exports: [ScanPageService, PhoneCheckpoints],
})
export class ScanModule {}
