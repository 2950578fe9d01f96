import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import pg from 'pg';
import type { App } from 'supertest/types.js';
import { LedgerRepository } from '../../src/ledger/ledger.repository.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';
import { createOrg, Org, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { createTestApp, gql, gqlOk, TEST_ADMIN_KEY } from '../support/test-app.js';
import { LEDGER_SIZE, RECORD_EVENT, VERIFY_BATCH_FULL as VERIFY_BATCH } from '../support/documents.js';

/**
 * Tampering with the stored ledger, as a database superuser could, must be found by verifyLedger
 * and verifyBatch, which recompute every hash from the stored columns. Every case gets a fresh
 * database with the same ledger built through GraphQL, so one tampering never hides another.
 */

const VERIFY_LEDGER = 'query($from: SafeInt, $to: SafeInt) { verifyLedger(fromSeq: $from, toSeq: $to) { valid checkedEntries firstInvalidSeq reason } }';
const EVENT_COUNT = 6;

interface Verification {
  valid: boolean;
  checkedEntries: number;
  firstInvalidSeq: number | null;
  reason: string | null;
}

interface Ledger {
  db: TestDatabase;
  app: INestApplication<App>;
  sql: pg.Client;
  producer: Org;
  regulator: Org;
  other: Org;
  batchId: string;
  /** seqs of the batch's entries: BATCH_REGISTERED then the events */
  batchSeqs: number[];
  size: number;
}

const open: Ledger[] = [];

/** A fresh database and app holding three organizations, a facility, a product, a batch and six events. */
async function buildLedger(): Promise<Ledger> {
  const db = await createTestDatabase();
  const app = await createTestApp(db.url);
  const sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
  const ledger = { db, app, sql } as Ledger;
  open.push(ledger);
  ledger.producer = await createOrg(app, 'PRODUCER');
  ledger.regulator = await createOrg(app, 'REGULATOR');
  ledger.other = await createOrg(app, 'RETAILER');
  const facilityId = await registerFacility(app, ledger.producer);
  const productId = await registerProduct(app, ledger.producer);
  ledger.batchId = (await registerBatch(app, ledger.producer, productId, facilityId)).id;
  for (let i = 0; i < EVENT_COUNT; i++) {
    await gqlOk(
      app,
      RECORD_EVENT,
      {
        input: {
          batchId: ledger.batchId,
          bizStep: 'HARVESTING',
          eventTime: `2026-10-06T09:0${i}:00.000Z`,
          facilityId,
          quantity: 100 + i,
          details: { fieldName: `Plot ${i}`, harvestDate: '2026-10-06' },
        },
      },
      ledger.producer.key,
    );
  }
  const rows = await sql.query<{ seq: string }>('SELECT seq FROM ledger_entry WHERE batch_id = $1 ORDER BY seq', [ledger.batchId]);
  ledger.batchSeqs = rows.rows.map((r) => Number(r.seq));
  ledger.size = (await gqlOk(app, LEDGER_SIZE)).ledgerInfo.size;
  return ledger;
}

async function closeLedger(ledger: Ledger): Promise<void> {
  await ledger.sql.end();
  await ledger.app.close();
  await ledger.db.drop();
}

/** Runs statements as a superuser would: with the ledger's user triggers off, then on again. */
async function tamper(ledger: Ledger, ...statements: string[]): Promise<void> {
  await ledger.sql.query('BEGIN');
  try {
    await ledger.sql.query('ALTER TABLE ledger_entry DISABLE TRIGGER USER');
    for (const statement of statements) await ledger.sql.query(statement);
    await ledger.sql.query('ALTER TABLE ledger_entry ENABLE TRIGGER USER');
    await ledger.sql.query('COMMIT');
  } catch (err) {
    await ledger.sql.query('ROLLBACK');
    throw err;
  }
}

async function verifyLedger(ledger: Ledger, from?: number, to?: number, key = TEST_ADMIN_KEY): Promise<Verification> {
  return (await gqlOk(ledger.app, VERIFY_LEDGER, { from, to }, key)).verifyLedger;
}

async function verifyBatch(ledger: Ledger): Promise<Verification> {
  return (await gqlOk(ledger.app, VERIFY_BATCH, { id: ledger.batchId })).verifyBatch;
}

async function pgError(sql: pg.Client, statement: string): Promise<Error> {
  try {
    await sql.query(statement);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`the database accepted: ${statement}`);
}

afterEach(async () => {
  while (open.length > 0) await closeLedger(open.pop()!);
});

describe('an untouched ledger', () => {
  it('verifies whole, for the admin and for a regulator, and its batch verifies', async () => {
    const ledger = await buildLedger();
    // 3 organizations, facility, product, batch, 6 events
    expect(ledger.size).toBe(3 + 2 + 1 + EVENT_COUNT);
    expect(ledger.batchSeqs).toHaveLength(1 + EVENT_COUNT);

    expect(await verifyLedger(ledger)).toEqual({ valid: true, checkedEntries: ledger.size, firstInvalidSeq: null, reason: null });
    expect(await verifyLedger(ledger, undefined, undefined, ledger.regulator.key)).toMatchObject({ valid: true, checkedEntries: ledger.size });
    expect(await verifyBatch(ledger)).toEqual({ valid: true, checkedEntries: 1 + EVENT_COUNT, firstInvalidSeq: null, reason: null });

    const producerTry = await gql(ledger.app, VERIFY_LEDGER, {}, ledger.producer.key);
    expect(producerTry.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('verifies ranges, including ones that start inside the batch, and refuses a range beyond the ledger', async () => {
    const ledger = await buildLedger();
    const middle = ledger.batchSeqs[3];
    expect(await verifyLedger(ledger, 2, 5)).toEqual({ valid: true, checkedEntries: 4, firstInvalidSeq: null, reason: null });
    expect(await verifyLedger(ledger, middle, ledger.size)).toMatchObject({ valid: true, checkedEntries: ledger.size - middle + 1 });
    expect(await verifyLedger(ledger, ledger.size, ledger.size)).toMatchObject({ valid: true, checkedEntries: 1 });

    // The SQL first pass agrees with the verifier on every range of an untouched ledger (no false alarm to fall back on).
    const sqlPass = ledger.app.get(LedgerRepository);
    for (let from = 1; from <= ledger.size; from++) {
      for (const to of [from, middle, ledger.size].filter((t) => t >= from)) expect(await sqlPass.firstSuspectSeq(from, to)).toBeNull();
    }
    expect(await sqlPass.batchLooksIntact(ledger.batchId)).toEqual({ entries: ledger.batchSeqs.length, intact: true });

    const beyond = await gql(ledger.app, VERIFY_LEDGER, { from: 1, to: ledger.size + 1 }, TEST_ADMIN_KEY);
    expect(beyond.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(beyond.errors?.[0].message).toMatch(new RegExp(`toSeq ${ledger.size + 1}.*size ${ledger.size}`));
    const backwards = await gql(ledger.app, VERIFY_LEDGER, { from: 5, to: 2 }, TEST_ADMIN_KEY);
    expect(backwards.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const zero = await gql(ledger.app, VERIFY_LEDGER, { from: 0 }, TEST_ADMIN_KEY);
    expect(zero.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('the database keeps the ledger append-only', () => {
  let ledger: Ledger;
  beforeAll(async () => {
    ledger = await buildLedger();
    open.pop(); // closed in afterAll, not after each test
  });
  afterAll(async () => {
    await closeLedger(ledger);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of ledger_entry', async () => {
    const before = await ledger.sql.query('SELECT seq, hash, actor, payload FROM ledger_entry ORDER BY seq');
    for (const statement of [
      "UPDATE ledger_entry SET actor = 'system' WHERE seq = 4",
      'UPDATE ledger_entry SET payload = payload',
      'DELETE FROM ledger_entry WHERE seq = 4',
      `DELETE FROM ledger_entry WHERE seq = ${ledger.size}`,
      'TRUNCATE ledger_entry',
    ]) {
      const err = await pgError(ledger.sql, statement);
      expect(err.message).toContain('append-only');
    }
    const after = await ledger.sql.query('SELECT seq, hash, actor, payload FROM ledger_entry ORDER BY seq');
    expect(after.rows).toEqual(before.rows);
    expect(await verifyLedger(ledger)).toMatchObject({ valid: true, checkedEntries: ledger.size });
  });

  it('refuses to move ledger_head backwards, to leave it in place, or to delete it', async () => {
    for (const statement of [
      'UPDATE ledger_head SET seq = seq - 1',
      'UPDATE ledger_head SET seq = 0',
      "UPDATE ledger_head SET hash = repeat('0', 64)",
      'DELETE FROM ledger_head',
      'TRUNCATE ledger_head',
    ]) {
      const err = await pgError(ledger.sql, statement);
      expect(err.message).toMatch(/only moves forward|append-only/);
    }
    const head = await ledger.sql.query<{ seq: string }>('SELECT seq FROM ledger_head');
    expect(head.rows).toEqual([{ seq: String(ledger.size) }]);
  });
});

describe('tampering is found', () => {
  it('(a) a quantity changed inside one event payload', async () => {
    const ledger = await buildLedger();
    const seq = ledger.batchSeqs[3]; // the third event
    const { rows } = await ledger.sql.query<{ payload: string }>('SELECT payload FROM ledger_entry WHERE seq = $1', [seq]);
    expect(rows[0].payload).toContain('"quantity":102');
    await tamper(ledger, `UPDATE ledger_entry SET payload = replace(payload, '"quantity":102', '"quantity":1020') WHERE seq = ${seq}`);
    expect((await ledger.sql.query('SELECT payload FROM ledger_entry WHERE seq = $1', [seq])).rows[0].payload).toContain('"quantity":1020');

    const result = await verifyLedger(ledger);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: seq, checkedEntries: seq - 1 });
    expect(result.reason).toMatch(/payload/);
    const batch = await verifyBatch(ledger);
    expect(batch).toMatchObject({ valid: false, firstInvalidSeq: seq });
    expect(batch.reason).toMatch(/payload/);
    // the entries before it still verify on their own
    expect(await verifyLedger(ledger, 1, seq - 1)).toMatchObject({ valid: true, checkedEntries: seq - 1 });
  });

  it('(b) the actor of an entry changed', async () => {
    const ledger = await buildLedger();
    const seq = ledger.batchSeqs[2];
    await tamper(ledger, `UPDATE ledger_entry SET actor = '${ledger.other.id}' WHERE seq = ${seq}`);
    const result = await verifyLedger(ledger);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: seq });
    expect(result.reason).toMatch(/actor|envelope|hash/);
    expect(await verifyBatch(ledger)).toMatchObject({ valid: false, firstInvalidSeq: seq });
  });

  it('(b) the actor of an entry outside any batch changed', async () => {
    const ledger = await buildLedger();
    await tamper(ledger, `UPDATE ledger_entry SET actor = '${ledger.other.id}' WHERE seq = 4`);
    expect(await verifyLedger(ledger)).toMatchObject({ valid: false, firstInvalidSeq: 4 });
    // the batch's entries are untouched, and its first one links to entry 5, which is untouched too
    expect(await verifyBatch(ledger)).toMatchObject({ valid: true });
  });

  it('(c) recorded_at moved by one millisecond', async () => {
    const ledger = await buildLedger();
    const seq = ledger.batchSeqs[4];
    await tamper(ledger, `UPDATE ledger_entry SET recorded_at = recorded_at + interval '1 millisecond' WHERE seq = ${seq}`);
    const result = await verifyLedger(ledger);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: seq });
    expect(result.reason).toMatch(/recordedAt|envelope|hash/);
    expect(await verifyBatch(ledger)).toMatchObject({ valid: false, firstInvalidSeq: seq });
  });

  it('(d) two adjacent entries swapped', async () => {
    const ledger = await buildLedger();
    const first = ledger.batchSeqs[2];
    const second = first + 1;
    expect(ledger.batchSeqs).toContain(second);
    const before = await ledger.sql.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger_entry WHERE seq IN ($1, $2) ORDER BY seq', [
      first,
      second,
    ]);
    // Every column but seq trades places: the same as moving the two rows' seqs.
    await tamper(
      ledger,
      `UPDATE ledger_entry SET seq = 1000000 WHERE seq = ${first}`,
      `UPDATE ledger_entry SET seq = ${first} WHERE seq = ${second}`,
      `UPDATE ledger_entry SET seq = ${second} WHERE seq = 1000000`,
    );
    const after = await ledger.sql.query<{ seq: string; hash: string }>('SELECT seq, hash FROM ledger_entry WHERE seq IN ($1, $2) ORDER BY seq', [
      first,
      second,
    ]);
    expect(after.rows.map((r) => r.hash)).toEqual([before.rows[1].hash, before.rows[0].hash]);

    const result = await verifyLedger(ledger);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: first, checkedEntries: first - 1 });
    expect(await verifyBatch(ledger)).toMatchObject({ valid: false, firstInvalidSeq: first });
  });

  it('(e) an entry deleted from the middle', async () => {
    const ledger = await buildLedger();
    const seq = ledger.batchSeqs[3];
    await tamper(ledger, `DELETE FROM ledger_entry WHERE seq = ${seq}`);
    const result = await verifyLedger(ledger);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: seq, checkedEntries: seq - 1 });
    expect(result.reason).toMatch(new RegExp(`${seq} is missing`));
    const batch = await verifyBatch(ledger);
    expect(batch.valid).toBe(false);
    expect(batch.reason).toMatch(/missing/);
    expect(batch.firstInvalidSeq).toBeGreaterThanOrEqual(seq);
    expect(batch.firstInvalidSeq).toBeLessThanOrEqual(seq + 1);
  });

  it('(e) the last entry deleted', async () => {
    const ledger = await buildLedger();
    await tamper(ledger, `DELETE FROM ledger_entry WHERE seq = ${ledger.size}`);
    const result = await verifyLedger(ledger);
    expect(result).toMatchObject({ valid: false, firstInvalidSeq: ledger.size, checkedEntries: ledger.size - 1 });
    expect(result.reason).toMatch(/missing/);
  });
});
