import type { ProjectionAuditResult } from '../audit/projection-audit.service.js';
import type { ReplicaReport } from '../database/read-routing.js';

/** What one readiness probe found; undefined: that check failed or ran out of time. */
export interface ReadinessProbe {
  databaseAnswered: boolean;
  /** Migrations this build knows that the database has not recorded as applied. */
  pendingMigrations: readonly string[] | undefined;
  ledgerSize: number | undefined;
  /** The newest projection audit's result; null before the first. */
  projectionAudit?: ProjectionAuditResult | null;
  /** Read replicas as last polled (none configured: absent). They never make the service unready: reads fall back to the primary. */
  replicas?: ReplicaReport[];
  /** Asked only when the primary did not answer: the ledger's size on a replica that reads use; undefined when none can serve. */
  replicaLedgerSize?: number;
}

/**
 * The newest projection audit, as the public may see it: where the first disagreement is (table, row,
 * column, the ledger entry), never the values, which may be private (quantities) or whatever was typed in.
 */
export interface ProjectionAuditReport {
  auditedAt: string;
  ledgerSize: number;
  clean: boolean;
  rowsChecked: number;
  disagreements: number;
  firstDisagreement: { table: string; id: string; column: string | null; seq: number | null } | null;
}

export type ReadinessBody =
  | {
      status: 'ready';
      checks: { database: 'ok'; migrations: 'ok'; ledger: 'ok' };
      ledgerSize: number;
      projectionAudit?: ProjectionAuditReport;
      replicas?: ReplicaReport[];
    }
  | {
      status: 'read-only';
      checks: { database: 'primary unreachable'; reads: 'replica'; writes: 'unavailable' };
      ledgerSize: number;
      replicas: ReplicaReport[];
    }
  | { status: 'unavailable'; checks: { database: string; migrations: string; ledger: string }; replicas?: ReplicaReport[] }
  | { status: 'shutting down' };

/**
 * Ready only when every check passed; otherwise each check says what failed, in words an operator
 * can act on and nothing more (no SQL, no error text: the body is public). A projection audit that
 * found rows disagreeing with the ledger is reported but leaves the service ready: every replica reads
 * the same tables, so going unready would take the whole service down (for anyone able to edit one
 * row), and serving the ledger and its proofs is still right; the finding is logged as an error too.
 *
 * With the primary down and a replica serving reads, the service is ready but read-only: scans, pages,
 * proofs and exports go on from the replica and writes answer SERVICE_UNAVAILABLE. Answering 503 then
 * would make a load balancer or orchestrator stop sending the reads that still work.
 */
export function assessReadiness(probe: ReadinessProbe): { ready: boolean; body: ReadinessBody } {
  const { databaseAnswered, pendingMigrations, ledgerSize, projectionAudit } = probe;
  const replicas = probe.replicas?.length ? { replicas: probe.replicas } : {};
  if (databaseAnswered && pendingMigrations?.length === 0 && ledgerSize !== undefined) {
    const audited = projectionAudit ? { projectionAudit: auditReport(projectionAudit) } : {};
    return { ready: true, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', ledger: 'ok' }, ledgerSize, ...audited, ...replicas } };
  }
  if (!databaseAnswered && probe.replicaLedgerSize !== undefined && probe.replicas?.length) {
    return {
      ready: true,
      body: {
        status: 'read-only',
        checks: { database: 'primary unreachable', reads: 'replica', writes: 'unavailable' },
        ledgerSize: probe.replicaLedgerSize,
        replicas: probe.replicas,
      },
    };
  }
  // With no database, the other checks say nothing of their own.
  const failed = databaseAnswered ? 'unreadable' : 'unknown';
  return {
    ready: false,
    body: {
      status: 'unavailable',
      checks: {
        database: databaseAnswered ? 'ok' : 'unreachable',
        migrations: pendingMigrations === undefined ? failed : pendingMigrations.length === 0 ? 'ok' : `missing ${pendingMigrations.join(', ')}`,
        ledger: ledgerSize === undefined ? failed : 'ok',
      },
      ...replicas,
    },
  };
}

export const SHUTTING_DOWN: { ready: false; body: ReadinessBody } = { ready: false, body: { status: 'shutting down' } };

function auditReport(result: ProjectionAuditResult): ProjectionAuditReport {
  const first = result.firstDisagreement;
  return {
    auditedAt: result.auditedAt.toISOString(),
    ledgerSize: result.ledgerSize,
    clean: result.clean,
    rowsChecked: result.rowsChecked,
    disagreements: result.disagreements,
    firstDisagreement: first && { table: first.table, id: first.id, column: first.column, seq: first.seq },
  };
}
