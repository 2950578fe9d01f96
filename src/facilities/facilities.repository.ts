import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/database.js';
import { FacilityEntity } from './facility.entity.js';

export interface Facility {
  id: string;
  organizationId: string;
  name: string;
  region: string | null;
  gln: string | null;
}

@Injectable()
export class FacilitiesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<Facility | null> {
    return this.dataSource
      .getRepository(FacilityEntity)
      .findOne({ where: { id }, select: { id: true, organizationId: true, name: true, region: true, gln: true } });
  }

  async findOwnerInTx(tx: Tx, id: string): Promise<string | null> {
    const { rows } = await tx.query<{ organization_id: string }>('SELECT organization_id FROM facility WHERE id = $1', [id]);
    return rows[0]?.organization_id ?? null;
  }

  /** Facility id → its organization, for the ids that exist. */
  async ownersInTx(tx: Tx, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const { rows } = await tx.query<{ id: string; organization_id: string }>('SELECT id, organization_id FROM facility WHERE id = ANY($1::uuid[])', [ids]);
    return new Map(rows.map((r) => [r.id, r.organization_id]));
  }

  async glnTakenInTx(tx: Tx, gln: string): Promise<boolean> {
    return (await tx.query('SELECT 1 FROM facility WHERE gln = $1', [gln])).rowCount === 1;
  }

  async insert(tx: Tx, facility: Facility & { createdSeq: number }): Promise<void> {
    await tx.query('INSERT INTO facility (id, organization_id, name, region, gln, created_seq) VALUES ($1, $2, $3, $4, $5, $6)', [
      facility.id,
      facility.organizationId,
      facility.name,
      facility.region,
      facility.gln,
      facility.createdSeq,
    ]);
  }
}
