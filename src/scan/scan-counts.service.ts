import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ClusterLink } from '../cluster/cluster-link.js';
import { dailyScanCap, plausibleScans, scansUnusual } from './scan-plausibility.js';
import { crossSiteReason, scanDay, scanToken, scanTokenSecret, scanTokenValid } from './scan-token.js';
import type { ScanPost } from './scan.params.js';
import { ScanRepository } from './scan.repository.js';
import { ScanService } from './scan.service.js';

/** What a scan post is answered: the lot's counted scans, and whether they are past what it makes plausible. */
export interface ScanCount {
  scans: number;
  days: number;
  since: string | null;
  /** Whether this post was counted (not when this client was counted today already, or the lot's day is full). */
  counted: boolean;
  plausible: boolean;
}

/**
 * Scan counting a script cannot inflate: only a post from the batch page (its token, and no browser
 * header saying it comes from another site), once per client and lot a day, at most `dailyScanCap` a
 * lot a day; and "unusual" only past the lot's ceiling over several days.
 */
@Injectable()
export class ScanCountsService {
  private readonly secret: Buffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly scans: ScanRepository,
    private readonly scanService: ScanService,
    /** Which clients were counted today (ScanClients): in this process, or a cluster's primary for every worker. */
    private readonly cluster: ClusterLink,
  ) {
    this.secret = scanTokenSecret(config.ledgerSigningKey.privateKey);
  }

  /** The token the batch page of `traceCode` carries today. */
  tokenFor(traceCode: string, at: Date): string {
    return scanToken(this.secret, traceCode, scanDay(at));
  }

  async count(code: string, post: ScanPost, at = new Date()): Promise<ScanCount> {
    const crossSite = crossSiteReason(post.site, this.config.publicBaseUrl);
    if (crossSite) throw new DomainError('CROSS_SITE_REQUEST', `a scan is counted only from the batch's own page: ${crossSite}`);
    const batch = await this.scanService.findBatch(code);
    if (!scanTokenValid(this.secret, batch.traceCode, post.token, at)) {
      throw new DomainError(
        'SCAN_TOKEN_INVALID',
        "a scan is counted only from the batch's own page: X-Scan-Token is missing or is not the page's token of today",
      );
    }
    const day = scanDay(at);
    let totals = await this.scans.scanTotals(batch.id, day);
    const ceiling = plausibleScans(totals.quantity, totals.unit);
    const cap = dailyScanCap(ceiling);
    let counted = false;
    if (totals.today < cap && (await this.cluster.firstScanToday(batch.id, post.address, day)) === 'new') {
      counted = await this.scans.countScan(batch.id, day, cap);
      if (counted) totals = await this.scans.scanTotals(batch.id, day);
    }
    return { scans: totals.total, days: totals.days, since: totals.firstDay, counted, plausible: !scansUnusual(totals, ceiling) };
  }
}
