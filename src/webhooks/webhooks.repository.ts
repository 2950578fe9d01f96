import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database, type Tx } from '../database/database.js';
import { MAX_WEBHOOK_ATTEMPTS, retryDelayMs } from './webhook-signature.js';

/** A delivery taken for sending: leased to this process until it is recorded or released. */
export interface ClaimedDelivery {
  id: string;
  organizationId: string;
  url: string;
  secret: string;
  body: string;
  attempts: number;
  /** When it fell due: an endpoint's deliveries are sent in this order. */
  dueAt: Date;
}

export interface ClaimLimits {
  /** Most organizations (endpoints) to take deliveries for. */
  endpoints: number;
  /** Most deliveries to take for one organization. */
  perEndpoint: number;
  /** Organizations this process is still sending to: left for a later claim. */
  busy: string[];
  /** How long a claim holds before another process may take the delivery again (a crash in between). */
  leaseMs: number;
}

/** A delivery as its organization sees it. */
export interface DeliveryRecord {
  id: string;
  createdAt: Date;
  attempts: number;
  deliveredAt: Date | null;
  nextAttemptAt: Date;
  lastError: string | null;
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

  /** An organization's latest deliveries, newest first. */
  async recentDeliveries(organizationId: string, limit: number): Promise<DeliveryRecord[]> {
    const { rows } = await this.db.query<DeliveryRecord>(
      `SELECT id, created_at AS "createdAt", attempts, delivered_at AS "deliveredAt", next_attempt_at AS "nextAttemptAt", last_error AS "lastError"
       FROM webhook_delivery WHERE organization_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [organizationId, limit],
    );
    return rows;
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
   * Takes due deliveries, the earliest-due endpoints first, and leases them (their next attempt moves
   * past the lease), so neither this process's next claim nor another process's takes them while
   * they are being sent; SKIP LOCKED keeps two claims at once apart.
   */
  async claimDue(limits: ClaimLimits): Promise<ClaimedDelivery[]> {
    const { rows } = await this.db.query<ClaimedDelivery>(
      `WITH due_endpoint AS (
         SELECT d.organization_id, min(d.next_attempt_at) AS first_due FROM webhook_delivery d
         WHERE d.delivered_at IS NULL AND d.next_attempt_at <= now() AND d.attempts < $1 AND d.organization_id <> ALL($2::uuid[])
         GROUP BY d.organization_id ORDER BY first_due LIMIT $3
       ), claimed AS (
         SELECT c.id, c.next_attempt_at AS due_at FROM due_endpoint e CROSS JOIN LATERAL (
           SELECT d.id, d.next_attempt_at FROM webhook_delivery d
           WHERE d.organization_id = e.organization_id AND d.delivered_at IS NULL AND d.next_attempt_at <= now() AND d.attempts < $1
           ORDER BY d.next_attempt_at, d.id LIMIT $4 FOR UPDATE SKIP LOCKED
         ) c
       )
       UPDATE webhook_delivery d SET next_attempt_at = now() + make_interval(secs => $5)
       FROM claimed, webhook w WHERE d.id = claimed.id AND w.organization_id = d.organization_id
       RETURNING d.id, d.organization_id AS "organizationId", w.url, w.secret, d.body, d.attempts, claimed.due_at AS "dueAt"`,
      [MAX_WEBHOOK_ATTEMPTS, limits.busy, limits.endpoints, limits.perEndpoint, limits.leaseMs / 1000],
    );
    return rows.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || a.id.localeCompare(b.id));
  }

  /** Records one attempt: delivered, or failed (refused, timed out, a non-2xx answer) and due again after the backoff. */
  async recordAttempt(delivery: Pick<ClaimedDelivery, 'id' | 'attempts'>, error: string | null): Promise<void> {
    if (error === null) {
      await this.db.query('UPDATE webhook_delivery SET delivered_at = now(), attempts = attempts + 1 WHERE id = $1', [delivery.id]);
      return;
    }
    await this.db.query(
      `UPDATE webhook_delivery SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + ($3 || ' milliseconds')::interval WHERE id = $1`,
      [delivery.id, error.slice(0, 500), String(retryDelayMs(delivery.attempts + 1))],
    );
  }

  /** Gives back deliveries taken but not tried (shutdown): due again at once, no attempt counted. */
  async release(deliveries: Pick<ClaimedDelivery, 'id' | 'dueAt'>[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.query(
      `UPDATE webhook_delivery d SET next_attempt_at = r.due_at FROM unnest($1::uuid[], $2::timestamptz[]) AS r(id, due_at)
       WHERE d.id = r.id AND d.delivered_at IS NULL`,
      [deliveries.map((d) => d.id), deliveries.map((d) => d.dueAt)],
    );
  }
}
