import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import type { App } from 'supertest/types.js';
import type { Server } from 'node:http';
import WebSocket from 'ws';
import { WEBSOCKET_CAPS } from '../../src/graphql/graphql-websocket.js';
import { withAdminClient } from '../../src/database/postgres-server.js';
import { createOrg, producerWithBatch, type Org } from '../support/builders.js';
import { INITIATE_RECALL, REVOKE_API_KEY } from '../support/documents.js';
import { createTestApp, gql, gqlOk, TEST_ADMIN_KEY } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

const RECALL_ISSUED = 'subscription { recallIssued { id level affectedBatches { id } } }';
const CREATE_KEY = 'mutation($label: String!) { createApiKey(input: { label: $label }) { secret apiKey { id } } }';

/** graphql-ws on /graphql: subscriptions only, with a key, within the same limits as HTTP, capped, and closed when the key is revoked. */
describe('websocket limits', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  /** The service with introspection off, as production runs it, and a rate limit of 5 a minute per key. */
  let closed: INestApplication<App>;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    closed = await createTestApp(db.url, { GRAPHQL_INTROSPECTION: 'false', RATE_LIMIT_PER_KEY: '5' });
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await app.close();
    await closed.close();
    await db.drop();
  });

  /** A raw graphql-transport-ws socket: what it was told, and how it was closed. */
  interface Socket {
    ws: WebSocket;
    messages: { id?: string; type: string; payload?: any }[];
    closed: Promise<{ code: number; reason: string }>;
    subscribe(id: string, query: string): void;
    /** The first message about this subscription (next, error or complete). */
    answer(id: string): Promise<{ type: string; payload?: any }>;
  }

  async function open(on: INestApplication<App>, key?: string, params?: Record<string, unknown>): Promise<Socket> {
    if (!(on.getHttpServer() as unknown as Server).listening) await on.listen(0, '127.0.0.1');
    const url = (await on.getUrl()).replace('http', 'ws').replace('[::1]', '127.0.0.1') + '/graphql';
    const ws = new WebSocket(url, 'graphql-transport-ws');
    const messages: Socket['messages'] = [];
    let isClosed = false;
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on('close', (code, reason) => {
        isClosed = true;
        resolve({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data) => messages.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject));
    ws.send(JSON.stringify({ type: 'connection_init', payload: params ?? (key ? { authorization: `Bearer ${key}` } : {}) }));
    // Acknowledged, or closed.
    await until(() => isClosed || messages.some((m) => m.type === 'connection_ack'));
    const socket: Socket = {
      ws,
      messages,
      closed,
      subscribe: (id, query) => ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query } })),
      answer: async (id) => {
        await until(() => messages.some((m) => m.id === id));
        return messages.find((m) => m.id === id)!;
      },
    };
    sockets.push(socket);
    return socket;
  }

  /** A subscription's refusal: its error's code and reason (and message), or what else came. */
  async function refusal(socket: Socket, id: string, query: string) {
    socket.subscribe(id, query);
    const answer = await socket.answer(id);
    expect(answer.type).toBe('error');
    return { ...answer.payload[0].extensions, message: answer.payload[0].message };
  }

  it('refuses a socket without a key, or with a key that proves nothing', async () => {
    expect(await (await open(app)).closed).toEqual({ code: 4401, reason: expect.stringMatching(/^an API key is required/) });
    expect(await (await open(app, 'sy_not-a-key')).closed).toEqual({ code: 4403, reason: 'the API key is not valid or has been revoked' });
    expect(await (await open(app, undefined, { authorization: 'Basic abc' })).closed).toEqual({ code: 4403, reason: expect.stringMatching(/Bearer/) });
  });

  it('carries subscriptions only: queries, mutations and introspection go over HTTP', async () => {
    const org = await createOrg(app);
    const socket = await open(app, org.key);
    for (const [id, query] of [
      ['q', '{ ledgerInfo { size } }'],
      ['m', 'mutation { createCheckpoint { treeSize } }'],
      ['i', '{ __schema { types { name } } }'],
    ]) {
      expect(await refusal(socket, id, query)).toMatchObject({ code: 'BAD_REQUEST', reason: 'SUBSCRIPTIONS_ONLY' });
    }
    // And the other way round: a subscription POSTed over HTTP is told where it goes, not an internal error.
    for (const key of [org.key, undefined]) {
      const overHttp = await gql(app, RECALL_ISSUED, undefined, key);
      expect(overHttp.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/^subscriptions go over the websocket: graphql-ws on \/graphql/),
        extensions: { code: 'BAD_REQUEST', reason: 'SUBSCRIPTIONS_OVER_WEBSOCKET' },
      });
    }
    // Over HTTP, the query runs; the socket is still open for a subscription.
    expect((await gqlOk(app, '{ ledgerInfo { size } }')).ledgerInfo.size).toBeGreaterThan(0);
    socket.subscribe('s', RECALL_ISSUED);
    await new Promise((r) => setTimeout(r, 200));
    expect(socket.messages.filter((m) => m.id === 's')).toEqual([]);
  });

  it('with introspection off, hides the schema as HTTP does: no introspection, no suggestions', async () => {
    const org = await createOrg(app);
    const socket = await open(closed, org.key);
    expect(await refusal(socket, 'i', '{ __schema { types { name } } }')).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      message: expect.stringMatching(/introspection has been disabled/),
    });
    const misspelt = await refusal(socket, 'm', 'subscription { recallIssud { id } }');
    expect(misspelt).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', message: 'Cannot query field "recallIssud" on type "Subscription".' });
    // Where the schema is open, the suggestion is given (so the check above can fail).
    const open_ = await open(app, org.key);
    expect((await refusal(open_, 'm', 'subscription { recallIssud { id } }')).message).toMatch(/Did you mean "recallIssued"\?/);
  });

  it("counts subscribe messages against the key's rate limit, as HTTP requests are", async () => {
    const socket = await open(closed, (await createOrg(app)).key);
    for (let i = 0; i < 5; i++) {
      socket.subscribe(`s${i}`, RECALL_ISSUED);
      socket.ws.send(JSON.stringify({ id: `s${i}`, type: 'complete' }));
    }
    expect(await refusal(socket, 'over', RECALL_ISSUED)).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/^too many requests; try again in \d+ s$/),
    });
    // Another key has its own allowance.
    const other = await open(closed, (await createOrg(app)).key);
    other.subscribe('s', RECALL_ISSUED);
    await new Promise((r) => setTimeout(r, 200));
    expect(other.messages.filter((m) => m.id === 's')).toEqual([]);
  });

  it('refuses a subscription over the cost budget, and a message over 64 KiB closes the socket', async () => {
    const org = await createOrg(app);
    const socket = await open(app, org.key);
    const entries = (i: number) => `b${i}: affectedBatches { events { seq hash payload type actor prevHash } }`;
    const costly = `subscription { recallIssued { ${Array.from({ length: 30 }, (_, i) => entries(i)).join(' ')} } }`;
    expect(await refusal(socket, 'c', costly)).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX' });
    // The issue's flood: 200,000 aliases of __typename in one message.
    socket.subscribe('f', `subscription { recallIssued { ${Array.from({ length: 200_000 }, (_, i) => `a${i}: __typename`).join(' ')} } }`);
    expect((await socket.closed).code).toBe(1009);
  });

  const { subscriptionsPerSocket, subscriptionsPerKey, socketsPerKey } = WEBSOCKET_CAPS;
  it(`caps subscriptions per socket (${subscriptionsPerSocket}) and per key (${subscriptionsPerKey}), and sockets per key (${socketsPerKey})`, async () => {
    const org = await createOrg(app);
    const first = await open(app, org.key);
    for (let i = 0; i < WEBSOCKET_CAPS.subscriptionsPerSocket; i++) first.subscribe(`s${i}`, RECALL_ISSUED);
    expect(await refusal(first, 'over', RECALL_ISSUED)).toMatchObject({
      code: 'BAD_REQUEST',
      reason: 'TOO_MANY_SUBSCRIPTIONS',
      message: expect.stringMatching(/a connection holds at most/),
    });
    // Completing one frees its place.
    first.ws.send(JSON.stringify({ id: 's0', type: 'complete' }));
    await new Promise((r) => setTimeout(r, 200));
    first.subscribe('again', RECALL_ISSUED);
    await new Promise((r) => setTimeout(r, 200));
    expect(first.messages.filter((m) => m.id === 'again')).toEqual([]);

    const others: Socket[] = [];
    const perSocket = WEBSOCKET_CAPS.subscriptionsPerSocket;
    for (let n = perSocket; n + perSocket <= WEBSOCKET_CAPS.subscriptionsPerKey; n += perSocket) {
      const socket = await open(app, org.key);
      for (let i = 0; i < perSocket; i++) socket.subscribe(`s${i}`, RECALL_ISSUED);
      others.push(socket);
    }
    const last = await open(app, org.key);
    expect(await refusal(last, 'over', RECALL_ISSUED)).toMatchObject({
      reason: 'TOO_MANY_SUBSCRIPTIONS',
      message: expect.stringMatching(/an API key holds at most/),
    });
    // Another key has its own allowance.
    const stranger = await open(app, (await createOrg(app)).key);
    stranger.subscribe('s', RECALL_ISSUED);
    await new Promise((r) => setTimeout(r, 200));
    expect(stranger.messages.filter((m) => m.id === 's')).toEqual([]);

    const opened = 2 + others.length;
    for (let i = opened; i < WEBSOCKET_CAPS.socketsPerKey; i++) expect(messagesTypes(await open(app, org.key))).toEqual(['connection_ack']);
    expect(await (await open(app, org.key)).closed).toEqual({
      code: 4429,
      reason: `an API key holds at most ${WEBSOCKET_CAPS.socketsPerKey} open connections`,
    });
  });

  it("closes a revoked key's sockets: at once when revoked here, and when revoked by another process", async () => {
    const { org: producer, batch } = await producerWithBatch(app);
    const regulator = await createOrg(app, 'REGULATOR');
    const [here, elsewhere] = [await newKey(producer, 'here'), await newKey(producer, 'elsewhere')];
    const [hereSocket, elsewhereSocket] = [await open(app, here.secret), await open(app, elsewhere.secret)];
    hereSocket.subscribe('r', RECALL_ISSUED);
    elsewhereSocket.subscribe('r', RECALL_ISSUED);
    await new Promise((r) => setTimeout(r, 200));
    // Both hear a recall of their batch before the revocation.
    await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_2', reason: '抽检不合格' } }, regulator.key);
    expect((await hereSocket.answer('r')).type).toBe('next');
    expect((await elsewhereSocket.answer('r')).type).toBe('next');

    await gqlOk(app, REVOKE_API_KEY, { id: here.id }, producer.key);
    expect(await hereSocket.closed).toEqual({ code: 4403, reason: 'the API key was revoked' });

    // Another process revokes it: only the database knows.
    await withAdminClient(db.url, (client) => client.query('UPDATE api_key SET revoked_at = now() WHERE id = $1', [elsewhere.id]));
    expect(await elsewhereSocket.closed).toEqual({ code: 4403, reason: 'the API key was revoked' });
    // The producer's first key, never revoked, still connects; the admin's socket too.
    expect(messagesTypes(await open(app, producer.key))).toEqual(['connection_ack']);
    expect(messagesTypes(await open(app, TEST_ADMIN_KEY))).toEqual(['connection_ack']);
  }, 30_000);

  async function newKey(org: Org, label: string): Promise<{ id: string; secret: string }> {
    const created = (await gqlOk(app, CREATE_KEY, { label }, org.key)).createApiKey;
    return { id: created.apiKey.id, secret: created.secret };
  }
});

function messagesTypes(socket: { messages: { type: string }[] }): string[] {
  return socket.messages.map((m) => m.type);
}

/** Polls until the condition holds (the test's own timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}
