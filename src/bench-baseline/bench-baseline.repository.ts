import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

@Injectable()
export class BenchBaselineRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One autocommit INSERT: no chain, no lock, no transaction around it. */
  async insertRow(organizationId: string, note: string): Promise<void> {
    await this.dataSource.query('INSERT INTO bench_baseline_row (id, organization_id, note) VALUES ($1, $2, $3)', [randomUUID(), organizationId, note]);
  }
}
