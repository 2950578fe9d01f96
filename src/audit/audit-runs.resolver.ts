import { Query, Resolver } from '@nestjs/graphql';
import { CurrentCaller } from '../auth/auth.guard.js';
import { type Caller, requireAdminOr } from '../auth/caller.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';
import { LedgerAuditRunModel } from './audit-runs.models.js';
import { AuditRunsRepository } from './audit-runs.repository.js';

@Resolver()
export class AuditRunsResolver {
  constructor(
    private readonly runs: AuditRunsRepository,
    private readonly organizations: OrganizationsRepository,
  ) {}

  @Query(() => LedgerAuditRunModel, {
    nullable: true,
    description: 'Admin or regulator: the newest completed audit of the ledger (verifyLedger or the periodic projection audit); null before the first.',
  })
  async lastLedgerAudit(@CurrentCaller() caller: Caller): Promise<LedgerAuditRunModel | null> {
    requireAdminOr(caller, ['REGULATOR'], 'lastLedgerAudit');
    const run = await this.runs.latest();
    if (!run) return null;
    const by = run.requestedBy;
    return {
      finishedAt: run.finishedAt,
      requestedBy: by.kind,
      requestedByOrganization: by.kind === 'ORGANIZATION' ? await this.organizations.findById(by.organizationId) : null,
      fromSeq: run.fromSeq,
      toSeq: run.toSeq,
      chainValid: run.chain?.valid ?? null,
      checkedEntries: run.chain?.checkedEntries ?? null,
      firstInvalidSeq: run.chain?.firstInvalidSeq ?? null,
      projectionsClean: run.projections?.clean ?? null,
      rowsChecked: run.projections?.rowsChecked ?? null,
      disagreements: run.projections?.disagreements ?? null,
      uncheckedRows: run.projections?.uncheckedRows ?? null,
    };
  }
}
