import { Injectable, Logger, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { Caller, requireOrganization } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { generateWebhookSecret, signWebhook } from './webhook-signature.js';
import { WebhooksRepository } from './webhooks.repository.js';

const POLL_MS = 500;

/** Signed webhook POSTs, delivered from the outbox with retries and backoff. */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly webhooks: WebhooksRepository) {}

  /** An organization registers (or replaces) its endpoint; the signing secret is returned once. */
  async register(caller: Caller, url: string): Promise<{ url: string; secret: string }> {
    const org = requireOrganization(caller);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DomainError('INVALID_INPUT', `url "${url}" is not a URL`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new DomainError('INVALID_INPUT', 'url must be http(s)');
    const secret = generateWebhookSecret();
    await this.webhooks.upsert(org.organizationId, parsed.toString(), secret);
    return { url: parsed.toString(), secret };
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.deliverDue(), POLL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async deliverDue(): Promise<void> {
    if (this.running) return;
    this.running = this.webhooks
      .withDue(20, async (d) => {
        try {
          const res = await fetch(d.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-suyuan-signature': signWebhook(d.secret, d.body), 'x-suyuan-delivery': d.id },
            body: d.body,
            signal: AbortSignal.timeout(5000),
          });
          return res.ok ? null : `HTTP ${res.status}`;
        } catch (err) {
          return (err as Error).message;
        }
      })
      .catch((err: Error) => this.logger.error(`webhook delivery failed: ${err.message}`))
      .finally(() => (this.running = undefined));
    await this.running;
  }
}
