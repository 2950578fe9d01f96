import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { DomainError } from '../../src/common/domain-error.js';
import { ChainVerifier } from '../../src/ledger/chain-verifier.js';
import { draftEntry, LedgerEntry, requestFingerprint } from '../../src/ledger/ledger-entry.js';
import { LEDGER_ENTRY_COLUMNS, rowToLedgerEntry } from '../../src/ledger/ledger-row.js';
import { AppendContext, CommandFailed, LedgerCommand, LedgerWriter, RunTogether } from '../../src/ledger/ledger-writer.js';
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

  async function payloadsOf(batch: string): Promise<number[]> {
    const chain = await expectChainVerifies();
    return chain.filter((e) => e.batchId === batch).map((e) => JSON.parse(e.payload!).i as number);
  }

  it('writes many concurrent appends on the same few batches, each linked to the one before it', async () => {
    const writer = new LedgerWriter(pool);
    const batches = [randomUUID(), randomUUID(), randomUUID()];
    // The first round teaches the writer the batch heads; the second runs on what it knows.
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(
        Array.from({ length: 150 }, (_, i) => writer.append('org', [draftEntry('EVENT_RECORDED', batches[i % 3], { round, i })])),
      );
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

  it('fails only the command that throws something unexpected (a bug, a stack overflow), and writes the others', async () => {
    const writer = new LedgerWriter(pool);
    const batch = randomUUID();
    const before = (await storedChain()).length;
    const overflow = (depth: number): number => overflow(depth + 1) + 1;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        writer.execute({
          actor: `org-${i}`,
          batchIds: [batch],
          run: async (ctx) => {
            const entries = await ctx.append([draftEntry('EVENT_RECORDED', batch, { i })]);
            if (i === 3) (undefined as unknown as { id: string }).id.toString(); // a TypeError, as a bug on an empty list would throw
            if (i === 7) overflow(0); // a RangeError: input nested deeper than the stack
            return entries[0];
          },
        }),
      ),
    );
    const failed = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [[i, (o.reason as Error).constructor.name]] : []));
    expect(failed).toEqual([
      [3, 'TypeError'],
      [7, 'RangeError'],
    ]);
    const chain = await expectChainVerifies();
    expect(chain.length).toBe(before + 10);
    expect(await payloadsOf(batch)).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10, 11]);
  });

  describe('commands that run together', () => {
    // Command i appends { i }; `refuse` says which commands a rule refuses.
    type Numbered = LedgerCommand<LedgerEntry> & { i: number };
    function numbered(writer: LedgerWriter, batch: string, runTogether: RunTogether, refuse: (i: number) => boolean) {
      const alone: string[] = [];
      const appendOne = async (i: number, ctx: AppendContext) => (await ctx.append([draftEntry('EVENT_RECORDED', batch, { i })]))[0];
      const execute = (i: number) =>
        writer.execute<LedgerEntry>({
          i,
          actor: 'org',
          batchIds: [batch],
          runTogether,
          run: async (ctx) => {
            alone.push(`run ${i}`);
            if (refuse(i)) throw new DomainError('INVALID_INPUT', `command ${i} refused`);
            return appendOne(i, ctx);
          },
        } as Numbered);
      return { execute, appendOne, alone };
    }

    it('passes neighbours to runTogether at once, and drops only the command it names as failed', async () => {
      const writer = new LedgerWriter(pool);
      const batch = randomUUID();
      const sizes: number[] = [];
      const refuse = (i: number) => i === 3;
      const runTogether: RunTogether = async (runs) => {
        sizes.push(runs.length);
        const results: unknown[] = [];
        for (const [index, { command, ctx }] of runs.entries()) {
          const { i } = command as Numbered;
          const entry = await helpers.appendOne(i, ctx);
          // After appending, as a rule found broken late would: its entry must vanish with it.
          if (refuse(i)) throw new CommandFailed(index, new DomainError('INVALID_INPUT', `command ${i} refused`));
          results.push(entry);
        }
        return results;
      };
      const helpers = numbered(writer, batch, runTogether, refuse);
      // The first command makes a group of its own; the five that queue meanwhile make the next.
      const outcomes = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(helpers.execute));
      expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : JSON.parse((o.value as LedgerEntry).payload!).i))).toEqual([
        0,
        1,
        2,
        'command 3 refused',
        4,
        5,
      ]);
      expect(outcomes[3].status === 'rejected' && (outcomes[3].reason as DomainError).code).toBe('INVALID_INPUT');
      expect(sizes).toEqual([1, 5, 4]);
      expect(helpers.alone).toEqual([]);
      expect(await payloadsOf(batch)).toEqual([0, 1, 2, 4, 5]);
    });

    it('runs them one by one when a run together fails without naming a command', async () => {
      const writer = new LedgerWriter(pool);
      const batch = randomUUID();
      const refuse = (i: number) => i === 2;
      // A failure of what the commands share (one read for all of them) names none of them.
      const runTogether: RunTogether = async (runs) => {
        if (runs.some(({ command }) => refuse((command as Numbered).i))) throw new DomainError('INVALID_INPUT', 'one of these is refused');
        return Promise.all(runs.map(({ command, ctx }) => helpers.appendOne((command as Numbered).i, ctx)));
      };
      const helpers = numbered(writer, batch, runTogether, refuse);
      const outcomes = await Promise.allSettled([0, 1, 2, 3].map(helpers.execute));
      expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'ok'))).toEqual(['ok', 'ok', 'command 2 refused', 'ok']);
      expect(helpers.alone).toEqual(['run 1', 'run 2', 'run 1', 'run 3']);
      expect(await payloadsOf(batch)).toEqual([0, 1, 3]);
    });
  });

  it('takes back an attempt that fails, its entries and its rows, and lets the command go on (EPCIS capture with proceed)', async () => {
    await pool.query('CREATE TABLE attempt_probe (n integer NOT NULL)');
    const writer = new LedgerWriter(pool);
    const batch = randomUUID();
    const step = async (ctx: AppendContext, n: number) => {
      await ctx.append([draftEntry('EVENT_RECORDED', batch, { i: n })]);
      await ctx.tx.query('INSERT INTO attempt_probe (n) VALUES ($1)', [n]);
    };
    const outcome = await Promise.all([
      writer.execute({
        actor: 'org',
        batchIds: [batch],
        run: async (ctx) => {
          await step(ctx, 1);
          const refused = await ctx
            .attempt(async () => {
              await step(ctx, 2);
              // Fails after a statement that errs, as a constraint would: the transaction must still be usable after.
              await ctx.tx.query('INSERT INTO attempt_probe (n) VALUES (NULL)');
            })
            .catch((err: Error) => err.constructor.name);
          await ctx.attempt(() => step(ctx, 3));
          await step(ctx, 4);
          return refused;
        },
      }),
      // Another command queued at the same time (in the same group when the writer takes them together) is written whole.
      writer.append('other', [draftEntry('EVENT_RECORDED', batch, { i: 5 })]),
    ]);
    expect(outcome[0]).toBe('DatabaseError');
    expect((await payloadsOf(batch)).sort()).toEqual([1, 3, 4, 5]);
    expect((await pool.query('SELECT n FROM attempt_probe ORDER BY n')).rows.map((r) => r.n)).toEqual([1, 3, 4]);
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
