import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database, type Tx } from '../database/database.js';
import { MAX_WEBHOOK_ATTEMPTS, retryDelayMs } from './webhook-signature.js';

export interface DueDelivery {
  id: string;
  url: string;
  secret: string;
  body: string;
  attempts: number;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly db: Database) {}

  async upsert(organizationId: string, url: string, secret: string): Promise<void> {
    await this.db.query(
      `INSERT INTO webhook (organization_id, url, secret) VALUES ($1, $2, $3)
       ON CONFLICT (organization_id) DO UPDATE SET url = excluded.url, secret = excluded.secret`,
      [organizationId, url, secret],
    );
  }

  /** Queues a delivery to each of these organizations that registered a webhook, in the caller's transaction. */
  async enqueueInTx(tx: Tx, bodies: Map<string, string>): Promise<void> {
    const organizations = [...bodies.keys()];
    if (organizations.length === 0) return;
    await tx.query(
      `INSERT INTO webhook_delivery (id, organization_id, body, next_attempt_at)
       SELECT d.id, d.organization_id, d.body, now() FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS d(id, organization_id, body)
       WHERE EXISTS (SELECT 1 FROM webhook w WHERE w.organization_id = d.organization_id)`,
      [organizations.map(() => randomUUID()), organizations, organizations.map((o) => bodies.get(o)!)],
    );
  }

  /**
   * Delivers what is due, each delivery locked while it is tried (SKIP LOCKED: several service
   * processes never send the same one twice at once).
   */
  async withDue(limit: number, deliver: (d: DueDelivery) => Promise<string | null>): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string; url: string; secret: string; body: string; attempts: number }>(
        `SELECT d.id, w.url, w.secret, d.body, d.attempts FROM webhook_delivery d JOIN webhook w ON w.organization_id = d.organization_id
         WHERE d.delivered_at IS NULL AND d.next_attempt_at <= now() AND d.attempts < $2
         ORDER BY d.next_attempt_at LIMIT $1 FOR UPDATE OF d SKIP LOCKED`,
        [limit, MAX_WEBHOOK_ATTEMPTS],
      );
      for (const row of rows) {
        const error = await deliver(row);
        if (error === null) await tx.query('UPDATE webhook_delivery SET delivered_at = now(), attempts = attempts + 1 WHERE id = $1', [row.id]);
        else {
          await tx.query(
            `UPDATE webhook_delivery SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + ($3 || ' milliseconds')::interval WHERE id = $1`,
            [row.id, error.slice(0, 500), String(retryDelayMs(row.attempts + 1))],
          );
        }
      }
    });
  }
}
