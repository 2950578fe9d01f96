import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { runMigrations } from '../../src/database/migrate.js';
import { ReplicationPair, startReplicationPair } from '../../src/database/replication-pair.js';
import { createOrg, Org, producerWithBatch, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { RECORD_EVENT } from '../support/documents.js';
import { LedgerChanges } from '../../src/ledger/ledger-changes.js';
import { createTestApp, gql, gqlOk } from '../support/test-app.js';

/**
 * Read replicas against real streaming replication: a primary and a replica of its own
 * (src/database/replication-pair.ts). Pausing the replica's replay (pg_wal_replay_pause) makes its
 * answers visibly stale, which shows who answered: another caller's read is served by the replica,
 * the caller's own write and a changed scan view are not.
 */
const REGULATOR_BATCHES = 'query($lot: String!) { batches(filter: { lotCode: $lot }) { edges { node { id } } } }';
const OWN_BATCHES = 'query($lot: String!) { viewer { batches(filter: { lotCode: $lot }) { edges { node { id } } } } }';
const SCAN = 'query($code: String!) { scan(code: $code) { timeline { bizStep } } }';

describe('read replicas', () => {
  let pair: ReplicationPair;
  let urls: { primaryUrl: string; replicaUrl: string };
  let app: INestApplication<App>;
  /** The same service with a lag bound a paused replica soon passes. */
  let strict: INestApplication<App>;
  let regulator: Org;

  beforeAll(async () => {
    pair = await startReplicationPair();
    urls = await pair.createDatabase('suyuan_replicas');
    await runMigrations(urls.primaryUrl);
    app = await createTestApp(urls.primaryUrl, { DATABASE_REPLICA_URLS: urls.replicaUrl, REPLICA_MAX_LAG_MS: '600000' });
    strict = await createTestApp(urls.primaryUrl, { DATABASE_REPLICA_URLS: urls.replicaUrl, REPLICA_MAX_LAG_MS: '50' });
    regulator = await createOrg(app, 'REGULATOR');
  }, 120_000);

  afterAll(async () => {
    await pair?.startPrimary();
    await strict?.close();
    await app?.close();
    await pair?.stop();
  }, 60_000);

  const onReplica = <T extends pg.QueryResultRow>(sql: string) => withClient<T>(urls.replicaUrl, sql);
  const lotsSeenBy = async (on: INestApplication<App>, org: Org, lot: string, query = REGULATOR_BATCHES) => {
    const data = await gqlOk(on, query, { lot }, org.key);
    return (query === OWN_BATCHES ? data.viewer.batches : data.batches).edges.length as number;
  };

  it("serves other callers from the replica, and the caller's own write and changed views from a server that has it", async () => {
    const { org, facilityId, productId, batch } = await producerWithBatch(app);
    await gqlOk(app, SCAN, { code: batch.traceCode });
    await waitFor(async () => (await lotsSeenBy(app, regulator, batch.lotCode)) === 1);

    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      const added = await registerBatch(app, org, productId, facilityId);
      const recorded = await gqlOk(
        app,
        RECORD_EVENT,
        { input: { batchId: batch.id, bizStep: 'STORING', eventTime: '2026-10-08T00:00:00.000Z', facilityId } },
        org.key,
      );
      const seq = recorded.recordEvent.seq as number;
      // The replica has neither: its replay is paused.
      expect((await onReplica(`SELECT count(*)::int AS n FROM batch WHERE lot_code = '${added.lotCode}'`)).rows[0].n).toBe(0);

      // The producer sees its own new batch; the regulator, reading from the replica, does not yet.
      expect(await lotsSeenBy(app, org, added.lotCode, OWN_BATCHES)).toBe(1);
      expect(await lotsSeenBy(app, regulator, added.lotCode)).toBe(0);
      // A scan view the change invalidated is not read back from the replica that missed it.
      const scanned = await gqlOk(app, SCAN, { code: batch.traceCode });
      expect(scanned.scan.timeline.map((e: { bizStep: string }) => e.bizStep)).toContain('STORING');
      // A checkpoint the primary signed past the replica's ledger: its proofs come from the primary.
      let treeSize = 0;
      await waitFor(async () => (treeSize = (await gqlOk(app, '{ latestCheckpoint { treeSize } }')).latestCheckpoint.treeSize) >= seq);
      expect((await onReplica<{ seq: string }>('SELECT seq FROM ledger_head')).rows[0].seq).not.toBe(String(treeSize));
      const proof = await gql(app, 'query($seq: SafeInt!, $size: SafeInt!) { inclusionProof(seq: $seq, treeSize: $size) { treeSize } }', {
        seq,
        size: treeSize,
      });
      expect(proof.errors).toBeUndefined();
      // Past the lag bound the replica is skipped: the same question answered by the primary.
      await waitFor(async () => (await lotsSeenBy(strict, regulator, added.lotCode)) === 1);
      expect(await lotsSeenBy(app, regulator, added.lotCode)).toBe(0);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
  });

  it("a plain route's write (EPCIS capture) is read back by its caller, not yet by others, while the replica lags", async () => {
    const farm = await createOrg(app);
    const yard = await registerFacility(app, farm, { gln: '6901234000016' });
    const milk = await registerProduct(app, farm, { name: '生牛乳', category: 'DAIRY', storage: 'CHILLED', gtin: '06901234000108' });
    await registerBatch(app, farm, milk, yard, { lotCode: 'Q-1', quantity: 800, producedAt: '2026-11-20T00:00:00.000Z' });
    await waitFor(async () => (await lotsSeenBy(app, regulator, 'Q-1')) === 1);
    const eventID = 'urn:uuid:5f0d1c3e-8a4b-4c2d-9e6f-0a1b2c3d4e5f';
    const event = (key: string) =>
      request(app.getHttpServer())
        .get(`/epcis/events/${encodeURIComponent(eventID)}`)
        .set('authorization', `Bearer ${key}`);

    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      const captured = await request(app.getHttpServer())
        .post('/epcis/capture')
        .set('authorization', `Bearer ${farm.key}`)
        .set('content-type', 'application/ld+json')
        .send(
          JSON.stringify({
            '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
            type: 'EPCISDocument',
            schemaVersion: '2.0',
            creationDate: '2026-11-20T04:00:00Z',
            epcisBody: {
              eventList: [
                {
                  type: 'ObjectEvent',
                  eventID,
                  action: 'OBSERVE',
                  bizStep: 'storing',
                  eventTime: '2026-11-20T01:00:00Z',
                  eventTimeZoneOffset: '+08:00',
                  bizLocation: { id: 'urn:epc:id:sgln:6901234.00001.0' },
                  quantityList: [{ epcClass: 'urn:epc:class:lgtin:6901234.000010.Q-1', quantity: 800, uom: 'KGM' }],
                },
              ],
            },
          }),
        );
      expect(captured.status).toBe(202);
      expect((await event(farm.key)).status).toBe(200);
      expect((await event(regulator.key)).status).toBe(404);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()');
    }
    await waitFor(async () => (await event(regulator.key)).status === 200);
  });

  it('with the replica down, reads go on from the primary without an error', async () => {
    const { org, productId, facilityId } = await producerWithBatch(app);
    const added = await registerBatch(app, org, productId, facilityId);
    await waitFor(async () => (await lotsSeenBy(app, regulator, added.lotCode)) === 1);
    expect((await request(app.getHttpServer()).get('/health/ready')).body.replicas).toEqual([{ state: 'usable', lagMs: expect.any(Number) }]);
    await pair.stopReplica();
    try {
      const res = await gql(app, REGULATOR_BATCHES, { lot: added.lotCode }, regulator.key);
      expect(res.errors).toBeUndefined();
      expect(res.data!.batches.edges).toHaveLength(1);
      // The operator sees it; the service stays ready, since reads fall back to the primary.
      await waitFor(async () => (await request(app.getHttpServer()).get('/health/ready')).body.replicas?.[0].state === 'down');
      expect((await request(app.getHttpServer()).get('/health/ready')).status).toBe(200);
    } finally {
      await pair.startReplica();
    }
  });

  it('with the primary down, reads come from the replica and writes answer SERVICE_UNAVAILABLE', async () => {
    const { org, batch, facilityId } = await producerWithBatch(app);
    await waitFor(async () => (await lotsSeenBy(app, regulator, batch.lotCode)) === 1);
    await gqlOk(app, SCAN, { code: batch.traceCode });
    // A change heard just before the primary goes: the views' floor is a sample of the primary that is
    // (most likely) never taken, which must not keep every view's read waiting for the primary.
    const changes = app.get(LedgerChanges);
    const heard = new Promise<void>((resolve) => {
      const stop = changes.subscribe(() => (stop(), resolve()));
    });
    await gqlOk(app, RECORD_EVENT, { input: { batchId: batch.id, bizStep: 'STORING', eventTime: '2026-10-07T00:00:00.000Z', facilityId } }, org.key);
    await heard;
    await pair.stopPrimary();
    try {
      // Once the service knows the primary is gone (its LISTEN connection dropped, nothing served from
      // memory), a scan is answered from the replica.
      await waitFor(async () => !changes.live);
      await waitFor(async () => (await gql(app, SCAN, { code: batch.traceCode })).data?.scan != null);
      // An organization's key is checked on the replica while the primary is away.
      expect(await lotsSeenBy(app, regulator, batch.lotCode)).toBe(1);
      // The public page: its view, extras and proof from the replica (checkpoints are on the primary, see below).
      const page = await request(app.getHttpServer()).get(`/q/${batch.traceCode}`);
      expect(page.status).toBe(200);
      const write = await gql(
        app,
        RECORD_EVENT,
        { input: { batchId: batch.id, bizStep: 'STORING', eventTime: '2026-10-08T00:00:00.000Z', facilityId } },
        org.key,
      );
      expect(write.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
      // Ready for the reads that still work (a 503 would take them away too), and saying writes are not.
      const ready = await request(app.getHttpServer()).get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'read-only',
        checks: { database: 'primary unreachable', reads: 'replica', writes: 'unavailable' },
        ledgerSize: expect.any(Number),
      });
    } finally {
      await pair.startPrimary();
    }
  });
});

async function withClient<T extends pg.QueryResultRow>(url: string, sql: string): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query<T>(sql);
  } finally {
    await client.end();
  }
}

/** Waits for a condition replication makes true (replay, a lag bound passed); fails after 20 s. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
