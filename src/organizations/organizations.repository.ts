import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/database.js';
import { OrganizationEntity } from './organization.entity.js';
import type { OrganizationKind } from './organization-kind.js';

export interface Organization {
  id: string;
  name: string;
  kind: OrganizationKind;
  uscc: string | null;
}

@Injectable()
export class OrganizationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<Organization | null> {
    return this.dataSource.getRepository(OrganizationEntity).findOne({ where: { id }, select: { id: true, name: true, kind: true, uscc: true } });
  }

  async findByIds(ids: string[]): Promise<Map<string, Organization>> {
    const rows: Organization[] = await this.dataSource.query('SELECT id, name, kind, uscc FROM organization WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r]));
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
