import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from 'supertest/types.js';
import { createOrg, producerWithBatch, type Org } from '../support/builders.js';
import { INITIATE_RECALL } from '../support/documents.js';
import { createTestApp, gql, gqlOk, useTestApp } from '../support/test-app.js';

const REGISTER = 'mutation($url: String!) { registerWebhook(url: $url) { url secret } }';
const DELIVERIES = 'query { webhookDeliveries { id status attempts deliveredAt lastError } }';

interface Received {
  path: string;
  body: string;
  signature: string | undefined;
  delivery: string | undefined;
}

/** A local HTTP endpoint that records what reaches it and answers as `answer` says (or never). */
class Listener {
  readonly received: Received[] = [];
  /** Requests that reached it and whose connection is still open. */
  open = 0;
  private readonly server: http.Server;

  constructor(answer: (res: http.ServerResponse, count: number) => void) {
    this.server = http.createServer((req, res) => {
      this.open++;
      res.on('close', () => this.open--);
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        this.received.push({
          path: req.url ?? '',
          body,
          signature: req.headers['x-suyuan-signature'] as string | undefined,
          delivery: req.headers['x-suyuan-delivery'] as string | undefined,
        });
        answer(res, this.received.length);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The URL by the name `localhost` (the tests allow it with WEBHOOK_ALLOWED_HOSTS). */
  url(path: string): string {
    return `http://localhost:${(this.server.address() as AddressInfo).port}${path}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const listeners: Listener[] = [];
async function listener(answer: (res: http.ServerResponse, count: number) => void): Promise<Listener> {
  const started = await new Listener(answer).start();
  listeners.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(listeners.splice(0).map((l) => l.close()));
});

/** Waits (polling, never timing anything) until `ready` holds; fails naming `what` after 20 s. */
async function until(what: string, ready: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function recallBatch(app: INestApplication<App>, regulator: Org, batchId: string): Promise<string> {
  const recall = await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [batchId], level: 'LEVEL_1', reason: '检出沙门氏菌' } }, regulator.key);
  return recall.initiateRecall.id as string;
}

interface DeliveryView {
  id: string;
  status: string;
  attempts: number;
  deliveredAt: string | null;
  lastError: string | null;
}
async function deliveries(app: INestApplication<App>, org: Org): Promise<DeliveryView[]> {
  return (await gqlOk(app, DELIVERIES, undefined, org.key)).webhookDeliveries as DeliveryView[];
}

describe('registering a webhook', () => {
  const service = useTestApp();

  it.each([
    ['https://169.254.169.254/latest/meta-data/', 'a link-local address'],
    ['https://127.0.0.1:5432/', 'a loopback address'],
    ['https://[::1]:6379/', 'a loopback address'],
    ['https://2130706433/', 'a loopback address'],
    ['https://127.1/', 'a loopback address'],
    ['https://0x7f.1/', 'a loopback address'],
    ['https://0177.0.0.1/', 'a loopback address'],
    ['https://0.0.0.0/', 'an unspecified'],
    ['https://[::]/', 'an unspecified address'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'a name under .internal'],
    ['https://localhost:8080/hook', 'a loopback name'],
    ['https://redis:6379/', 'a single-label name'],
    ['https://10.0.0.5/', 'a private address'],
    ['https://172.16.0.1/', 'a private address'],
    ['https://192.168.1.1/', 'a private address'],
    ['https://100.64.0.1/', 'a shared (carrier-grade NAT) address'],
    ['https://224.0.0.1/', 'a multicast address'],
    ['https://255.255.255.255/', 'the broadcast address'],
    ['https://192.0.2.1/', 'a documentation address'],
    ['https://[fe80::1]/', 'a link-local address'],
    ['https://[fd00::1]/', 'a unique-local address'],
    ['https://[ff02::1]/', 'a multicast address'],
    ['https://[2001:db8::1]/', 'a documentation address'],
    ['https://[::ffff:127.0.0.1]:5432/', 'an IPv4-mapped form of a loopback address'],
    ['https://[::ffff:169.254.169.254]/', 'an IPv4-mapped form of a link-local address'],
    ['https://[::ffff:10.0.0.1]/', 'an IPv4-mapped form of a private address'],
    ['https://[64:ff9b::a9fe:a9fe]/', 'a NAT64 address'],
  ])('refuses %s: %s', async (url, reason) => {
    const org = await createOrg(service.app);
    const res = await gql(service.app, REGISTER, { url }, org.key);
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toContain(reason);
    expect(res.errors?.[0].message).toContain('webhooks go to public addresses only');
  });

  it('refuses a 2,100-character URL with BAD_USER_INPUT naming the limit', async () => {
    const org = await createOrg(service.app);
    const url = `https://hooks.example.org/${'a'.repeat(2100 - 26)}`;
    expect(url).toHaveLength(2100);
    const res = await gql(service.app, REGISTER, { url }, org.key);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toBe('url is 2100 characters long; at most 2000 are accepted');
  });

  it('refuses plain http (unless the operator allows it) and credentials in the URL', async () => {
    const org = await createOrg(service.app);
    const http = await gql(service.app, REGISTER, { url: 'http://hooks.example.org/suyuan' }, org.key);
    expect(http.errors?.[0]).toMatchObject({ message: 'url must use https (got http)', extensions: { code: 'BAD_USER_INPUT' } });
    const credentials = await gql(service.app, REGISTER, { url: 'https://me:secret@hooks.example.org/suyuan' }, org.key);
    expect(credentials.errors?.[0]).toMatchObject({ message: 'url must not carry a user name or password', extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('accepts a public https URL, stored in its normalised form', async () => {
    const org = await createOrg(service.app);
    const { registerWebhook } = await gqlOk(service.app, REGISTER, { url: 'HTTPS://Hooks.Example.ORG/suyuan' }, org.key);
    expect(registerWebhook.url).toBe('https://hooks.example.org/suyuan');
  });
});

describe('delivering to local listeners the operator allowed (WEBHOOK_ALLOWED_HOSTS=localhost)', () => {
  const service = useTestApp({ WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: 'localhost' });

  it('signs each delivery with HMAC-SHA256 and retries after a failure', async () => {
    const { app } = service;
    const receiver = await listener((res, count) => {
      res.statusCode = count === 1 ? 503 : 204;
      res.end();
    });
    const { org: producer, batch } = await producerWithBatch(app);
    const { secret } = (await gqlOk(app, REGISTER, { url: receiver.url('/hooks/recalls') }, producer.key)).registerWebhook;
    const regulator = await createOrg(app, 'REGULATOR');
    const recallId = await recallBatch(app, regulator, batch.id);

    await until('the retry arrives', () => receiver.received.length >= 2);
    await until('the delivery is recorded', async () => (await deliveries(app, producer))[0]?.status === 'DELIVERED');
    const [first, second] = receiver.received;
    expect(second.body).toBe(first.body);
    expect(second.delivery).toBe(first.delivery);
    expect(JSON.parse(second.body)).toMatchObject({ type: 'recall.issued', recallId, level: 'LEVEL_1', reason: '检出沙门氏菌', batchIds: [batch.id] });
    expect(second.signature).toBe(`sha256=${createHmac('sha256', secret).update(second.body).digest('hex')}`);
    expect(await deliveries(app, producer)).toEqual([expect.objectContaining({ id: first.delivery, status: 'DELIVERED', attempts: 2, lastError: 'HTTP 503' })]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received).toHaveLength(2); // delivered once it succeeded: no more attempts
  });

  it('follows no redirect: a 307 is a failed delivery, and its target never receives the signed notice', async () => {
    const { app } = service;
    const target = await listener((res) => res.end());
    const redirecting = await listener((res) => {
      res.writeHead(307, { location: target.url('/stolen') });
      res.end();
    });
    const { org: producer, batch } = await producerWithBatch(app);
    await gqlOk(app, REGISTER, { url: redirecting.url('/hooks') }, producer.key);
    await recallBatch(app, await createOrg(app, 'REGULATOR'), batch.id);

    // The first attempt and its retry (after 1 s) both stop at the redirect.
    await until('the retry reaches the redirecting endpoint', () => redirecting.received.length >= 2);
    await until('both attempts are recorded', async () => (await deliveries(app, producer))[0]?.attempts === 2);
    expect(target.received).toEqual([]);
    expect(await deliveries(app, producer)).toEqual([
      expect.objectContaining({ status: 'RETRYING', deliveredAt: null, lastError: 'HTTP 307: redirects are not followed' }),
    ]);
  });

  it("one endpoint that never answers does not hold back another organization's notice", async () => {
    const { app } = service;
    const tarpit = await listener(() => undefined); // reads the request, never answers
    const prompt = await listener((res) => res.end());
    const slow = await producerWithBatch(app);
    const other = await producerWithBatch(app);
    await gqlOk(app, REGISTER, { url: tarpit.url('/hooks') }, slow.org.key);
    await gqlOk(app, REGISTER, { url: prompt.url('/hooks') }, other.org.key);
    const regulator = await createOrg(app, 'REGULATOR');

    await recallBatch(app, regulator, slow.batch.id);
    await until('the tarpit holds a delivery', () => tarpit.open > 0);
    const recallId = await recallBatch(app, regulator, other.batch.id);
    await until("the other organization's notice arrives", () => prompt.received.length > 0);
    // Arrived while the tarpit's request is still open: nothing waited for it.
    expect(tarpit.open).toBe(1);
    expect(tarpit.received).toHaveLength(1);
    expect(JSON.parse(prompt.received[0].body)).toMatchObject({ type: 'recall.issued', recallId });
  });
});

describe('a host that resolves to an internal address, not allowed', () => {
  // Plain http is allowed here; the host is not.
  const service = useTestApp({ WEBHOOK_ALLOW_HTTP: 'true' });

  it('is refused at delivery (localhost, registered while an earlier start allowed it), recorded for its owner', async () => {
    const receiver = await listener((res) => res.end());
    const { org: producer, batch } = await producerWithBatch(service.app);
    const earlier = await createTestApp(service.db.url, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_HOSTS: 'localhost' });
    try {
      await gqlOk(earlier, REGISTER, { url: receiver.url('/hooks') }, producer.key);
    } finally {
      await earlier.close();
    }
    await recallBatch(service.app, await createOrg(service.app, 'REGULATOR'), batch.id);

    await until('the attempt is recorded', async () => ((await deliveries(service.app, producer))[0]?.attempts ?? 0) >= 1);
    const [delivery] = await deliveries(service.app, producer);
    expect(delivery).toMatchObject({ status: 'RETRYING', deliveredAt: null });
    expect(delivery.lastError).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address; webhooks go to public addresses only$/);
    expect(receiver.received).toEqual([]);
  });
});
