import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { ProofsService } from '../ledger/proofs.service.js';
import { PhoneCheckpoints } from './phone-checkpoints.js';
import { assemblePageProof, proofGroups, seqsOf } from './page-proof-assembly.js';
import type { PageProof } from './page-proof.js';
import { ScanRepository } from './scan.repository.js';
import { normalizeTraceCode, ScanService } from './scan.service.js';

/**
 * The proof of what a batch page shows (page-proof.ts): the entries behind its facts, each with its
 * inclusion proof in the newest signed checkpoint (under a witness policy, the newest one cosigned
 * enough). Bounded whatever the lot's history: a fixed number of entries and their paths.
 */
@Injectable()
export class PageProofService {
  constructor(
    private readonly checkpoints: PhoneCheckpoints,
    private readonly scanService: ScanService,
    private readonly scans: ScanRepository,
    private readonly ledger: LedgerRepository,
    private readonly ledgerService: LedgerService,
    private readonly proofs: ProofsService,
  ) {}

  async proof(code: string): Promise<PageProof> {
    return this.scanService.asNewAsViews(() => this.assemble(code));
  }

  private async assemble(code: string): Promise<PageProof> {
    const traceCode = normalizeTraceCode(code);
    const found = traceCode ? await this.scanService.pageView(traceCode) : null;
    if (!found) throw new DomainError('BATCH_NOT_FOUND', `no batch has trace code ${code}`);
    const { batch, view } = found;
    const sources = await this.scans.pageProofSources(
      batch.id,
      view.keySteps.map((step) => step.seq),
    );
    if (!sources) throw new DomainError('BATCH_NOT_FOUND', `no batch has trace code ${code}`);
    const groups = proofGroups(batch.id, sources);
    const entries = await this.ledger.findBySeqs(seqsOf(groups));
    const newest = entries[entries.length - 1].seq;
    const checkpoint = await this.checkpoints.covering(newest);
    const paths = await this.proofs.inclusionProofs(
      entries.map((e) => e.seq),
      checkpoint.treeSize,
    );
    const [info, span] = await Promise.all([this.ledgerService.info(), this.scans.proofSpan(batch.id)]);
    const header = {
      batchId: batch.id,
      traceCode: batch.traceCode,
      origin: info.origin,
      verifierKey: info.verifierKey,
      signedNote: checkpoint.signedNote,
      ...(this.checkpoints.policy ? { witnesses: this.checkpoints.policy } : {}),
      batchEntries: span.total,
    };
    return assemblePageProof(header, groups, entries, paths);
  }
}
