import { Controller, Get, Header, ParseIntPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { drainedOrClosed } from '../common/drained.js';
import { CurrentCaller } from '../auth/auth.guard.js';
import { requireAdminOr, type Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { exportLine } from './export-line.js';
import { LedgerRepository } from './ledger.repository.js';
import { ConsistencyProofResult, ProofsService } from './proofs.service.js';

const EXPORT_PAGE = 2000;

/** Plain HTTP for tools that speak no GraphQL: the newest checkpoint, and the export regulators audit. */
@Controller('ledger')
export class LedgerController {
  constructor(
    private readonly proofs: ProofsService,
    private readonly ledger: LedgerRepository,
  ) {}

  @Get('checkpoint')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache')
  async checkpoint(): Promise<string> {
    return (await this.proofs.latestCheckpoint()).signedNote;
  }

  /**
   * Public: the RFC 9162 consistency proof between two tree sizes, for the page's script, which asks
   * from the checkpoint the phone verified last to the one served now (same origin, as the page's CSP
   * wants). O(log n) hashes for any sizes; a size beyond the ledger's is a 400.
   */
  @Get('consistency')
  @Header('cache-control', 'public, max-age=86400')
  consistency(@Query('from', ParseIntPipe) from: number, @Query('to', ParseIntPipe) to: number): Promise<ConsistencyProofResult> {
    return this.proofs.consistencyProof(from, to);
  }

  /**
   * Admin or regulator: entries fromSeq..toSeq as JSON Lines (LEDGER-SPEC §5), streamed a page at a
   * time and only as fast as the client reads, so a million entries take constant memory.
   */
  @Get('export')
  async export(
    @CurrentCaller() caller: Caller,
    @Res() res: Response,
    @Query('fromSeq', new ParseIntPipe({ optional: true })) fromSeq?: number,
    @Query('toSeq', new ParseIntPipe({ optional: true })) toSeq?: number,
  ): Promise<void> {
    requireAdminOr(caller, ['REGULATOR'], 'the ledger export');
    const { size } = await this.ledger.head();
    const from = fromSeq ?? 1;
    const to = toSeq ?? size;
    if (from < 1 || to > size || from > to + 1) {
      throw new DomainError('INVALID_RANGE', `fromSeq and toSeq must satisfy 1 ≤ fromSeq ≤ toSeq ≤ ${size} (the ledger's size), got ${from}..${to}`);
    }
    res.status(200).set({ 'content-type': 'application/x-ndjson; charset=utf-8', 'x-ledger-from-seq': String(from), 'x-ledger-to-seq': String(to) });
    let closed = false;
    res.on('close', () => (closed = true));
    for (let after = from - 1; after < to && !closed; after += EXPORT_PAGE) {
      const chunk = (await this.ledger.findRange(after, to, EXPORT_PAGE)).map(exportLine).join('');
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    res.end();
  }
}
