import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrganizationKind } from '../organizations/organization-kind.js';
import { Tx } from '../ledger/ledger-writer.js';

@Injectable()
export class AuthRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findActiveKey(secretHash: string): Promise<{ apiKeyId: string; organizationId: string; organizationKind: OrganizationKind } | null> {
    const rows: { id: string; organization_id: string; kind: OrganizationKind }[] = await this.dataSource.query(
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
}
