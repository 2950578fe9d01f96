import { internalHostReason } from './webhook-address.js';

/** The longest webhook URL accepted (the column holds 2,000 characters). */
export const MAX_WEBHOOK_URL_LENGTH = 2000;

export interface WebhookDestinationPolicy {
  /** Plain http accepted (local tests); otherwise https only. */
  allowHttp: boolean;
  /** Host names (lower case, as URL.hostname gives them without brackets) exempt from the internal-address rules. */
  allowedHosts: ReadonlySet<string>;
}

export type WebhookUrlCheck = { url: URL; allowedHost: boolean } | { problem: string };

/**
 * Whether a webhook URL may be stored: its form (below), and a host that is not internal by itself
 * (an address, or a name such as localhost or metadata.google.internal). What a name resolves to is
 * judged at each delivery.
 */
export function checkWebhookUrl(raw: string, policy: WebhookDestinationPolicy): WebhookUrlCheck {
  const checked = checkWebhookUrlForm(raw, policy);
  if ('problem' in checked || checked.allowedHost) return checked;
  const reason = internalHostReason(checked.url.hostname);
  return reason === null ? checked : { problem: `url host ${checked.url.hostname} is ${reason}; webhooks go to public addresses only` };
}

/** The form of a webhook URL: https (http only when allowed), of bounded length, with no credentials. */
export function checkWebhookUrlForm(raw: string, policy: WebhookDestinationPolicy): WebhookUrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    return { problem: `url is ${raw.length} characters long; at most ${MAX_WEBHOOK_URL_LENGTH} are accepted` };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'url is not a valid absolute URL' };
  }
  // The parser percent-encodes and punycodes: the stored form must fit too.
  if (url.href.length > MAX_WEBHOOK_URL_LENGTH) {
    return { problem: `url is ${url.href.length} characters long once encoded; at most ${MAX_WEBHOOK_URL_LENGTH} are accepted` };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) {
    return { problem: `url must use https (got ${url.protocol.replace(/:$/, '')})` };
  }
  if (url.username !== '' || url.password !== '') return { problem: 'url must not carry a user name or password' };
  return { url, allowedHost: isAllowedHost(url.hostname, policy) };
}

/** Whether the operator exempted this host (the URL's hostname; IPv6 compared without brackets, a trailing dot ignored). */
export function isAllowedHost(hostname: string, policy: WebhookDestinationPolicy): boolean {
  return policy.allowedHosts.has(hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, ''));
}
