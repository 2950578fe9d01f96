import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateApiKeySecret, hashApiKeySecret } from '../auth/api-key-secret.js';
import { ApiKeyRecord, AuthRepository } from '../auth/auth.repository.js';
import { Caller, requireOrganization } from '../auth/caller.js';
import { KeyRevocations } from '../auth/key-revocations.js';
import { DomainError } from '../common/domain-error.js';
import { Database } from '../database/database.js';
import { OrganizationsRepository } from '../organizations/organizations.repository.js';

/** Who sees and manages an organization's keys: the organization itself and the admin. Pure. */
export function mayManageKeysOf(caller: Caller, organizationId: string): boolean {
  return caller.kind === 'admin' || (caller.kind === 'organization' && caller.organizationId === organizationId);
}

/** Most active keys an organization may hold: enough for every device and integration, few enough to review. */
export const MAX_ACTIVE_KEYS = 50;

/**
 * An organization's API keys: several at once, each with a label, created and revoked by the
 * organization itself (the admin may revoke any). Keys are credentials, not supply-chain facts, so
 * they live outside the ledger; only their SHA-256 is stored.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly db: Database,
    private readonly keys: AuthRepository,
    private readonly revocations: KeyRevocations,
    private readonly organizations: OrganizationsRepository,
  ) {}

  async list(caller: Caller): Promise<ApiKeyRecord[]> {
    return this.keys.keysOf(requireOrganization(caller).organizationId);
  }

  /** An organization's keys for `Organization.apiKeys`: the admin's and the organization's own; null for anyone else. */
  async listOf(caller: Caller, organizationId: string): Promise<ApiKeyRecord[] | null> {
    return mayManageKeysOf(caller, organizationId) ? this.keys.keysOf(organizationId) : null;
  }

  /**
   * A new key: for the caller's own organization, or, by the admin, for the organization it names (one
   * that lost its keys is let back in this way; the admin then revokes the lost one: rotation).
   */
  async create(caller: Caller, label: string, organizationId?: string | null): Promise<{ apiKey: ApiKeyRecord; secret: string }> {
    const owner = await this.keyOwner(caller, organizationId);
    const secret = generateApiKeySecret();
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await this.keys.lockOrganizationKeysInTx(tx, owner);
      if ((await this.keys.countActiveKeysInTx(tx, owner)) >= MAX_ACTIVE_KEYS) {
        throw new DomainError('TOO_MANY_KEYS', `an organization holds at most ${MAX_ACTIVE_KEYS} active keys; revoke one first`);
      }
      await this.keys.insertKey(tx, {
        id,
        organizationId: owner,
        label,
        secretHash: hashApiKeySecret(secret),
        createdAt: new Date().toISOString(),
      });
    });
    return { apiKey: (await this.keys.findKey(id))!, secret };
  }

  /** Whose key createApiKey makes: the admin names an existing organization; an organization makes its own (naming itself at most). */
  private async keyOwner(caller: Caller, organizationId: string | null | undefined): Promise<string> {
    if (caller.kind === 'admin') {
      if (!organizationId) throw new DomainError('ORGANIZATION_ONLY', 'the admin key has no keys of its own: name the organization (organizationId)');
      if (!(await this.organizations.findById(organizationId)))
        throw new DomainError('ORGANIZATION_NOT_FOUND', `organizationId: no organization has id ${organizationId}`);
      return organizationId;
    }
    const org = requireOrganization(caller);
    if (organizationId && organizationId !== org.organizationId)
      throw new DomainError('ADMIN_ONLY', 'only the admin API key creates a key for another organization (organizationId)');
    return org.organizationId;
  }

  /**
   * The organization revokes one of its keys (the one it is using too, if it wants); never its last
   * active one, which would lock it out for good. The admin may revoke any key, the last included
   * (a compromised organization). A revoked key is refused from the next request on.
   */
  async revoke(caller: Caller, id: string): Promise<ApiKeyRecord> {
    if (caller.kind === 'anonymous') throw new DomainError('AUTHENTICATION_REQUIRED', 'revokeApiKey needs an API key (Authorization: Bearer <key>)');
    const revoked = await this.db.transaction(async (tx) => {
      const key = await this.keys.findKeyForUpdateInTx(tx, id);
      // Another organization's key is reported as missing: its id tells the caller nothing.
      if (!key || (caller.kind === 'organization' && key.organizationId !== caller.organizationId))
        throw new DomainError('API_KEY_NOT_FOUND', `no API key of yours has id ${id}`);
      if (key.revokedAt) throw new DomainError('API_KEY_REVOKED', `API key ${id} was already revoked at ${key.revokedAt.toISOString()}`);
      await this.keys.lockOrganizationKeysInTx(tx, key.organizationId);
      if (caller.kind === 'organization' && (await this.keys.countActiveKeysInTx(tx, key.organizationId)) <= 1) {
        throw new DomainError('LAST_ACTIVE_KEY', 'this is your last active key: create another before revoking it');
      }
      return this.keys.revokeInTx(tx, id);
    });
    // Sockets opened with the key are closed now, not at their next check.
    this.revocations.announce(revoked.id);
    return revoked;
  }
}
