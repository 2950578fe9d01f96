import { Injectable } from '@nestjs/common';
import { OrganizationKind } from '../organizations/organization-kind.js';
import { Database, type Tx } from '../database/database.js';

@Injectable()
export class AuthRepository {
  constructor(private readonly db: Database) {}

  async findActiveKey(secretHash: string): Promise<{ apiKeyId: string; organizationId: string; organizationKind: OrganizationKind } | null> {
    // Revocations are read where they are written; a replica stands in only while the primary is down.
    const { rows } = await this.db.readPrimaryFirst<{ id: string; organization_id: string; kind: OrganizationKind }>(
      `SELECT k.id, k.organization_id, o.kind FROM api_key k JOIN organization o ON o.id = k.organization_id
       WHERE k.secret_hash = $1 AND k.revoked_at IS NULL`,
      [secretHash],
    );
    return rows[0] ? { apiKeyId: rows[0].id, organizationId: rows[0].organization_id, organizationKind: rows[0].kind } : null;
  }

  async insertKey(tx: Tx, key: { id: string; organizationId: string; label: string; secretHash: string; createdAt: string }): Promise<void> {
    await tx.query('INSERT INTO api_key (id, organization_id, label, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)', [
      key.id,
      key.organizationId,
      key.label,
      key.secretHash,
      key.createdAt,
    ]);
  }

  /** An organization's keys, newest first, revoked ones included (so it sees what it revoked and when). */
  async keysOf(organizationId: string): Promise<ApiKeyRecord[]> {
    const { rows } = await this.db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_key WHERE organization_id = $1 ORDER BY created_at DESC, id`, [
      organizationId,
    ]);
    return rows.map(toApiKey);
  }

  /** Locks the organization's row: key changes of one organization run one at a time, so a count holds until commit. */
  async lockOrganizationKeysInTx(tx: Tx, organizationId: string): Promise<void> {
    await tx.query('SELECT 1 FROM organization WHERE id = $1 FOR UPDATE', [organizationId]);
  }

  async countActiveKeysInTx(tx: Tx, organizationId: string): Promise<number> {
    const { rows } = await tx.query<{ n: string }>('SELECT count(*) AS n FROM api_key WHERE organization_id = $1 AND revoked_at IS NULL', [organizationId]);
    return Number(rows[0].n);
  }

  /** Locks the key's row, so two revocations of an organization's last keys cannot both pass the count. */
  async findKeyForUpdateInTx(tx: Tx, id: string): Promise<ApiKeyRecord | null> {
    const { rows } = await tx.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_key WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  async revokeInTx(tx: Tx, id: string): Promise<ApiKeyRecord> {
    const { rows } = await tx.query<ApiKeyRow>(`UPDATE api_key SET revoked_at = now() WHERE id = $1 RETURNING ${KEY_COLUMNS}`, [id]);
    return toApiKey(rows[0]);
  }

  async findKey(id: string): Promise<ApiKeyRecord | null> {
    const { rows } = await this.db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_key WHERE id = $1`, [id]);
    return rows[0] ? toApiKey(rows[0]) : null;
  }

  /** Which of these keys are still not revoked: one query for every open socket's key. */
  async activeKeyIds(ids: readonly string[]): Promise<Set<string>> {
    const { rows } = await this.db.query<{ id: string }>('SELECT id FROM api_key WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL', [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async recordUse(id: string): Promise<void> {
    await this.db.query('UPDATE api_key SET last_used_at = now() WHERE id = $1', [id]);
  }
}

export interface ApiKeyRecord {
  id: string;
  organizationId: string;
  label: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

type ApiKeyRow = { id: string; organization_id: string; label: string; created_at: Date; revoked_at: Date | null; last_used_at: Date | null };
const KEY_COLUMNS = 'id, organization_id, label, created_at, revoked_at, last_used_at';

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
