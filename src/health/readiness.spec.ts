import { describe, expect, it } from '@jest/globals';
import { assessReadiness } from './readiness.js';

describe('assessReadiness', () => {
  it('is ready when the database answers, every migration is applied and the chain head was read', () => {
    expect(assessReadiness({ databaseAnswered: true, pendingMigrations: [], ledgerSize: 42 })).toEqual({
      ready: true,
      body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', ledger: 'ok' }, ledgerSize: 42 },
    });
  });

  it('names the migrations the database has not run', () => {
    expect(assessReadiness({ databaseAnswered: true, pendingMigrations: ['Foo123', 'Bar456'], ledgerSize: 0 })).toEqual({
      ready: false,
      body: { status: 'unavailable', checks: { database: 'ok', migrations: 'missing Foo123, Bar456', ledger: 'ok' } },
    });
  });

  it('says the chain head is unreadable when only that failed', () => {
    expect(assessReadiness({ databaseAnswered: true, pendingMigrations: [], ledgerSize: undefined }).body).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', migrations: 'ok', ledger: 'unreadable' },
    });
  });

  it("with the primary down and a replica serving reads, is ready but read-only, with the replica's ledger size", () => {
    const replicas = [{ state: 'usable' as const, lagMs: 0 }];
    expect(assessReadiness({ databaseAnswered: false, pendingMigrations: undefined, ledgerSize: undefined, replicas, replicaLedgerSize: 40 })).toEqual({
      ready: true,
      body: { status: 'read-only', checks: { database: 'primary unreachable', reads: 'replica', writes: 'unavailable' }, ledgerSize: 40, replicas },
    });
  });

  it('with the primary down and no replica that reads can use, is unavailable', () => {
    const replicas = [{ state: 'down' as const }];
    expect(assessReadiness({ databaseAnswered: false, pendingMigrations: undefined, ledgerSize: undefined, replicas }).body).toEqual({
      status: 'unavailable',
      checks: { database: 'unreachable', migrations: 'unknown', ledger: 'unknown' },
      replicas,
    });
  });

  it('with no database, says so and claims nothing about the rest', () => {
    expect(assessReadiness({ databaseAnswered: false, pendingMigrations: undefined, ledgerSize: undefined })).toEqual({
      ready: false,
      body: { status: 'unavailable', checks: { database: 'unreachable', migrations: 'unknown', ledger: 'unknown' } },
    });
  });

  it('reports the last projection audit without its values, and stays ready when rows disagree', () => {
    const auditedAt = new Date('2026-12-06T08:00:00.000Z');
    const first = {
      table: 'facility' as const,
      id: 'f-1',
      column: 'name',
      ledgerValue: '东山农场',
      tableValue: '西山农场',
      seq: 7,
      reason: 'facility f-1 name: …',
    };
    const projectionAudit = { auditedAt, ledgerSize: 42, clean: false, rowsChecked: 9, disagreements: 1, uncheckedRows: 0, firstDisagreement: first };
    expect(assessReadiness({ databaseAnswered: true, pendingMigrations: [], ledgerSize: 42, projectionAudit })).toEqual({
      ready: true,
      body: {
        status: 'ready',
        checks: { database: 'ok', migrations: 'ok', ledger: 'ok' },
        ledgerSize: 42,
        projectionAudit: {
          auditedAt: '2026-12-06T08:00:00.000Z',
          ledgerSize: 42,
          clean: false,
          rowsChecked: 9,
          disagreements: 1,
          firstDisagreement: { table: 'facility', id: 'f-1', column: 'name', seq: 7 },
        },
      },
    });
  });
});
