import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ProjectionAuditService } from '../audit/projection-audit.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { RunningConfig } from '../config/config.js';
import { Database } from '../database/database.js';
import { pendingMigrations } from '../database/migrate.js';
import { LedgerRepository } from '../ledger/ledger.repository.js';
import { HealthRepository } from './health.repository.js';
import { assessReadiness, ReadinessBody, SHUTTING_DOWN } from './readiness.js';

/** A dead or stuck database must give a quick 503, not hold the probe for the pool's 10 s connect timeout. */
const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService implements OnModuleDestroy {
  private shuttingDown = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: RunningConfig,
    private readonly health: HealthRepository,
    private readonly ledger: LedgerRepository,
    private readonly projections: ProjectionAuditService,
    private readonly database: Database,
  ) {}

  /**
   * app.close() runs this hook first of all, before the ledger writer finishes its group: whatever
   * still reaches the service from then on hears it is going away.
   */
  onModuleDestroy(): void {
    this.shuttingDown = true;
  }

  async readiness(): Promise<{ ready: boolean; body: ReadinessBody }> {
    if (this.shuttingDown) return SHUTTING_DOWN;
    const deadline = timeout(CHECK_TIMEOUT_MS);
    try {
      const [answered, pending, head] = await Promise.all([
        within(this.health.ping(), deadline.promise),
        within(pendingMigrations(this.config.databaseUrl), deadline.promise),
        within(this.ledger.head(), deadline.promise),
      ]);
      // The primary did not answer: can reads go on from a replica?
      const replicaLedgerSize = answered === true ? undefined : await within(this.health.replicaLedgerSize(), deadline.promise);
      return assessReadiness({
        replicaLedgerSize,
        databaseAnswered: answered === true,
        pendingMigrations: pending,
        ledgerSize: head?.size,
        projectionAudit: this.projections.lastResult(),
        replicas: this.database.replicas.report(),
      });
    } finally {
      deadline.cancel();
    }
  }
}

/** The check's value, or undefined when it failed or the deadline came first. */
function within<T>(check: Promise<T>, deadline: Promise<void>): Promise<T | undefined> {
  return Promise.race([check, deadline.then(() => undefined)]).catch(() => undefined);
}

function timeout(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  return { promise, cancel: () => clearTimeout(timer) };
}
