import { describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Tx } from './database.js';
import { StatementBatch, textArray } from './statement-batch.js';

/** Answers each statement of the text with one row naming it: enough to see which result goes to which handle. */
const echo: Tx = {
  query: (async (text: string) => text.split(';\n').map((statement) => ({ rows: [{ statement }] }) as unknown as pg.QueryResult)) as unknown as Tx['query'],
};

describe('StatementBatch', () => {
  it('gives each statement its own rows by handle, however many come before it', async () => {
    const batch = new StatementBatch();
    batch.add('BEGIN');
    const optional = Math.random() < 2 ? batch.add<{ statement: string }>('SELECT 1') : undefined;
    const last = batch.add<{ statement: string }>('SELECT 2');
    const results = await batch.run(echo);
    expect(results.rows(last)).toEqual([{ statement: 'SELECT 2' }]);
    expect(results.rows(optional!)).toEqual([{ statement: 'SELECT 1' }]);
  });

  it('refuses an answer with a different number of results', async () => {
    const batch = new StatementBatch();
    batch.add('SELECT 1');
    batch.add('SELECT 2');
    const short: Tx = { query: (async () => [{ rows: [] }]) as unknown as Tx['query'] };
    await expect(batch.run(short)).rejects.toThrow('sent 2 statements, got 1 results');
  });

  it('writes strings as an escaped text[] literal', () => {
    expect(textArray(['a', "d'e"])).toBe(`'{"a","d''e"}'`);
    // A backslash (also the one escaping a quote inside the array) makes it an E'' literal with backslashes doubled.
    expect(textArray(['b"c', 'f\\g'])).toBe(String.raw` E'{"b\\"c","f\\\\g"}'`);
  });
});
