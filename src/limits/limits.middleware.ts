import { Inject, Injectable } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { AuthService } from '../auth/auth.service.js';
import type { Caller } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { errorPage, prefersErrorPage } from '../common/error-page.js';
import { ExpiringSet } from '../common/expiring-set.js';
import { STATIC_PAGE_POLICY } from '../common/security-headers.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { addressKey } from '../common/client-address.js';
import { ClusterLink } from '../cluster/cluster-link.js';
import type { LimiterName } from '../cluster/cluster-messages.js';

/** What the body parser lets a request send: a valid key's requests the bulk limit, any other the small one. */
export type BodyAllowance = 'keyed' | 'anonymous';

export type GatedRequest = Request & { caller?: Caller; bodyAllowance?: BodyAllowance };

/** How long, and for how many keys, a key seen valid still gets its first lookup when its address is out of allowance. */
const KNOWN_KEY_MS = 10 * 60_000;
const KNOWN_KEYS_MAX = 10_000;

/**
 * Before the body is read: proves the caller's key (the lookup AuthGuard then reuses), counts the
 * request, and decides how large a body it may send. A valid key is counted against that key (the
 * admin's excepted: the operator's own tools); a request without one, or with a value that is not a
 * valid key, against the client's address, so a thousand random keys cost what one caller's requests
 * cost. A value not yet known is paid for by the address before it is looked up (and given back
 * when it proves a valid key): past the address's allowance the database is not asked. Past a limit:
 * 429 with Retry-After. The buckets are ClusterLink's: in this process when it runs alone, shared by
 * every worker of a cluster through its primary, so a client gets one allowance however many workers serve it.
 */
@Injectable()
export class RateLimitMiddleware {
  /** Keys (by hash) that proved valid lately: a client sharing its address with a flood still gets its key looked up. */
  private readonly knownKeys = new ExpiringSet<string>(KNOWN_KEYS_MAX, KNOWN_KEY_MS);

  private readonly addressLimited: boolean;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
    private readonly limits: ClusterLink,
  ) {
    this.addressLimited = config.rateLimitPublic > 0;
  }

  readonly use = (req: GatedRequest, res: Response, next: NextFunction): void => {
    this.gate(req, res).then((pass) => pass && next(), next);
  };

  /** True when the request goes on; otherwise it has been answered. */
  private async gate(req: GatedRequest, res: Response): Promise<boolean> {
    req.bodyAllowance = 'anonymous';
    // Health checks come from the orchestrator, which must always get an answer.
    if (req.originalUrl.startsWith('/health/')) return true;
    // req.ip is the socket's peer, or with TRUST_PROXY the address the proxy in front saw (src/http.ts).
    const address = `ip:${addressKey(req.ip)}`;
    const authorization = req.headers.authorization;
    if (!authorization) return this.count(res, 'address', address);

    // Keys are counted by their hash, so no secret is kept in memory longer than the request.
    const keyHash = sha256(authorization);
    const now = Date.now();
    const known = this.knownKeys.has(keyHash, now);
    // A value not known to be valid is paid for by the address before it is looked up, so requests in
    // flight together cannot look up more values than the address's allowance.
    const addressPaid = !known && this.addressLimited && this.auth.wouldLookUp(authorization);
    if (addressPaid && !(await this.count(res, 'address', address))) return false;
    const caller = await this.identify(authorization);
    if (caller === 'refused') return addressPaid || this.count(res, 'address', address);
    if (caller === 'unknown') {
      // The database could not say: a key seen valid keeps its allowance; AuthGuard answers the outage.
      req.bodyAllowance = known ? 'keyed' : 'anonymous';
      if (known) return this.count(res, 'key', `key:${keyHash}`);
      return addressPaid || this.count(res, 'address', address);
    }
    // A valid key pays for its own requests: the address gets back what it advanced for the lookup.
    if (addressPaid) this.limits.refund('address', address);
    req.caller = caller;
    req.bodyAllowance = 'keyed';
    if (caller.kind === 'admin') return true;
    this.knownKeys.add(keyHash, now);
    return this.count(res, 'key', `key:${keyHash}`);
  }

  /** The caller the header proves; 'refused' when it proves none (AuthGuard then says why), 'unknown' when the lookup failed. */
  private async identify(authorization: string): Promise<Caller | 'refused' | 'unknown'> {
    try {
      return await this.auth.authenticate(authorization);
    } catch (err) {
      return err instanceof DomainError ? 'refused' : 'unknown';
    }
  }

  private async count(res: Response, limiter: LimiterName, client: string): Promise<boolean> {
    const wait = await this.limits.take(limiter, client);
    return wait === 0 || this.refuse(res, wait);
  }

  private refuse(res: Response, wait: number): false {
    res.setHeader('retry-after', String(wait));
    // A phone opening a page gets a page it can read; API clients the JSON error.
    if (prefersErrorPage(res.req)) {
      res.setHeader('content-security-policy', STATIC_PAGE_POLICY);
      res.setHeader('cache-control', 'no-store');
      res.status(429).type('html').send(errorPage('RATE_LIMITED', wait));
      return false;
    }
    res.status(429).json({ errors: [{ message: `too many requests; try again in ${wait} s`, extensions: { code: 'RATE_LIMITED' } }] });
    return false;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
