import { createHmac, randomBytes } from 'node:crypto';

/** The header a receiver checks: `sha256=<hex HMAC-SHA256 of the raw body with the shared secret>`. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** Retries: after 1, 2, 4, … seconds, at most 8 attempts. */
export const MAX_WEBHOOK_ATTEMPTS = 8;
export function retryDelayMs(attempts: number): number {
  return 1000 * 2 ** Math.max(0, attempts - 1);
}
