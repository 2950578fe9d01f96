import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DomainError } from '../../src/common/domain-error.js';
import { ChainVerifier } from '../../src/ledger/chain-verifier.js';
import { draftEntry, LedgerEntry, requestFingerprint } from '../../src/ledger/ledger-entry.js';
import { LEDGER_ENTRY_COLUMNS, rowToLedgerEntry } from '../../src/ledger/ledger-row.js';
import { LedgerWriter } from '../../src/ledger/ledger-writer.js';
import { createTestDatabase, TestDatabase } from '../test-database.js';

/** The writer on its own, on a real database: groups, both ways of writing them, and failures inside a group. */
describe('LedgerWriter', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 8 });
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  async function storedChain(): Promise<LedgerEntry[]> {
    const { rows } = await pool.query(`SELECT ${LEDGER_ENTRY_COLUMNS} FROM ledger_entry ORDER BY seq`);
    return rows.map((row) => rowToLedgerEntry(row));
  }

  async function expectChainVerifies(): Promise<LedgerEntry[]> {
    const chain = await storedChain();
    const verifier = new ChainVerifier({ fromSeq: 1, previousHash: null });
    for (const entry of chain) verifier.check(entry);
    expect(verifier.finish(chain.length)).toMatchObject({ valid: true, checkedEntries: chain.length });
    const head = await pool.query('SELECT seq, hash FROM ledger_head');
    expect(Number(head.rows[0].seq)).toBe(chain.length);
    expect(head.rows[0].hash).toBe(chain.at(-1)?.hash);
    return chain;
  }

  it('writes many concurrent appends on the same few batches, each linked to the one before it', async () => {
    const writer = new LedgerWriter(pool);
    const batches = [randomUUID(), randomUUID(), randomUUID()];
    // The first round teaches the writer the batch heads; the second runs on what it knows.
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(Array.from({ length: 150 }, (_, i) => writer.append('org', [draftEntry('EVENT_RECORDED', batches[i % 3], { round, i })])));
      expect(new Set(results.map(([e]) => e.seq)).size).toBe(150);
    }
    const chain = await expectChainVerifies();
    for (const batch of batches) expect(chain.filter((e) => e.batchId === batch)).toHaveLength(100);
  });

  it('keeps two writers (two processes) on one ledger gapless and unforked', async () => {
    const otherPool = new pg.Pool({ connectionString: db.url, max: 8 });
    const writers = [new LedgerWriter(pool), new LedgerWriter(otherPool)];
    const batch = randomUUID();
    const before = (await storedChain()).length;
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => writers[i % 2].append(`org-${i % 2}`, [draftEntry('EVENT_RECORDED', i % 3 === 0 ? null : batch, { i })])),
    );
    await otherPool.end();
    const chain = await expectChainVerifies();
    expect(chain.length).toBe(before + 300);
    // Every caller got its own entry, exactly as stored.
    const stored = new Map(chain.map((e) => [e.seq, e.hash]));
    for (const [entry] of results) expect(stored.get(entry.seq)).toBe(entry.hash);
    expect(new Set(results.map(([e]) => e.seq)).size).toBe(300);
  });

  it('drops a command that fails inside a group and writes the others', async () => {
    const writer = new LedgerWriter(pool);
    const batch = randomUUID();
    const before = (await storedChain()).length;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        writer.execute({
          actor: 'org',
          batchIds: [batch],
          run: async (ctx) => {
            const entries = await ctx.append([draftEntry('EVENT_RECORDED', batch, { i })]);
            // After appending, as a rule found broken late would: its entry must vanish with it.
            if (i % 5 === 4) throw new DomainError('INVALID_INPUT', `command ${i} refused`);
            return entries[0];
          },
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.message)).toEqual([
      'command 4 refused',
      'command 9 refused',
      'command 14 refused',
      'command 19 refused',
    ]);
    const chain = await expectChainVerifies();
    expect(chain.length).toBe(before + 16);
    const payloads = chain.filter((e) => e.batchId === batch).map((e) => JSON.parse(e.payload!).i);
    expect(payloads.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18]);
  });

  it('answers a repeated idempotency key with the first entry, even within one group', async () => {
    const writer = new LedgerWriter(pool);
    const requestHash = requestFingerprint('test', { x: 1 });
    const draft = () => draftEntry('EVENT_RECORDED', null, { x: 1 }, { idempotencyKey: 'same-key', requestHash });
    const run = () =>
      writer.execute({
        actor: 'org',
        idempotencyKeys: ['same-key'],
        run: async (ctx) => ctx.prior('same-key', requestHash) ?? (await ctx.append([draft()]))[0],
      });
    const [a, b] = await Promise.all([run(), run()]);
    const c = await run();
    expect(b.seq).toBe(a.seq);
    expect(c.seq).toBe(a.seq);
    expect((await storedChain()).filter((e) => e.payload === '{"x":1}')).toHaveLength(1);
  });
});
