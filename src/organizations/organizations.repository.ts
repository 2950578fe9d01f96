import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';
import type { OrganizationKind } from './organization-kind.js';

export interface Organization {
  id: string;
  name: string;
  kind: OrganizationKind;
  uscc: string | null;
}

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<Organization | null> {
    return (await this.findByIds([id])).get(id) ?? null;
  }

  async findByIds(ids: string[]): Promise<Map<string, Organization>> {
    const { rows } = await this.db.query<{ id: string; name: string; kind: OrganizationKind; uscc: string | null }>(
      'SELECT id, name, kind, uscc FROM organization WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, kind: r.kind, uscc: r.uscc }]));
  }

  async usccTaken(tx: Tx, uscc: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM organization WHERE uscc = $1', [uscc])).rowCount === 1;
  }

  async insert(tx: Tx, org: Organization & { createdSeq: number; createdAt: string }): Promise<void> {
    await tx.query('INSERT INTO organization (id, name, kind, uscc, created_seq, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      org.id,
      org.name,
      org.kind,
      org.uscc,
      org.createdSeq,
      org.createdAt,
    ]);
  }
}
