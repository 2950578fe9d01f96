import { Global, Module } from '@nestjs/common';
import { AuditRunsRepository } from './audit-runs.repository.js';
import { AuditRunsResolver } from './audit-runs.resolver.js';
import { ProjectionAuditRepository } from './projection-audit.repository.js';
import { ProjectionAuditResolver } from './projection-audit.resolver.js';
import { ProjectionAuditService } from './projection-audit.service.js';

/**
 * The projection tables audited against the ledger: for verifyLedger, on a timer, and for /health/ready;
 * and the record of completed audits (global: verifyLedger's resolver records its runs there).
 */
@Global()
@Module({
  providers: [ProjectionAuditRepository, ProjectionAuditService, ProjectionAuditResolver, AuditRunsRepository, AuditRunsResolver],
  exports: [ProjectionAuditService, AuditRunsRepository],
})
export class AuditModule {}
