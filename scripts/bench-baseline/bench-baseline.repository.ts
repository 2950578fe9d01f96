import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Database } from '../../src/database/database.js';

@Injectable()
export class BenchBaselineRepository implements OnModuleInit {
  constructor(private readonly database: Database) {}

  /** The benchmark's own table, in the benchmark's database: no migration of the product makes it. */
  async onModuleInit(): Promise<void> {
    await this.database.query(`
      CREATE TABLE IF NOT EXISTS bench_baseline_row (
        id uuid NOT NULL,
        organization_id uuid NOT NULL,
        note text NOT NULL,
        created_at timestamp with time zone NOT NULL DEFAULT now(),
        CONSTRAINT pk_bench_baseline_row PRIMARY KEY (id)
      )`);
  }

  /** One autocommit INSERT: no chain, no lock, no transaction around it. */
  async insertRow(organizationId: string, note: string): Promise<void> {
    await this.database.query('INSERT INTO bench_baseline_row (id, organization_id, note) VALUES ($1, $2, $3)', [randomUUID(), organizationId, note]);
  }
}
