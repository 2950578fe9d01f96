import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { ExpiringSet } from '../common/expiring-set.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { hashApiKeySecret, hashesEqual } from './api-key-secret.js';
import { AuthRepository } from './auth.repository.js';
import { ANONYMOUS, Caller } from './caller.js';

/** Last use is recorded at most this often per key, so authenticating stays a read. */
const RECORD_USE_EVERY_MS = 60_000;
/**
 * A secret the database did not know is refused again without asking it for this long (a key's secret
 * is 32 random bytes made by the service, so an unknown one never becomes valid; a revoked one stays
 * revoked), for at most this many secrets: random Authorization values cost one lookup each, once.
 */
const REMEMBER_REFUSED_MS = 60_000;
const REMEMBER_REFUSED_MAX = 10_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly lastRecordedUse = new Map<string, number>();
  private readonly refusedSecrets = new ExpiringSet<string>(REMEMBER_REFUSED_MAX, REMEMBER_REFUSED_MS);
  /** The admin keys' hashes, made once: a request hashes only its own secret. */
  private readonly adminKeyHashes: string[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly keys: AuthRepository,
  ) {
    this.adminKeyHashes = [config.adminApiKey, config.adminApiKeyPrevious].filter((k): k is string => k !== null).map(hashApiKeySecret);
  }

  /** Whether authenticating this header would ask the database (a well-formed value that is neither an admin key nor refused lately). */
  wouldLookUp(authorization: string): boolean {
    const secretHash = this.secretHashOf(authorization);
    return secretHash !== null && !this.isAdminKey(secretHash) && !this.refusedSecrets.has(secretHash, Date.now());
  }

  /** No header: anonymous. A header that proves nothing is refused, never treated as anonymous. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (authorization === undefined || authorization === '') return ANONYMOUS;
    const secretHash = this.secretHashOf(authorization);
    if (secretHash === null) throw new DomainError('INVALID_API_KEY', 'the Authorization header must be "Bearer <API key>"');
    if (this.isAdminKey(secretHash)) return { kind: 'admin' };
    if (this.refusedSecrets.has(secretHash, Date.now())) throw unknownKey();
    const key = await this.keys.findActiveKey(secretHash);
    if (!key) {
      this.refusedSecrets.add(secretHash, Date.now());
      throw unknownKey();
    }
    this.recordUse(key.apiKeyId);
    return { kind: 'organization', ...key };
  }

  private secretHashOf(authorization: string): string | null {
    const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(authorization);
    return match ? hashApiKeySecret(match[1]) : null;
  }

  private isAdminKey(secretHash: string): boolean {
    // Every admin comparison runs, so timing does not tell which key matched.
    const matches = this.adminKeyHashes.map((adminHash) => hashesEqual(secretHash, adminHash));
    return matches.includes(true);
  }

  /** In the background: a failed write of the last-use time must not fail the request. */
  private recordUse(apiKeyId: string): void {
    const now = Date.now();
    if (now - (this.lastRecordedUse.get(apiKeyId) ?? 0) < RECORD_USE_EVERY_MS) return;
    if (this.lastRecordedUse.size > 100_000) this.lastRecordedUse.clear();
    this.lastRecordedUse.set(apiKeyId, now);
    this.keys.recordUse(apiKeyId).catch((err: Error) => this.logger.warn(`recording the use of key ${apiKeyId} failed: ${err.message}`));
  }
}

const unknownKey = () => new DomainError('INVALID_API_KEY', 'the API key is not valid or has been revoked');
