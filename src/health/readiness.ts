/** What one readiness probe found; undefined: that check failed or ran out of time. */
export interface ReadinessProbe {
  databaseAnswered: boolean;
  /** Migrations this build knows that the database has not recorded as applied. */
  pendingMigrations: readonly string[] | undefined;
  ledgerSize: number | undefined;
}

export type ReadinessBody =
  | { status: 'ready'; checks: { database: 'ok'; migrations: 'ok'; ledger: 'ok' }; ledgerSize: number }
  | { status: 'unavailable'; checks: { database: string; migrations: string; ledger: string } }
  | { status: 'shutting down' };

/**
 * Ready only when every check passed; otherwise each check says what failed, in words an operator
 * can act on and nothing more (no SQL, no error text: the body is public).
 */
export function assessReadiness(probe: ReadinessProbe): { ready: boolean; body: ReadinessBody } {
  const { databaseAnswered, pendingMigrations, ledgerSize } = probe;
  if (databaseAnswered && pendingMigrations?.length === 0 && ledgerSize !== undefined) {
    return { ready: true, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', ledger: 'ok' }, ledgerSize } };
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
    },
  };
}

export const SHUTTING_DOWN: { ready: false; body: ReadinessBody } = { ready: false, body: { status: 'shutting down' } };
