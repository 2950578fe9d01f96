import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ReplicaRouter } from './replica-router.js';

/** What a repository needs to run a statement: the pool, a transaction, or the writer's group transaction. */
export interface Tx {
  /** A QueryConfig with a name is parsed once per connection: for reads every group repeats. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

/**
 * The one way to PostgreSQL: the pool (TypeORM's, which the migrations and the DataSource also use),
 * a statement, a transaction, or a connection of one's own. Only repositories and the ledger's
 * append path call it; services hold rules, not SQL.
 *
 * `query` runs on the primary; `read` on a streaming replica when DATABASE_REPLICA_URLS lists one that
 * has what the read must see (replica-router.ts), else on the primary. Repositories use `read` for what
 * scans, pages, proofs, traces, lists and exports show, `query` for writes and for the reads that decide one.
 */
@Injectable()
export class Database implements Tx, OnModuleInit, OnApplicationShutdown {
  readonly pool: pg.Pool;
  readonly replicas: ReplicaRouter;

  constructor(dataSource: DataSource, @Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    // TypeORM keeps its pg pool private; this is the only place that reaches for it.
    this.pool = (dataSource.driver as PostgresDriver).master as pg.Pool;
    this.replicas = new ReplicaRouter(this.pool, config?.databaseReplicaUrls ?? [], config?.databasePoolSize ?? 10, config?.replicaMaxLagMs ?? 2000);
  }

  async onModuleInit(): Promise<void> {
    await this.replicas.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.replicas.stop();
  }

  /** A read that may be answered by a replica (see the class comment). */
  read<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.replicas.query<R>(sql, params);
  }

  /** A read on the primary that a caught-up replica answers while the primary is down (replica-router.ts). */
  readPrimaryFirst<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.replicas.queryPrimaryFirst<R>(sql, params);
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string | pg.QueryConfig, params?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(sql as string, params);
  }

  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      // The connection goes back to the pool outside any transaction, or not at all.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  /** A connection of the caller's own, for work that spans statements outside `transaction` (the ledger writer). */
  connect(): Promise<pg.PoolClient> {
    return this.pool.connect();
  }

  /** The pool's connection settings, for a client that must live outside it (LISTEN). */
  connectionOptions(): pg.ClientConfig {
    return (this.pool as unknown as { options: pg.ClientConfig }).options;
  }
}

@Global()
@Module({ providers: [Database], exports: [Database] })
export class DatabaseModule {}
