import pg from 'pg';
import type { Tx } from './database.js';

/** One statement of a StatementBatch: its rows are read back with this handle, never by counting statements. */
export interface StatementHandle<R> {
  readonly index: number;
  /** Carries the row type only. */
  readonly rowType?: R;
}

export interface StatementResults {
  rows<R>(statement: StatementHandle<R>): R[];
}

/**
 * Several statements sent as one simple-query message: one round trip for all of them. That protocol
 * carries no parameters, so values go into the text as escaped literals (`literal`, `textArray`).
 */
export class StatementBatch {
  private readonly statements: string[] = [];

  add<R = never>(sql: string): StatementHandle<R> {
    this.statements.push(sql);
    return { index: this.statements.length - 1 };
  }

  get text(): string {
    return this.statements.join(';\n');
  }

  async run(tx: Tx): Promise<StatementResults> {
    const answer = (await tx.query(this.text)) as unknown as pg.QueryResult | pg.QueryResult[];
    // pg answers an array for several statements and a single result for one.
    const results = Array.isArray(answer) ? answer : [answer];
    if (results.length !== this.statements.length) throw new Error(`sent ${this.statements.length} statements, got ${results.length} results`);
    return { rows: <R>(statement: StatementHandle<R>) => results[statement.index].rows as R[] };
  }
}

/** A string as an SQL literal. */
export function literal(value: string): string {
  return pg.escapeLiteral(value);
}

/** Strings as a text[] literal, e.g. `'{"a","b"}'` (cast it to the array type wanted). */
export function textArray(values: readonly string[]): string {
  return literal(`{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
}
