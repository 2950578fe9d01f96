import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { VerificationModel } from '../ledger/ledger.models.js';
import { requesterOf } from './audit-run.js';
import { AuditRunsRepository } from './audit-runs.repository.js';
import { ProjectionAuditModel } from './projection-audit.models.js';
import { ProjectionAuditService } from './projection-audit.service.js';

@Resolver(() => VerificationModel)
export class ProjectionAuditResolver {
  constructor(
    private readonly audits: ProjectionAuditService,
    private readonly runs: AuditRunsRepository,
  ) {}

  /** Audited only when asked for: a replay of the whole ledger, which verifyLedger's callers (admin, regulators) may skip. */
  @ResolveField(() => ProjectionAuditModel, {
    nullable: true,
    description:
      'verifyLedger: the tables the pages read (organizations, facilities, products, batches), replayed from the whole ledger and ' +
      "compared row by row, whatever `valid` says of the chain. Null from verifyBatch and the scan, and when the range stops before the ledger's head.",
  })
  async projections(@Parent() verification: VerificationModel, @CurrentCaller() caller: Caller): Promise<ProjectionAuditModel | null> {
    if (!verification.reachesHead) return null;
    const audit = await this.audits.audit();
    // verifyLedger's run with both findings, as one record (its resolver leaves it to this field when the field is asked for).
    await this.runs.record({
      finishedAt: audit.auditedAt,
      requestedBy: requesterOf(caller),
      fromSeq: verification.fromSeq ?? 1,
      toSeq: verification.toSeq ?? audit.ledgerSize,
      chain: { valid: verification.valid, checkedEntries: verification.checkedEntries, firstInvalidSeq: verification.firstInvalidSeq },
      projections: { clean: audit.clean, rowsChecked: audit.rowsChecked, disagreements: audit.disagreements, uncheckedRows: audit.uncheckedRows },
    });
    return audit;
  }
}
