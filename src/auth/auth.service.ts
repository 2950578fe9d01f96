import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { hashApiKeySecret, secretsEqual } from './api-key-secret.js';
import { AuthRepository } from './auth.repository.js';
import { ANONYMOUS, Caller } from './caller.js';

@Injectable()
export class AuthService {
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
    if (secretsEqual(secret, this.config.adminApiKey)) return { kind: 'admin' };
    const key = await this.keys.findActiveKey(hashApiKeySecret(secret));
    if (!key) throw new DomainError('INVALID_API_KEY', 'the API key is not valid or has been revoked');
    return { kind: 'organization', ...key };
  }
}
