import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Client, createClient } from 'graphql-ws';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { App } from 'supertest/types.js';
import WebSocket from 'ws';
import { createOrg, producerWithBatch } from '../support/builders.js';
import { INITIATE_RECALL } from '../support/documents.js';
import { exited, freePort, ServiceProcess, startService } from '../support/service-process.js';
import { gqlOk, TEST_ADMIN_KEY } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/**
 * `npm run start:cluster` as an operator meets it: the compiled primary with two workers on one port,
 * on a migrated database; requests are answered by both, a worker killed with -9 is replaced while
 * the other keeps answering, the rate limit and the per-address connection cap hold across the
 * workers (not one allowance per worker), a recall reaches subscribers on either worker, and SIGTERM
 * stops everything. The primary hands connections to the workers in turn, so consecutive new
 * connections land on both.
 */
const RATE_LIMIT_PUBLIC = 12;
const MAX_CONNECTIONS = 4;
const ADMIN_KEY = TEST_ADMIN_KEY;
const LEDGER_SIZE = '{ ledgerInfo { size } }';

let database: TestDatabase;
let dataDir: string;
let port: number;
let cluster: ServiceProcess;

/** One request on a connection of its own (no keep-alive), so that successive requests go to the workers in turn. */
function send(
  method: string,
  path: string,
  options: { body?: string; authorization?: string; headers?: http.OutgoingHttpHeaders; from?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...options.headers };
    if (options.body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) });
    if (options.authorization) headers.authorization = options.authorization;
    // `from`: another loopback address, a client of its own for the per-address limits.
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false, headers, localAddress: options.from }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const post = (query: string, authorization?: string) => send('POST', '/graphql', { body: JSON.stringify({ query }), authorization });
const asAdmin = () => post(LEDGER_SIZE, `Bearer ${ADMIN_KEY}`);
const workerPids = (output: string) => [...output.matchAll(/worker (\d) \(pid (\d+)\) listening/g)].map((m) => ({ slot: Number(m[1]), pid: Number(m[2]) }));

async function waitFor(what: string, check: () => boolean, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`no ${what} within ${ms} ms:\n${cluster.output()}`);
    await sleep(50);
  }
}

describe('npm run start:cluster', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'suyuan-cluster-'));
    port = await freePort();
    cluster = await startService(
      {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        PORT: String(port),
        ADMIN_API_KEY: ADMIN_KEY,
        CLUSTER_WORKERS: '2',
        RATE_LIMIT_PUBLIC: String(RATE_LIMIT_PUBLIC),
        MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS),
        LOG_FORMAT: 'pretty',
      },
      'Stop with Ctrl-C.',
      'dist/src/cluster-main.js',
    );
  });

  afterAll(async () => {
    if (cluster && cluster.child.exitCode === null) {
      cluster.child.kill('SIGKILL');
      await exited(cluster.child);
    }
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts two workers on the one port, migrating once in the primary', async () => {
    expect(workerPids(cluster.output()).map((w) => w.slot)).toEqual([1, 2]);
    expect(cluster.output()).toContain('Workers:     2 processes');
    // The primary migrated (nothing was pending: the template is migrated), no worker did.
    expect(cluster.output()).not.toContain('migrations applied');
    for (let i = 0; i < 4; i++) expect(await asAdmin()).toMatchObject({ status: 200, body: expect.stringContaining('"size":') });
  });

  it('tells subscribers on either worker of a recall issued on one', async () => {
    // The test support's builders send their requests to the cluster's address (supertest takes a URL).
    const app = { getHttpServer: () => `http://127.0.0.1:${port}` } as unknown as INestApplication<App>;
    const { org: producer, batch } = await producerWithBatch(app);
    const regulator = await createOrg(app, 'REGULATOR');
    const clients: Client[] = [];
    const listen = (key: string) => {
      const client = createClient({
        url: `ws://127.0.0.1:${port}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${key}` },
        lazy: false,
      });
      clients.push(client);
      const heard: string[] = [];
      const ready = new Promise<void>((resolve) => client.on('connected', () => setTimeout(resolve, 200)));
      client.subscribe<{ recallIssued: { id: string } }>(
        { query: 'subscription { recallIssued { id } }' },
        { next: (m) => m.data && heard.push(m.data.recallIssued.id), error: () => undefined, complete: () => undefined },
      );
      return { heard, ready };
    };
    // Two sockets one after the other: one on each worker.
    const listeners = [listen(producer.key), listen(regulator.key)];
    await Promise.all(listeners.map((l) => l.ready));
    const recall = (await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_2', reason: '菌落总数超标' } }, regulator.key))
      .initiateRecall;
    await waitFor('every subscriber to hear', () => listeners.every((l) => l.heard.length > 0), 5000).catch(() => undefined);
    for (const c of clients) await c.dispose();
    expect(listeners.map((l) => l.heard)).toEqual([[recall.id], [recall.id]]);
  });

  it("counts a client's scan of a lot once a day, whichever worker it reaches", async () => {
    const app = { getHttpServer: () => `http://127.0.0.1:${port}` } as unknown as INestApplication<App>;
    const { batch } = await producerWithBatch(app);
    const from = '127.0.0.3';
    const page = await send('GET', `/q/${batch.traceCode}`, { from, headers: { accept: 'text/html' } });
    const token = /data-token="([\w-]+)"/.exec(page.body)![1];
    const answers = [];
    // Four posts, each on a connection of its own: two on each worker.
    for (let i = 0; i < 4; i++)
      answers.push(JSON.parse((await send('POST', `/q/${batch.traceCode}/scans`, { from, headers: { 'x-scan-token': token } })).body));
    expect(answers.map((a) => a.counted)).toEqual([true, false, false, false]);
    expect(answers[3]).toMatchObject({ scans: 1 });
  });

  it('holds one rate limit per address across the workers', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT_PUBLIC + 6; i++) statuses.push((await post(LEDGER_SIZE)).status);
    // Each request on a new connection, so both workers served: with a bucket per worker twice the limit would pass.
    expect(statuses.filter((s) => s === 200)).toHaveLength(RATE_LIMIT_PUBLIC);
    expect(statuses.slice(RATE_LIMIT_PUBLIC).every((s) => s === 429)).toBe(true);
  });

  it('holds the per-address connection cap across the workers', async () => {
    const sockets = await Promise.all(
      Array.from({ length: MAX_CONNECTIONS + 2 }, () => {
        const socket = net.connect(port, '127.0.0.1');
        let received = '';
        socket.on('data', (d) => (received += d));
        socket.on('error', () => undefined);
        return new Promise<{ socket: net.Socket; received: () => string }>((resolve) =>
          socket.once('connect', () => resolve({ socket, received: () => received })),
        );
      }),
    );
    await sleep(500);
    const refused = sockets.filter((s) => s.received().startsWith('HTTP/1.1 503'));
    expect(refused).toHaveLength(2);
    for (const s of sockets) s.socket.destroy();
    await sleep(200); // the closes reach the workers, and the primary's count
  });

  it('keeps answering when a worker is killed, and replaces it', async () => {
    const [first] = workerPids(cluster.output());
    process.kill(first.pid, 'SIGKILL');
    await waitFor('notice of the death', () => cluster.output().includes(`(pid ${first.pid}) exited (SIGKILL)`));
    for (let i = 0; i < 6; i++) expect((await asAdmin()).status).toBe(200);
    await waitFor('replacement', () => workerPids(cluster.output()).length === 3);
    const replacement = workerPids(cluster.output())[2];
    expect(replacement.slot).toBe(1);
    expect(replacement.pid).not.toBe(first.pid);
    for (let i = 0; i < 4; i++) expect((await asAdmin()).status).toBe(200);
  });

  it('stops every worker on SIGTERM', async () => {
    const pids = workerPids(cluster.output())
      .slice(1)
      .map((w) => w.pid);
    cluster.child.kill('SIGTERM');
    expect(await exited(cluster.child)).toBe(0);
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
