import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import pg from 'pg';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { createOrg, Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { createTestApp, gqlOk, TEST_ADMIN_KEY } from '../support/test-app.js';
import { LEDGER_SIZE, REGISTER_FACILITY, VERIFY_BATCH_FULL } from '../support/documents.js';

/**
 * Two whole service processes (two Nest applications, each with its own pool and its own in-process
 * writer queue) append to one ledger at once. The chain-head lock in the database must keep one
 * gapless, fork-free chain, with the two batches' sub-chains intact, and every caller must get the
 * entry that was stored for it.
 */

const PER_APP = 200;
// Not documents.ts's RECORD_EVENT: the answers are checked against the stored chain (hash, batch, type).
const RECORD_EVENT = 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq hash batchId type } }';

type Outcome = { kind: 'event'; batchId: string; seq: number; hash: string } | { kind: 'facility'; facilityId: string };

describe('two service instances appending at once', () => {
  let db: TestDatabase;
  let apps: INestApplication<App>[];
  let urls: string[];
  let sql: pg.Client;
  let producer: Org;
  let shared: string;
  let second: string;
  let facilityId: string;
  let sizeBefore: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    apps = [await createTestApp(db.url), await createTestApp(db.url)];
    // Listen on real ports, so hundreds of concurrent requests share one server per instance.
    urls = [];
    for (const app of apps) {
      await app.listen(0, '127.0.0.1');
      urls.push(await app.getUrl());
    }
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();

    producer = await createOrg(apps[0], 'PRODUCER');
    facilityId = await registerFacility(apps[1], producer);
    const productId = await registerProduct(apps[0], producer);
    shared = (await registerBatch(apps[1], producer, productId, facilityId)).id;
    second = (await registerBatch(apps[0], producer, productId, facilityId)).id;
    sizeBefore = (await gqlOk(apps[0], LEDGER_SIZE)).ledgerInfo.size;
  });

  afterAll(async () => {
    await sql?.end();
    for (const app of apps ?? []) await app.close();
    await db?.drop();
  });

  /** The i-th call against instance `n`: events on the shared batch, events on a second batch, and facilities. */
  async function call(n: number, i: number): Promise<Outcome> {
    const agent = request(urls[n]).post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${producer.key}`);
    if (i % 4 === 3) {
      const res = await agent.send({ query: REGISTER_FACILITY, variables: { input: { name: `Cold store ${n}-${i}` } } });
      if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
      return { kind: 'facility', facilityId: res.body.data.registerFacility.id };
    }
    const batchId = i % 4 === 2 ? second : shared;
    const res = await agent.send({
      query: RECORD_EVENT,
      variables: {
        input: { batchId, bizStep: 'STORING', eventTime: '2026-10-07T10:00:00.000Z', facilityId, quantity: n * 1000 + i, details: { instance: n, call: i } },
      },
    });
    if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
    const entry = res.body.data.recordEvent;
    expect(entry).toMatchObject({ batchId, type: 'EVENT_RECORDED' });
    return { kind: 'event', batchId, seq: entry.seq, hash: entry.hash };
  }

  it(`keeps one gapless, fork-free chain through ${2 * PER_APP} concurrent appends`, async () => {
    const calls: Promise<Outcome>[] = [];
    for (let i = 0; i < PER_APP; i++) for (let n = 0; n < apps.length; n++) calls.push(call(n, i));
    const outcomes = await Promise.all(calls);

    const expected = sizeBefore + 2 * PER_APP;
    const stats = await sql.query<{ count: string; distinct_seqs: string; min: string; max: string }>(
      'SELECT count(*) AS count, count(DISTINCT seq) AS distinct_seqs, min(seq) AS min, max(seq) AS max FROM ledger_entry',
    );
    expect(stats.rows[0]).toEqual({ count: String(expected), distinct_seqs: String(expected), min: '1', max: String(expected) });
    const head = await sql.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger_head');
    const last = await sql.query<{ hash: string }>('SELECT hash FROM ledger_entry WHERE seq = $1', [expected]);
    expect(head.rows[0]).toEqual({ seq: String(expected), hash: last.rows[0].hash });

    // No fork: no prevHash and no (non-null) batchPrevHash appears twice; each batch has one first entry.
    const forks = await sql.query(`
      SELECT 'prev_hash' AS link, prev_hash AS value FROM ledger_entry GROUP BY prev_hash HAVING count(*) > 1
      UNION ALL
      SELECT 'batch_prev_hash', batch_prev_hash FROM ledger_entry WHERE batch_prev_hash IS NOT NULL GROUP BY batch_prev_hash HAVING count(*) > 1
      UNION ALL
      SELECT 'batch_first', batch_id::text FROM ledger_entry WHERE batch_id IS NOT NULL AND batch_prev_hash IS NULL GROUP BY batch_id HAVING count(*) > 1`);
    expect(forks.rows).toEqual([]);

    // Every prev_hash is the hash of the entry just before it (checked in SQL, independent of the service).
    const brokenLinks = await sql.query(`
      SELECT e.seq FROM ledger_entry e LEFT JOIN ledger_entry p ON p.seq = e.seq - 1
      WHERE e.seq > 1 AND (p.hash IS NULL OR p.hash <> e.prev_hash)`);
    expect(brokenLinks.rows).toEqual([]);

    const verification = await gqlOk(apps[1], '{ verifyLedger { valid checkedEntries firstInvalidSeq reason } }', {}, TEST_ADMIN_KEY);
    expect(verification.verifyLedger).toEqual({ valid: true, checkedEntries: expected, firstInvalidSeq: null, reason: null });

    // Each batch's sub-chain holds its registration and every event recorded on it, and verifies.
    const events = outcomes.filter((o): o is Extract<Outcome, { kind: 'event' }> => o.kind === 'event');
    for (const batchId of [shared, second]) {
      const count = events.filter((e) => e.batchId === batchId).length;
      expect(count).toBeGreaterThan(0);
      const result = await gqlOk(apps[0], VERIFY_BATCH_FULL, { id: batchId });
      expect(result.verifyBatch).toEqual({ valid: true, checkedEntries: 1 + count, firstInvalidSeq: null, reason: null });
    }

    // Every caller got its own entry, and what it was told is what was stored.
    const seqs = events.map((e) => e.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    const stored = await sql.query<{ seq: string; hash: string; batch_id: string | null; type: string }>(
      'SELECT seq, hash, batch_id, type FROM ledger_entry WHERE seq = ANY($1::bigint[])',
      [seqs],
    );
    const bySeq = new Map(stored.rows.map((r) => [Number(r.seq), r]));
    for (const e of events) {
      expect(bySeq.get(e.seq)).toEqual({ seq: String(e.seq), hash: e.hash, batch_id: e.batchId, type: 'EVENT_RECORDED' });
    }

    const facilities = outcomes.filter((o): o is Extract<Outcome, { kind: 'facility' }> => o.kind === 'facility');
    expect(facilities).toHaveLength(2 * (PER_APP / 4));
    const facilityRows = await sql.query<{ id: string; created_seq: string; entry_facility_id: string; type: string }>(
      `SELECT f.id, f.created_seq, e.payload::jsonb ->> 'facilityId' AS entry_facility_id, e.type
       FROM facility f JOIN ledger_entry e ON e.seq = f.created_seq WHERE f.id = ANY($1::uuid[])`,
      [facilities.map((f) => f.facilityId)],
    );
    expect(facilityRows.rows).toHaveLength(facilities.length);
    for (const row of facilityRows.rows) expect(row).toMatchObject({ entry_facility_id: row.id, type: 'FACILITY_REGISTERED' });
    const allSeqs = [...seqs, ...facilityRows.rows.map((r) => Number(r.created_seq))];
    expect(new Set(allSeqs).size).toBe(2 * PER_APP);
    expect(Math.min(...allSeqs)).toBe(sizeBefore + 1);
    expect(Math.max(...allSeqs)).toBe(expected);

    // The two instances really did contend: their entries interleave along the chain.
    const order = await sql.query<{ instance: string }>(
      `SELECT payload::jsonb -> 'details' ->> 'instance' AS instance FROM ledger_entry WHERE type = 'EVENT_RECORDED' ORDER BY seq`,
    );
    const switches = order.rows.filter((r, i) => i > 0 && r.instance !== order.rows[i - 1].instance).length;
    expect(switches).toBeGreaterThanOrEqual(2);

    // Both instances report the same ledger.
    for (const app of apps) expect((await gqlOk(app, LEDGER_SIZE)).ledgerInfo.size).toBe(expected);
  });
});
