import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import pg from 'pg';
import type { App } from 'supertest/types.js';
import { LedgerRepository } from '../../src/ledger/ledger.repository.js';
import { readFixtureJson } from '../support/fixtures.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/**
 * The hash rule's SQL copy (PostgreSQL recomputing payload and entry hashes in ledger.repository.ts)
 * against the same vectors as the Node and browser code: the three entries of ledger-v1.json, stored
 * as they are, check out; each member changed behind the service's back is found.
 */
const vectors = readFixtureJson('vectors/ledger-v1.json');
const entries: any[] = vectors.entries;
const batchId: string = entries.find((e) => e.batchId !== null).batchId;

describe('the SQL hash check against test/fixtures/vectors/ledger-v1.json', () => {
  let db: TestDatabase;
  let app: INestApplication<App>;
  let sql: pg.Client;
  let ledger: LedgerRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await createTestApp(db.url);
    ledger = app.get(LedgerRepository);
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    for (const e of entries) {
      await sql.query(
        `INSERT INTO ledger_entry (seq, v, prev_hash, type, batch_id, batch_prev_hash, actor, recorded_at, payload_hash, hash, salt, payload)
         VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8, $9, decode($10, 'hex'), $11)`,
        [e.seq, e.prevHash, e.type, e.batchId, e.batchPrevHash, e.actor, e.recordedAt, e.payloadHash, e.hash, e.salt, e.canonicalPayload],
      );
    }
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  /** Changes one stored member of entry `seq` (as a superuser could, past the append-only trigger), runs `check`, then puts it back. */
  async function tampered<T>(seq: number, column: string, value: unknown, check: () => Promise<T>): Promise<T> {
    const original = entries.find((e) => e.seq === seq);
    const restore: Record<string, unknown> = {
      actor: original.actor,
      payload: original.canonicalPayload,
      recorded_at: original.recordedAt,
      type: original.type,
    };
    await sql.query('ALTER TABLE ledger_entry DISABLE TRIGGER USER');
    try {
      await sql.query(`UPDATE ledger_entry SET ${column} = $1 WHERE seq = $2`, [value, seq]);
      return await check();
    } finally {
      await sql.query(`UPDATE ledger_entry SET ${column} = $1 WHERE seq = $2`, [restore[column], seq]);
      await sql.query('ALTER TABLE ledger_entry ENABLE TRIGGER USER');
    }
  }

  it('finds every vector entry intact: the whole range and the batch', async () => {
    expect(await ledger.firstSuspectSeq(1, entries.length)).toBeNull();
    expect(await ledger.batchLooksIntact(batchId)).toEqual({ entries: 2, intact: true });
  });

  it('finds a range that should reach past the stored entries incomplete', async () => {
    expect(await ledger.firstSuspectSeq(1, entries.length + 1)).toBe(entries.length + 1);
  });

  it.each([
    ['actor', 1, 'someone-else'],
    ['type', 2, 'EVENT_RECORDED'],
    ['recorded_at', 3, '2026-09-01T08:00:00.001Z'],
    ['payload', 1, '{"kind":"PRODUCER"}'],
  ])('finds entry %s changed on entry %i', async (column, seq, value) => {
    const suspect = await tampered(seq, column, value, () => ledger.firstSuspectSeq(1, entries.length));
    expect(suspect).toBe(seq);
  });

  it('finds the batch not intact when one of its entries, or the entry before it, is changed', async () => {
    expect(await tampered(3, 'actor', 'someone-else', () => ledger.batchLooksIntact(batchId))).toEqual({ entries: 2, intact: false });
    // Entry 1 is not the batch's, but entry 2's prevHash must match its recomputed hash.
    expect(await tampered(1, 'recorded_at', '2026-09-01T08:00:01.000Z', () => ledger.batchLooksIntact(batchId))).toEqual({ entries: 2, intact: false });
    expect(await ledger.batchLooksIntact(batchId)).toEqual({ entries: 2, intact: true });
  });
});
