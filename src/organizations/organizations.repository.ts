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

  /** An organization's GS1 company prefix; null when it has none (or there is no such organization). */
  async gs1CompanyPrefix(id: string, tx: Tx = this.db): Promise<string | null> {
    const { rows } = await tx.query<{ p: string | null }>('SELECT gs1_company_prefix AS p FROM organization WHERE id = $1', [id]);
    return rows[0]?.p ?? null;
  }

  /** The organization that has this GS1 company prefix, if any. */
  async gs1CompanyPrefixHolder(tx: Tx, prefix: string): Promise<string | null> {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM organization WHERE gs1_company_prefix = $1', [prefix]);
    return rows[0]?.id ?? null;
  }

  async setGs1CompanyPrefix(tx: Tx, id: string, prefix: string): Promise<void> {
    await tx.query('UPDATE organization SET gs1_company_prefix = $2 WHERE id = $1', [id, prefix]);
  }

  async usccTaken(tx: Tx, uscc: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM organization WHERE uscc = $1', [uscc])).rowCount === 1;
  }

  async insert(tx: Tx, org: Organization & { gs1CompanyPrefix: string | null; createdSeq: number; createdAt: string }): Promise<void> {
    await tx.query('INSERT INTO organization (id, name, kind, uscc, gs1_company_prefix, created_seq, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      org.id,
      org.name,
      org.kind,
      org.uscc,
      org.gs1CompanyPrefix,
      org.createdSeq,
      org.createdAt,
    ]);
  }
}
