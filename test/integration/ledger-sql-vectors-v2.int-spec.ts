import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INestApplication } from '@nestjs/common';
import pg from 'pg';
import type { App } from 'supertest/types.js';
import { LedgerRepository } from '../../src/ledger/ledger.repository.js';
import { readFixtureJson } from '../support/fixtures.js';
import { createTestApp } from '../support/test-app.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/**
 * The SQL copy of the hash rule against ledger-v2.json (docs/ledger-format.md): a chain that mixes a v1
 * entry and v2 entries, stored as they are, checks out; a member of a v2 payload changed behind the
 * service's back, a member's bytes moved between members, or the version changed, is found.
 */
const vectors = readFixtureJson('vectors/ledger-v2.json');
const entries: any[] = vectors.entries;
const batchId: string = entries.find((e) => e.batchId !== null).batchId;

/** Where each member ends in the canonical payload, in code points, from the vector's own member texts. */
function memberEnds(e: any): number[] | null {
  if (e.v === 1) return null;
  let at = 1;
  return e.members.map((m: any) => {
    at += [...m.memberText].length;
    const end = at;
    at += 1;
    return end;
  });
}

describe('the SQL hash check against test/fixtures/vectors/ledger-v2.json', () => {
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
        `INSERT INTO ledger_entry
           (seq, v, prev_hash, type, batch_id, batch_prev_hash, actor, recorded_at, payload_hash, hash, salt, payload, payload_member_ends)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, decode($11, 'hex'), $12, $13)`,
        [e.seq, e.v, e.prevHash, e.type, e.batchId, e.batchPrevHash, e.actor, e.recordedAt, e.payloadHash, e.hash, e.salt, e.canonicalPayload, memberEnds(e)],
      );
    }
  });
  afterAll(async () => {
    await sql?.end();
    await app?.close();
    await db?.drop();
  });

  /** Changes one stored column of entry `seq` (as a superuser could, past the append-only trigger), runs `check`, then puts it back. */
  async function tampered<T>(seq: number, set: string, value: unknown, check: () => Promise<T>): Promise<T> {
    const { rows } = await sql.query(`SELECT * FROM ledger_entry WHERE seq = $1`, [seq]);
    const before = rows[0];
    await sql.query('ALTER TABLE ledger_entry DISABLE TRIGGER USER');
    try {
      await sql.query(`UPDATE ledger_entry SET ${set} WHERE seq = $2`, [value, seq]);
      return await check();
    } finally {
      await sql.query(`UPDATE ledger_entry SET v = $1, payload = $2, payload_member_ends = $3, salt = $4 WHERE seq = $5`, [
        before.v,
        before.payload,
        before.payload_member_ends,
        before.salt,
        seq,
      ]);
      await sql.query('ALTER TABLE ledger_entry ENABLE TRIGGER USER');
    }
  }

  it('finds every vector entry intact, v1 and v2 mixed: the whole range and the batch', async () => {
    expect(await ledger.firstSuspectSeq(1, entries.length)).toBeNull();
    expect(await ledger.batchLooksIntact(batchId)).toEqual({ entries: 4, intact: true });
  });

  it.each([
    ['a public member (quantity 600 → 700)', 3, 'payload = $1', (e: any) => e.canonicalPayload.replace('"quantity":600', '"quantity":700')],
    ['a private member (the order number)', 3, 'payload = $1', (e: any) => e.canonicalPayload.replace('PO-2026-10-0117', 'PO-2026-10-0118')],
    ['a value in a payload with astral characters', 2, 'payload = $1', (e: any) => e.canonicalPayload.replace('12.8', '12.9')],
    ['the cut between two members moved', 3, 'payload_member_ends = $1', (e: any) => memberEnds(e)!.map((end, i) => (i === 0 ? end + 1 : end))],
    ['the member ends cut off the last member', 4, 'payload_member_ends = $1', (e: any) => memberEnds(e)!.slice(0, -1)],
    ['the salt', 4, 'salt = $1', () => Buffer.alloc(16)],
    ['the version (v2 read as v1)', 5, 'v = 1, payload_member_ends = $1', () => null],
  ])('finds %s changed in entry %i', async (_what, seq, set, value) => {
    const e = entries.find((x) => x.seq === seq);
    const suspect = await tampered(seq, set, value(e), () => ledger.firstSuspectSeq(1, entries.length));
    expect(suspect).toBe(seq);
    expect(await tampered(seq, set, value(e), () => ledger.batchLooksIntact(batchId))).toEqual({ entries: 4, intact: false });
  });
});
