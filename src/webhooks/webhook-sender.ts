import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { internalAddressReason } from './webhook-address.js';
import { checkWebhookUrlForm, type WebhookDestinationPolicy } from './webhook-url.js';

export interface OutgoingWebhook {
  url: string;
  body: string;
  headers: Record<string, string>;
}

interface VettedAddress {
  address: string;
  family: number;
}

/**
 * POSTs one delivery and says why it failed, or null when the endpoint answered 2xx.
 *
 * - The URL's form is checked again (rows stored before a rule existed, or a setting since removed).
 * - The host is resolved here and refused when any of its addresses is internal (unless the operator
 *   allowed the host): an address literal directly, a name by what DNS answers now. The connection
 *   goes to the addresses vetted, never to a second resolution, so a DNS answer that changes between
 *   check and connect cannot redirect it.
 * - A redirect is a failure: its target was never vetted, and the signature must not follow it.
 * - Everything, resolution included, ends when `signal` fires (the timeout, or shutdown).
 */
export async function sendWebhook(outgoing: OutgoingWebhook, policy: WebhookDestinationPolicy, signal: AbortSignal): Promise<string | null> {
  const checked = checkWebhookUrlForm(outgoing.url, policy);
  if ('problem' in checked) return `refused: ${checked.problem}`;
  const { url, allowedHost } = checked;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');

  let addresses: VettedAddress[];
  if (isIP(host) !== 0) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await abortable(lookup(host, { all: true }), signal);
    } catch (err) {
      return signal.aborted ? describeAbort(signal) : `could not resolve ${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
    }
    if (addresses.length === 0) return `could not resolve ${host}: no address`;
  }
  if (!allowedHost) {
    for (const { address } of addresses) {
      const reason = internalAddressReason(address);
      if (reason === null) continue;
      const where = address === host ? `${host} is` : `${host} resolves to ${address},`;
      return `refused: ${where} ${reason}; webhooks go to public addresses only`;
    }
  }
  return post(url, outgoing, addresses, signal);
}

function post(url: URL, outgoing: OutgoingWebhook, addresses: VettedAddress[], signal: AbortSignal): Promise<string | null> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(url, {
      method: 'POST',
      headers: { ...outgoing.headers, 'content-length': String(Buffer.byteLength(outgoing.body)) },
      lookup: pinnedLookup(addresses),
      agent: false,
      signal,
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      // Only the status matters: the body is never read, so a slow or endless one holds nothing.
      response.destroy();
      request.destroy();
      if (status >= 200 && status < 300) resolve(null);
      else if (status >= 300 && status < 400) resolve(`HTTP ${status}: redirects are not followed`);
      else resolve(`HTTP ${status}`);
    });
    request.on('error', (err: NodeJS.ErrnoException) => resolve(signal.aborted ? describeAbort(signal) : (err.code ?? err.message)));
    request.end(outgoing.body);
  });
}

/** Hands the connection the addresses already vetted, whatever it asks for. */
function pinnedLookup(addresses: VettedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  };
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describeAbort(signal: AbortSignal): string {
  const reason = signal.reason as Error | undefined;
  return reason?.name === 'TimeoutError' ? 'timed out' : `aborted: ${reason?.message ?? 'shutting down'}`;
}
