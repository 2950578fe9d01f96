import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { generateApiKeySecret, hashApiKeySecret } from '../auth/api-key-secret.js';
import { ApiKeyRecord, AuthRepository } from '../auth/auth.repository.js';
import { Caller, requireOrganization } from '../auth/caller.js';
import { KeyRevocations } from '../auth/key-revocations.js';
import { DomainError } from '../common/domain-error.js';
import { Database } from '../database/database.js';

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
  ) {}

  async list(caller: Caller): Promise<ApiKeyRecord[]> {
    return this.keys.keysOf(requireOrganization(caller).organizationId);
  }

  async create(caller: Caller, label: string): Promise<{ apiKey: ApiKeyRecord; secret: string }> {
    const org = requireOrganization(caller);
    const secret = generateApiKeySecret();
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await this.keys.lockOrganizationKeysInTx(tx, org.organizationId);
      if ((await this.keys.countActiveKeysInTx(tx, org.organizationId)) >= MAX_ACTIVE_KEYS) {
        throw new DomainError('TOO_MANY_KEYS', `an organization holds at most ${MAX_ACTIVE_KEYS} active keys; revoke one first`);
      }
      await this.keys.insertKey(tx, {
        id,
        organizationId: org.organizationId,
        label,
        secretHash: hashApiKeySecret(secret),
        createdAt: new Date().toISOString(),
      });
    });
    return { apiKey: (await this.keys.findKey(id))!, secret };
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
