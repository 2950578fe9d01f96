import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { clientAddress } from '../common/client-address.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Rate limits, before anything else runs: a request with a key is counted against that key (the
 * admin's excepted: the operator's own tools), a request without one against the client's address
 * (the public page, `scan`, the recall list). Past the limit: 429 with Retry-After.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  private readonly perKey: RateLimiter | null;
  private readonly perAddress: RateLimiter | null;
  private readonly adminKeyHashes: Set<string>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.perKey = config.rateLimitPerKey > 0 ? new RateLimiter(config.rateLimitPerKey) : null;
    this.perAddress = config.rateLimitPublic > 0 ? new RateLimiter(config.rateLimitPublic) : null;
    this.adminKeyHashes = new Set([config.adminApiKey, config.adminApiKeyPrevious].filter((k): k is string => k !== null).map((k) => sha256(`Bearer ${k}`)));
  }

  use(req: Request, res: Response, next: NextFunction): void {
    // Health checks come from the orchestrator, which must always get an answer.
    if (req.originalUrl.startsWith('/health/')) return next();
    const authorization = req.headers.authorization;
    // Keys are counted by their hash, so no secret is kept in memory longer than the request.
    const [limiter, client] = authorization
      ? [this.perKey, `key:${sha256(authorization)}`]
      : [this.perAddress, `ip:${clientAddress(req, this.config.trustProxy)}`];
    if (!limiter || (authorization && this.adminKeyHashes.has(client.slice(4)))) return next();
    const wait = limiter.take(client, Date.now());
    if (wait === 0) return next();
    res.setHeader('retry-after', String(wait));
    res.status(429).json({ errors: [{ message: `too many requests; try again in ${wait} s`, extensions: { code: 'RATE_LIMITED' } }] });
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
