import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database.js';
import type { CaptureJob, JobCursor } from './capture-job.js';

interface JobRow {
  id: string;
  error_behaviour: CaptureJob['captureErrorBehaviour'];
  success: boolean;
  created_at: Date;
  finished_at: Date;
  events: CaptureJob['events'];
  errors: CaptureJob['errors'];
}

/** Capture jobs, each organization's own: written once (in the capture's transaction, or after its rollback), read by id or newest first. */
@Injectable()
export class CaptureJobRepository {
  constructor(private readonly database: Database) {}

  /** In `tx` (the capture's transaction) when given, so the job commits with what it recorded; else on its own. */
  async insert(organizationId: string, job: CaptureJob, tx: Tx = this.database): Promise<void> {
    await tx.query(
      `INSERT INTO epcis_capture_job (id, organization_id, error_behaviour, success, created_at, finished_at, event_count, events, errors)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)`,
      [
        job.captureID,
        organizationId,
        job.captureErrorBehaviour,
        job.success,
        job.createdAt,
        job.finishedAt,
        job.events.length,
        JSON.stringify(job.events),
        JSON.stringify(job.errors),
      ],
    );
  }

  /** The organization's job with this id; another organization's is not found, as an unknown one. */
  async byId(organizationId: string, id: string): Promise<CaptureJob | null> {
    const { rows } = await this.database.query<JobRow>(
      'SELECT id, error_behaviour, success, created_at, finished_at, events, errors FROM epcis_capture_job WHERE id = $1 AND organization_id = $2',
      [id, organizationId],
    );
    return rows[0] ? jobOf(rows[0]) : null;
  }

  /** The organization's jobs newest first, after `cursor`; one more than `limit` tells whether a next page exists. */
  async page(organizationId: string, limit: number, cursor: JobCursor | null): Promise<CaptureJob[]> {
    const { rows } = await this.database.query<JobRow>(
      `SELECT id, error_behaviour, success, created_at, finished_at, events, errors FROM epcis_capture_job
       WHERE organization_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [organizationId, cursor?.createdAt ?? null, cursor?.id ?? null, limit],
    );
    return rows.map(jobOf);
  }
}

function jobOf(row: JobRow): CaptureJob {
  return {
    captureID: row.id,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at.toISOString(),
    running: false,
    success: row.success,
    captureErrorBehaviour: row.error_behaviour,
    errors: row.errors,
    captured: row.events.length,
    events: row.events,
  };
}
