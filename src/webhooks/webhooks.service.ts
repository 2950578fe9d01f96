import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Caller, requireOrganization } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EndpointQueues } from './endpoint-queues.js';
import { WebhookDeliveryModel, WebhookDeliveryStatus } from './webhook-delivery.model.js';
import { generateWebhookSecret, MAX_WEBHOOK_ATTEMPTS, signWebhook } from './webhook-signature.js';
import { sendWebhook } from './webhook-sender.js';
import { checkWebhookUrl, type WebhookDestinationPolicy } from './webhook-url.js';
import { ClaimedDelivery, WebhooksRepository } from './webhooks.repository.js';

const POLL_MS = 500;
const ATTEMPT_TIMEOUT_MS = 5000;
/** Endpoints sent to at once (each one delivery at a time): a tarpit holds one slot, never the others. */
const MAX_ENDPOINTS_AT_ONCE = 32;
/** Deliveries taken for one endpoint per claim; the rest wait in the table for its next turn. */
const MAX_QUEUED_PER_ENDPOINT = 5;
/** A claim outlives the longest turn of an endpoint (every attempt timing out), with room to spare. */
const LEASE_MS = 2 * MAX_QUEUED_PER_ENDPOINT * ATTEMPT_TIMEOUT_MS;
/** Deliveries an organization sees in its list. */
const RECENT_DELIVERIES = 50;

/** Signed webhook POSTs, delivered from the outbox with retries and backoff, to public addresses only. */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private readonly policy: WebhookDestinationPolicy;
  private readonly queues = new EndpointQueues<ClaimedDelivery>(MAX_ENDPOINTS_AT_ONCE, MAX_QUEUED_PER_ENDPOINT, (d, stopped) => this.attempt(d, stopped));
  private timer: NodeJS.Timeout | undefined;
  private claiming: Promise<void> | undefined;

  constructor(
    private readonly webhooks: WebhooksRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = { allowHttp: config.webhookAllowHttp, allowedHosts: config.webhookAllowedHosts };
  }

  /** An organization registers (or replaces) its endpoint; the signing secret is returned once. */
  async register(caller: Caller, url: string): Promise<{ url: string; secret: string }> {
    const org = requireOrganization(caller);
    const checked = checkWebhookUrl(url, this.policy);
    if ('problem' in checked) throw new DomainError('INVALID_INPUT', checked.problem);
    const secret = generateWebhookSecret();
    await this.webhooks.upsert(org.organizationId, checked.url.href, secret);
    return { url: checked.url.href, secret };
  }

  /** The caller's organization's latest deliveries: what arrived, what is retried and why each last attempt failed. */
  async deliveries(caller: Caller): Promise<WebhookDeliveryModel[]> {
    const org = requireOrganization(caller);
    const records = await this.webhooks.recentDeliveries(org.organizationId, RECENT_DELIVERIES);
    return records.map((r) => {
      const status =
        r.deliveredAt !== null
          ? WebhookDeliveryStatus.DELIVERED
          : r.attempts >= MAX_WEBHOOK_ATTEMPTS
            ? WebhookDeliveryStatus.FAILED
            : WebhookDeliveryStatus.RETRYING;
      return { ...r, status, nextAttemptAt: status === WebhookDeliveryStatus.RETRYING ? r.nextAttemptAt : null };
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.claimDue(), POLL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.claiming;
    // Deliveries not yet tried go back to the table at once rather than waiting out their lease.
    const unstarted = await this.queues.stop();
    await this.webhooks.release(unstarted).catch((err: Error) => this.logger.warn(`could not release webhook deliveries: ${err.message}`));
  }

  /** Takes due deliveries for endpoints with nothing in hand, and queues them per endpoint. */
  private async claimDue(): Promise<void> {
    if (this.claiming || this.queues.freeEndpoints() <= 0) return;
    this.claiming = (async () => {
      const claimed = await this.webhooks.claimDue({
        endpoints: this.queues.freeEndpoints(),
        perEndpoint: MAX_QUEUED_PER_ENDPOINT,
        busy: this.queues.busyEndpoints(),
        leaseMs: LEASE_MS,
      });
      const byEndpoint = new Map<string, ClaimedDelivery[]>();
      for (const d of claimed) byEndpoint.set(d.organizationId, [...(byEndpoint.get(d.organizationId) ?? []), d]);
      for (const [organizationId, deliveries] of byEndpoint) this.queues.add(organizationId, deliveries);
    })()
      .catch((err: Error) => this.logger.error(`claiming webhook deliveries failed: ${err.message}`))
      .finally(() => (this.claiming = undefined));
    await this.claiming;
  }

  private async attempt(d: ClaimedDelivery, stopped: AbortSignal): Promise<void> {
    const signal = AbortSignal.any([stopped, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]);
    const error = await sendWebhook(
      {
        url: d.url,
        body: d.body,
        headers: { 'content-type': 'application/json', 'x-suyuan-signature': signWebhook(d.secret, d.body), 'x-suyuan-delivery': d.id },
      },
      this.policy,
      signal,
    );
    try {
      // Cut short by shutdown: not the endpoint's fault, so no attempt is counted.
      if (stopped.aborted && error !== null) await this.webhooks.release([d]);
      else await this.webhooks.recordAttempt(d, error);
    } catch (err) {
      this.logger.error(`recording webhook delivery ${d.id} failed: ${(err as Error).message}`);
    }
  }
}
