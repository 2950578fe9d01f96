import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ClusterLink } from '../cluster/cluster-link.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import { ProjectionAuditRepository } from './projection-audit.repository.js';
import { AuditRunsRepository } from './audit-runs.repository.js';
import { auditPackages } from './package-replay.js';
import { auditBatches, AuditTally, auditRegistrations, gs1PrefixAmend, ProjectionAuditSummary } from './projection-replay.js';
import { auditStories } from './story-audit.js';
import { auditUnitIndex } from './unit-index-audit.js';

const AUDITED = 'projection-audited';

/** An audit's findings, when it ran and how much of the ledger it replayed. */
export interface ProjectionAuditResult extends ProjectionAuditSummary {
  auditedAt: Date;
  /** The ledger's size in the audit's snapshot: every entry up to it was replayed. */
  ledgerSize: number;
}

/**
 * Audits the projection tables (organization, facility, product, batch) against the ledger they are
 * written alongside, the lot stories kept for scans and pages (batch_story, story-audit.ts) against
 * the entries they fold, the units' event index (unit_event, unit_sale: unit-index-audit.ts) and the
 * package tables (package, package_unit, package_child, package_event, unit_holder: package-replay.ts): on
 * demand (verifyLedger) and every PROJECTION_AUDIT_INTERVAL_MS, the first soon after start. A full replay
 * each time, not incremental: a tampered row can be any row, so every row
 * is compared anyway, and a full replay holds one batch at a time where an incremental one would keep
 * every batch's state in memory between runs. The last result is what /health/ready reports.
 */
@Injectable()
export class ProjectionAuditService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ProjectionAudit');
  private last: { result: ProjectionAuditResult; started: number } | null = null;
  private started = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  private stopListening: (() => void) | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: ProjectionAuditRepository,
    private readonly runs: AuditRunsRepository,
    @Optional() private readonly cluster?: ClusterLink,
  ) {}

  onApplicationBootstrap(): void {
    // Another worker's result (periodic or verifyLedger's) is this one's too: /health/ready reports it from any worker.
    this.stopListening = this.cluster?.subscribe(AUDITED, (result) => this.keep(result as ProjectionAuditResult, null));
    // One worker of a cluster audits on its schedule (BACKGROUND_WORK); a full replay in each would multiply the load.
    if (this.config.projectionAuditIntervalMs > 0 && this.config.backgroundWork) this.schedule(0);
  }

  /** Before the pool closes: no new audit, and the one under way finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    clearTimeout(this.timer);
    await this.running;
  }

  /** The newest audit's result (periodic or verifyLedger's), or null before the first. */
  lastResult(): ProjectionAuditResult | null {
    return this.last?.result ?? null;
  }

  /** Replays the whole ledger into the rows it should have made and compares every row of the tables it audits. */
  async audit(): Promise<ProjectionAuditResult> {
    const started = ++this.started;
    const result = await this.repository.inSnapshot(async (snapshot) => {
      const tally = new AuditTally();
      const kinds = new Map<string, OrganizationKind>();
      const prefixes = await gs1PrefixAmend(snapshot.prefixSets());
      await auditRegistrations(
        'organization',
        snapshot.registrations('organization'),
        tally,
        (o) => kinds.set(o.id, o.columns.kind as OrganizationKind),
        prefixes,
      );
      await auditRegistrations('facility', snapshot.registrations('facility'), tally);
      await auditRegistrations('product', snapshot.registrations('product'), tally);
      await auditBatches(snapshot.batchRows(), snapshot.batchEntries(), (id) => kinds.get(id), tally);
      await auditStories(snapshot.storyRows(), snapshot.storyEntries(), tally);
      await auditUnitIndex(snapshot.unitIndexPairs(), tally);
      await auditPackages(snapshot.packageEntries(), (table) => snapshot.packageRows(table), tally);
      return { ...tally.summary(), auditedAt: new Date(), ledgerSize: snapshot.ledgerSize };
    });
    if (this.keep(result, started)) this.cluster?.publish(AUDITED, result);
    if (!result.clean) {
      const first = result.firstDisagreement!;
      this.logger.error(`${result.disagreements} row(s) disagree with the ledger (of ${result.rowsChecked}); the first: ${first.reason}`);
    }
    return result;
  }

  /**
   * Keeps `result` if it is the newest: of this process's audits, the one started last (it read the
   * newest snapshot, whichever finished first); one from another worker (`started` null) when it was
   * made after the one kept.
   */
  private keep(result: ProjectionAuditResult, started: number | null): boolean {
    const newer = !this.last || (started === null ? result.auditedAt > this.last.result.auditedAt : this.last.started < started);
    if (newer) this.last = { result, started: started ?? this.last?.started ?? 0 };
    return newer;
  }

  /** The schedule's run on record, as verifyLedger's are: the projections only (the chain is not hashed again here). */
  private async recordScheduled(result: ProjectionAuditResult): Promise<void> {
    await this.runs.record({
      finishedAt: result.auditedAt,
      requestedBy: { kind: 'SCHEDULE' },
      fromSeq: 1,
      toSeq: result.ledgerSize,
      chain: null,
      projections: { clean: result.clean, rowsChecked: result.rowsChecked, disagreements: result.disagreements, uncheckedRows: result.uncheckedRows },
    });
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      const run = this.audit()
        .then((result) => this.recordScheduled(result))
        .catch((err: Error) => this.logger.error(`the projection audit did not finish: ${err.message}`));
      this.running = run;
      void run.finally(() => {
        if (!this.stopped) this.schedule(this.config.projectionAuditIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }
}
