import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { hashApiKeySecret, secretsEqual } from './api-key-secret.js';
import { AuthRepository } from './auth.repository.js';
import { ANONYMOUS, Caller } from './caller.js';

/** Last use is recorded at most this often per key, so authenticating stays a read. */
const RECORD_USE_EVERY_MS = 60_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger('Auth');
  private readonly lastRecordedUse = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: AuthRepository,
  ) {}

  /** No header: anonymous. A header that proves nothing is refused, never treated as anonymous. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (authorization === undefined || authorization === '') return ANONYMOUS;
    const match = /^Bearer ([\x21-\x7e]{1,256})$/.exec(authorization);
    if (!match) throw new DomainError('INVALID_API_KEY', 'the Authorization header must be "Bearer <API key>"');
    const secret = match[1];
    // Both admin comparisons always run, so timing does not tell which key matched.
    const current = secretsEqual(secret, this.config.adminApiKey);
    const previous = this.config.adminApiKeyPrevious !== null && secretsEqual(secret, this.config.adminApiKeyPrevious);
    if (current || previous) return { kind: 'admin' };
    const key = await this.keys.findActiveKey(hashApiKeySecret(secret));
    if (!key) throw new DomainError('INVALID_API_KEY', 'the API key is not valid or has been revoked');
    this.recordUse(key.apiKeyId);
    return { kind: 'organization', ...key };
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
