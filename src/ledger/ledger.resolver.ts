import { Args, ID, Info, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ParseUUIDPipe } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard.js';
import type { Caller } from '../auth/caller.js';
import { SafeIntScalar } from '../graphql/scalars.js';
import { CheckpointModel, ConsistencyProofModel, InclusionProofModel, LedgerEntryModel, LedgerInfoModel, VerificationModel } from './ledger.models.js';
import { LedgerService } from './ledger.service.js';
import { ProofsService } from './proofs.service.js';
import { StoredCheckpoint } from './merkle.repository.js';
import { AuditRunsRepository } from '../audit/audit-runs.repository.js';
import { chainOnlyRun, requesterOf } from '../audit/audit-run.js';
import { selectsField } from '../graphql/selection.js';

@Resolver()
export class LedgerResolver {
  constructor(
    private readonly ledger: LedgerService,
    private readonly proofs: ProofsService,
    private readonly auditRuns: AuditRunsRepository,
  ) {}

  @Query(() => LedgerInfoModel, { description: 'Public.' })
  ledgerInfo(): Promise<LedgerInfoModel> {
    return this.ledger.info();
  }

  @Query(() => [LedgerEntryModel], { description: 'Admin or regulator. Entries after afterSeq, in order, at most `first` (1–1000, default 100).' })
  async ledgerEntries(
    @CurrentCaller() caller: Caller,
    @Args('afterSeq', { type: () => SafeIntScalar, nullable: true }) afterSeq?: number,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
  ): Promise<LedgerEntryModel[]> {
    return (await this.ledger.entries(caller, afterSeq ?? 0, first ?? 100)).map(LedgerEntryModel.from);
  }

  @Query(() => VerificationModel, { description: 'Admin or regulator. Recomputes every hash of the range and checks every link.' })
  async verifyLedger(
    @CurrentCaller() caller: Caller,
    @Info() info: GraphQLResolveInfo,
    @Args('fromSeq', { type: () => SafeIntScalar, nullable: true }) fromSeq?: number,
    @Args('toSeq', { type: () => SafeIntScalar, nullable: true }) toSeq?: number,
  ): Promise<VerificationModel> {
    const result = await this.ledger.verifyLedger(caller, fromSeq, toSeq);
    // The run is recorded once: here for the chain alone, or by Verification.projections with its audit's findings.
    if (chainOnlyRun(selectsField(info, 'projections'), result.reachesHead)) {
      await this.auditRuns.record({
        finishedAt: new Date(),
        requestedBy: requesterOf(caller),
        fromSeq: result.fromSeq,
        toSeq: result.toSeq,
        chain: { valid: result.valid, checkedEntries: result.checkedEntries, firstInvalidSeq: result.firstInvalidSeq },
        projections: null,
      });
    }
    return result;
  }

  @Query(() => VerificationModel, { description: "Public. Recomputes the hashes of the batch's entries and checks its chain." })
  verifyBatch(@Args('batchId', { type: () => ID }, new ParseUUIDPipe({ version: undefined })) batchId: string): Promise<VerificationModel> {
    return this.ledger.verifyBatch(batchId);
  }

  @Query(() => CheckpointModel, { description: 'Public. The newest signed checkpoint.' })
  async latestCheckpoint(): Promise<CheckpointModel> {
    return this.toModel(await this.proofs.latestCheckpoint());
  }

  @Query(() => InclusionProofModel, { description: 'Public. leafIndex = seq - 1.' })
  inclusionProof(
    @Args('seq', { type: () => SafeIntScalar }) seq: number,
    @Args('treeSize', { type: () => SafeIntScalar }) treeSize: number,
  ): Promise<InclusionProofModel> {
    return this.proofs.inclusionProof(seq, treeSize);
  }

  @Query(() => ConsistencyProofModel, { description: 'Public.' })
  consistencyProof(
    @Args('fromSize', { type: () => SafeIntScalar }) fromSize: number,
    @Args('toSize', { type: () => SafeIntScalar }) toSize: number,
  ): Promise<ConsistencyProofModel> {
    return this.proofs.consistencyProof(fromSize, toSize);
  }

  @Mutation(() => CheckpointModel, { description: 'Admin or regulator; the service also signs checkpoints on its own.' })
  async createCheckpoint(@CurrentCaller() caller: Caller): Promise<CheckpointModel> {
    return this.toModel(await this.proofs.createCheckpoint(caller));
  }

  private toModel(checkpoint: StoredCheckpoint): CheckpointModel {
    return { origin: this.ledger.origin, ...checkpoint };
  }
}
