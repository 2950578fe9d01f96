import { Injectable } from '@nestjs/common';
import { Database, type Tx } from '../database/database.js';

export interface Facility {
  id: string;
  organizationId: string;
  name: string;
  region: string | null;
  gln: string | null;
}

@Injectable()
export class FacilitiesRepository {
  constructor(private readonly db: Database) {}

  async findById(id: string): Promise<Facility | null> {
    const { rows } = await this.db.query<{ id: string; organization_id: string; name: string; region: string | null; gln: string | null }>(
      'SELECT id, organization_id, name, region, gln FROM facility WHERE id = $1',
      [id],
    );
    const r = rows[0];
    return r ? { id: r.id, organizationId: r.organization_id, name: r.name, region: r.region, gln: r.gln } : null;
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
