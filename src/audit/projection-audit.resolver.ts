import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { VerificationModel } from '../ledger/ledger.models.js';
import { ProjectionAuditModel } from './projection-audit.models.js';
import { ProjectionAuditService } from './projection-audit.service.js';

@Resolver(() => VerificationModel)
export class ProjectionAuditResolver {
  constructor(private readonly audits: ProjectionAuditService) {}

  /** Audited only when asked for: a replay of the whole ledger, which verifyLedger's callers (admin, regulators) may skip. */
  @ResolveField(() => ProjectionAuditModel, {
    nullable: true,
    description:
      'verifyLedger: the tables the pages read (organizations, facilities, products, batches), replayed from the whole ledger and ' +
      "compared row by row, whatever `valid` says of the chain. Null from verifyBatch and the scan, and when the range stops before the ledger's head.",
  })
  projections(@Parent() verification: VerificationModel): Promise<ProjectionAuditModel> | null {
    return verification.reachesHead ? this.audits.audit() : null;
  }
}
