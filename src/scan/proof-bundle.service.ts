import { Injectable } from '@nestjs/common';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { ProofsService } from '../ledger/proofs.service.js';
import { envelopesOf, ProofBundle } from './proof-bundle.js';
import { ScanService } from './scan.service.js';

/** What the batch page's script checks on the phone. */
@Injectable()
export class ProofBundleService {
  constructor(
    private readonly scanService: ScanService,
    private readonly ledger: LedgerRepository,
    private readonly ledgerService: LedgerService,
    private readonly proofs: ProofsService,
  ) {}

  /** The batch's envelopes, a checkpoint covering them, and the newest one's inclusion proof. */
  async bundle(code: string): Promise<ProofBundle> {
    const batch = await this.scanService.findBatch(code);
    const entries = await this.ledger.findByBatch(batch.id);
    const newest = entries[entries.length - 1];
    const checkpoint = await this.proofs.checkpointCovering(newest.seq);
    const inclusion = await this.proofs.inclusionProof(newest.seq, checkpoint.treeSize);
    const info = await this.ledgerService.info();
    return {
      origin: info.origin,
      verifierKey: info.verifierKey,
      signedNote: checkpoint.signedNote,
      entries: envelopesOf(entries),
      inclusion: { leafIndex: inclusion.leafIndex, treeSize: inclusion.treeSize, hashes: inclusion.hashes },
    };
  }
}
