import { Injectable } from '@nestjs/common';
import { coldChainStatus, ColdChainStatus } from '../batches/cold-chain-status.js';
import { TRACE_CODE_PATTERN } from '../batches/trace-code.js';
import { VerificationResult } from '../ledger/chain-verifier.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { PublicEvent, ScannedBatch, ScanRepository } from './scan.repository.js';
import { RecallsRepository } from '../recalls/recalls.repository.js';

export interface RecallNotice {
  level: string;
  reason: string;
  initiatedAt: Date;
}

export interface ScanView extends Omit<ScannedBatch, 'id' | 'storage' | 'gtin' | 'readingCount' | 'excursionCount'> {
  coldChainStatus: ColdChainStatus;
  timeline: PublicEvent[];
  recall: RecallNotice | null;
  verification: VerificationResult;
}

/** Trace codes are printed in capitals from an alphabet without look-alikes; people type them any way. */
export function normalizeTraceCode(code: string): string | null {
  const normalized = code.trim().toUpperCase();
  return TRACE_CODE_PATTERN.test(normalized) ? normalized : null;
}

/** What a consumer sees after scanning a label: public facts only, and the ledger's verdict on them. */
@Injectable()
export class ScanService {
  constructor(
    private readonly scans: ScanRepository,
    private readonly ledger: LedgerService,
    private readonly recalls: RecallsRepository,
  ) {}

  async scan(code: string): Promise<ScanView | null> {
    const traceCode = normalizeTraceCode(code);
    const batch = traceCode ? await this.scans.findByTraceCode(traceCode) : null;
    return batch ? this.view(batch) : null;
  }

  async view(batch: ScannedBatch): Promise<ScanView> {
    const [timeline, verification, recall] = await Promise.all([this.scans.publicTimeline(batch.id), this.ledger.verifyBatch(batch.id), this.recalls.openRecallOf(batch.id)]);
    const { id: _id, storage, gtin: _gtin, readingCount, excursionCount, ...facts } = batch;
    return {
      ...facts,
      coldChainStatus: coldChainStatus(storage, { count: readingCount, excursions: excursionCount }),
      timeline,
      recall: recall && { level: recall.level, reason: recall.reason, initiatedAt: recall.initiatedAt },
      verification,
    };
  }
}
