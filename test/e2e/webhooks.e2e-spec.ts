import { afterAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { gqlOk, useTestApp } from '../support/test-app.js';
import { INITIATE_RECALL } from '../support/documents.js';

/** Recall notices reach a holder's webhook, signed, and are retried until it answers 2xx. */
describe('recall webhooks', () => {
  const service = useTestApp();
  const received: { body: string; signature: string | undefined; delivery: string | undefined }[] = [];
  let failuresLeft = 1;
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({
        body,
        signature: req.headers['x-suyuan-signature'] as string | undefined,
        delivery: req.headers['x-suyuan-delivery'] as string | undefined,
      });
      res.statusCode = failuresLeft-- > 0 ? 503 : 204;
      res.end();
    });
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('signs each delivery with HMAC-SHA256 and retries after a failure', async () => {
    const { app } = service;
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/recalls`;
    const { org: producer, batch } = await producerWithBatch(app);
    const { secret } = (await gqlOk(app, 'mutation($url: String!) { registerWebhook(url: $url) { url secret } }', { url }, producer.key)).registerWebhook;
    const regulator = await createOrg(app, 'REGULATOR');
    const recall = (await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_1', reason: '检出沙门氏菌' } }, regulator.key))
      .initiateRecall;

    const deadline = Date.now() + 10_000;
    while (received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(received).toHaveLength(2); // a 503, then the retry that succeeded
    const [first, second] = received;
    expect(second.body).toBe(first.body);
    expect(second.delivery).toBe(first.delivery);
    expect(JSON.parse(second.body)).toMatchObject({
      type: 'recall.issued',
      recallId: recall.id,
      level: 'LEVEL_1',
      reason: '检出沙门氏菌',
      batchIds: [batch.id],
    });
    expect(second.signature).toBe(`sha256=${createHmac('sha256', secret).update(second.body).digest('hex')}`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toHaveLength(2); // delivered once it succeeded: no more attempts
  });
});
