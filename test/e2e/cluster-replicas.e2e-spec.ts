import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { App } from 'supertest/types.js';
import { runMigrations } from '../../src/database/migrate.js';
import { ReplicationPair, startReplicationPair } from '../../src/database/replication-pair.js';
import { createOrg, Org, producerWithBatch, registerBatch } from '../support/builders.js';
import { exited, freePort, ServiceProcess, startService } from '../support/service-process.js';
import { TEST_ADMIN_KEY } from '../support/test-app.js';

/**
 * `npm run start:cluster` with a streaming replica: read-your-writes holds across the workers. A
 * producer's write is taken by one worker; its reads, on fresh connections that the cluster hands to
 * the workers in turn, all see it while the replica's replay is paused (every worker routes that
 * caller to the primary), while a regulator is still served the replica's older answer.
 */
const REGULATOR_BATCHES = 'query($lot: String!) { batches(filter: { lotCode: $lot }) { edges { node { id } } } }';
const OWN_BATCHES = 'query($lot: String!) { viewer { batches(filter: { lotCode: $lot }) { edges { node { id } } } } }';

let pair: ReplicationPair;
let urls: { primaryUrl: string; replicaUrl: string };
let dataDir: string;
let port: number;
let cluster: ServiceProcess;

/** A GraphQL request on a connection of its own, so that successive requests go to the workers in turn. */
function lotsSeen(query: string, lot: string, key: string): Promise<number> {
  const body = JSON.stringify({ query, variables: { lot } });
  return new Promise((resolve, reject) => {
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${key}` };
    const req = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        const data = (JSON.parse(text) as { data?: { batches?: { edges: unknown[] }; viewer?: { batches: { edges: unknown[] } } } }).data;
        const edges = data?.viewer?.batches.edges ?? data?.batches?.edges;
        if (!edges) reject(new Error(`no batches in ${text.slice(0, 300)}`));
        else resolve(edges.length);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function onReplica(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: urls.replicaUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('start:cluster with a read replica', () => {
  beforeAll(async () => {
    pair = await startReplicationPair();
    urls = await pair.createDatabase('suyuan_cluster_replicas');
    await runMigrations(urls.primaryUrl);
    dataDir = mkdtempSync(join(tmpdir(), 'suyuan-cluster-replicas-'));
    port = await freePort();
    cluster = await startService(
      {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: urls.primaryUrl,
        DATABASE_REPLICA_URLS: urls.replicaUrl,
        // A paused replica stays within the bound: who answers is decided by what the caller wrote.
        REPLICA_MAX_LAG_MS: '600000',
        DATA_DIR: dataDir,
        PORT: String(port),
        ADMIN_API_KEY: TEST_ADMIN_KEY,
        CLUSTER_WORKERS: '2',
        LOG_FORMAT: 'pretty',
      },
      'Stop with Ctrl-C.',
      'dist/src/cluster-main.js',
    );
  }, 120_000);

  afterAll(async () => {
    if (cluster && cluster.child.exitCode === null) {
      cluster.child.kill('SIGKILL');
      await exited(cluster.child);
    }
    await pair?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it("routes a caller's reads on every worker to a server that has its write, and others' to the replica", async () => {
    const app = { getHttpServer: () => `http://127.0.0.1:${port}` } as unknown as INestApplication<App>;
    const regulator: Org = await createOrg(app, 'REGULATOR');
    const { org, facilityId, productId, batch } = await producerWithBatch(app);
    for (let tries = 0; (await lotsSeen(REGULATOR_BATCHES, batch.lotCode, regulator.key)) === 0; tries++) {
      if (tries > 400) throw new Error('the replica did not catch up within 20 s');
      await sleep(50);
    }

    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      const added = await registerBatch(app, org, productId, facilityId);
      // Six reads on fresh connections: both workers answer some; each sees the producer's new lot.
      const own = [];
      for (let i = 0; i < 6; i++) own.push(await lotsSeen(OWN_BATCHES, added.lotCode, org.key));
      expect(own).toEqual([1, 1, 1, 1, 1, 1]);
      // The regulator reads from the replica, which has not replayed the new lot.
      const others = [];
      for (let i = 0; i < 4; i++) others.push(await lotsSeen(REGULATOR_BATCHES, added.lotCode, regulator.key));
      expect(others).toEqual([0, 0, 0, 0]);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
  });
});
