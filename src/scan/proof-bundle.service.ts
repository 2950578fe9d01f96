import { Injectable } from '@nestjs/common';
import { LedgerService } from '../ledger/ledger.service.js';
import { ProofsService } from '../ledger/proofs.service.js';
import { envelopesOf, PROOF_PAGE_ENTRIES, ProofBundle, ProofCursor, ProofPage, proofPagePath } from './proof-bundle.js';
import { ScanRepository } from './scan.repository.js';
import { ScanService } from './scan.service.js';
import { PhoneCheckpoints } from './phone-checkpoints.js';

/** The lot's whole chain (chain.json), which the page's script checks on request, a page at a time: memory per request is one page, however long the story. */
@Injectable()
export class ProofBundleService {
  constructor(
    private readonly checkpoints: PhoneCheckpoints,
    private readonly scanService: ScanService,
    private readonly scans: ScanRepository,
    private readonly ledgerService: LedgerService,
    private readonly proofs: ProofsService,
  ) {}

  /** The first page: the oldest entries, with the checkpoint covering the newest and its inclusion proof. */
  firstPage(code: string): Promise<ProofBundle> {
    return this.scanService.asNewAsViews(() => this.readFirstPage(code));
  }

  private async readFirstPage(code: string): Promise<ProofBundle> {
    const batch = await this.scanService.findBatch(code);
    const { total, newestSeq } = await this.scans.proofSpan(batch.id);
    const checkpoint = await this.checkpoints.covering(newestSeq);
    const inclusion = await this.proofs.inclusionProof(newestSeq, checkpoint.treeSize);
    const info = await this.ledgerService.info();
    const page = await this.page(batch.traceCode, batch.id, { after: 0, through: newestSeq });
    return {
      total,
      origin: info.origin,
      verifierKey: info.verifierKey,
      signedNote: checkpoint.signedNote,
      inclusion: { leafIndex: inclusion.leafIndex, treeSize: inclusion.treeSize, hashes: inclusion.hashes },
      ...(this.checkpoints.policy ? { witnesses: this.checkpoints.policy } : {}),
      ...page,
    };
  }

  /** A page after the first, where the page before it said. */
  nextPage(code: string, cursor: ProofCursor): Promise<ProofPage> {
    return this.scanService.asNewAsViews(async () => {
      const batch = await this.scanService.findBatch(code);
      return this.page(batch.traceCode, batch.id, cursor);
    });
  }

  private async page(traceCode: string, batchId: string, cursor: ProofCursor): Promise<ProofPage> {
    // One more than a page: whether there is a next one, without counting.
    const read = await this.scans.envelopesBetween(batchId, cursor.after, cursor.through, PROOF_PAGE_ENTRIES + 1);
    const entries = envelopesOf(read.slice(0, PROOF_PAGE_ENTRIES));
    const next = read.length > PROOF_PAGE_ENTRIES ? proofPagePath(traceCode, { after: entries[entries.length - 1].seq, through: cursor.through }) : null;
    return { through: cursor.through, entries, next };
  }
}
