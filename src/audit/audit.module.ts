import { Module } from '@nestjs/common';
import { ProjectionAuditRepository } from './projection-audit.repository.js';
import { ProjectionAuditResolver } from './projection-audit.resolver.js';
import { ProjectionAuditService } from './projection-audit.service.js';

/** The projection tables audited against the ledger: for verifyLedger, on a timer, and for /health/ready. */
@Module({
  providers: [ProjectionAuditRepository, ProjectionAuditService, ProjectionAuditResolver],
  exports: [ProjectionAuditService],
})
export class AuditModule {}
