import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database } from '../database/database.js';
import type { AuditRequester, AuditRun } from './audit-run.js';

interface AuditRunRow {
  finished_at: Date;
  requested_by_kind: AuditRequester['kind'];
  requested_by_id: string | null;
  from_seq: string;
  to_seq: string;
  chain_valid: boolean | null;
  checked_entries: string | null;
  first_invalid_seq: string | null;
  projections_clean: boolean | null;
  rows_checked: string | null;
  disagreements: string | null;
  unchecked_rows: string | null;
}

const nullableNumber = (value: string | null) => (value === null ? null : Number(value));

/** The ledger's completed audits (table ledger_audit_run, append-only). */
@Injectable()
export class AuditRunsRepository {
  constructor(private readonly db: Database) {}

  async record(run: AuditRun): Promise<void> {
    await this.db.query(
      `INSERT INTO ledger_audit_run (id, finished_at, requested_by_kind, requested_by_id, from_seq, to_seq, chain_valid, checked_entries,
         first_invalid_seq, projections_clean, rows_checked, disagreements, unchecked_rows)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        randomUUID(),
        run.finishedAt.toISOString(),
        run.requestedBy.kind,
        run.requestedBy.kind === 'ORGANIZATION' ? run.requestedBy.organizationId : null,
        run.fromSeq,
        run.toSeq,
        run.chain?.valid ?? null,
        run.chain?.checkedEntries ?? null,
        run.chain?.firstInvalidSeq ?? null,
        run.projections?.clean ?? null,
        run.projections?.rowsChecked ?? null,
        run.projections?.disagreements ?? null,
        run.projections?.uncheckedRows ?? null,
      ],
    );
  }

  /** The newest completed audit, or null before the first. */
  async latest(): Promise<AuditRun | null> {
    const { rows } = await this.db.query<AuditRunRow>('SELECT * FROM ledger_audit_run ORDER BY finished_at DESC, id LIMIT 1');
    const r = rows[0];
    if (!r) return null;
    return {
      finishedAt: r.finished_at,
      requestedBy: r.requested_by_kind === 'ORGANIZATION' ? { kind: 'ORGANIZATION', organizationId: r.requested_by_id! } : { kind: r.requested_by_kind },
      fromSeq: Number(r.from_seq),
      toSeq: Number(r.to_seq),
      chain:
        r.chain_valid === null
          ? null
          : { valid: r.chain_valid, checkedEntries: Number(r.checked_entries), firstInvalidSeq: nullableNumber(r.first_invalid_seq) },
      projections:
        r.projections_clean === null
          ? null
          : {
              clean: r.projections_clean,
              rowsChecked: Number(r.rows_checked),
              disagreements: Number(r.disagreements),
              uncheckedRows: Number(r.unchecked_rows),
            },
    };
  }
}
