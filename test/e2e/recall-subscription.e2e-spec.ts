import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import { Client, createClient } from 'graphql-ws';
import type { App } from 'supertest/types.js';
import WebSocket from 'ws';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { createTestApp, gqlOk, listenOnLoopback } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { INITIATE_RECALL } from '../support/documents.js';

/** recallIssued over graphql-ws: the holder of an affected batch and regulators hear of it at once; others do not. */
describe('recallIssued subscription', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    url = (await listenOnLoopback(app)).replace('http', 'ws') + '/graphql';
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await app.close();
    await db.drop();
  });

  /** Subscribes with a key; collects the recall ids heard. */
  function listen(key: string): { heard: string[]; ready: Promise<void> } {
    const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, lazy: false });
    clients.push(client);
    const heard: string[] = [];
    const ready = new Promise<void>((resolve) => client.on('connected', () => setTimeout(resolve, 200)));
    client.subscribe<{ recallIssued: { id: string } }>(
      { query: 'subscription { recallIssued { id level affectedBatches { id } } }' },
      {
        next: (message) => message.data && heard.push(message.data.recallIssued.id),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    return { heard, ready };
  }

  it('tells the holder and regulators, not an uninvolved organization', async () => {
    const { org: producer, batch } = await producerWithBatch(app);
    const regulator = await createOrg(app, 'REGULATOR');
    const stranger = await createOrg(app);
    const holder = listen(producer.key);
    const watcher = listen(regulator.key);
    const outsider = listen(stranger.key);
    await Promise.all([holder.ready, watcher.ready, outsider.ready]);

    const recall = (await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_2', reason: '菌落总数超标' } }, regulator.key))
      .initiateRecall;
    const deadline = Date.now() + 5000;
    while ((holder.heard.length === 0 || watcher.heard.length === 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    expect(holder.heard).toEqual([recall.id]);
    expect(watcher.heard).toEqual([recall.id]);
    expect(outsider.heard).toEqual([]);
  });
});
