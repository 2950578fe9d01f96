import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, NestMiddleware, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';

/**
 * Security headers in one place: those every answer carries (SecurityHeadersMiddleware, before any
 * route runs, so a 404 or a refused body has them too) and the Content-Security-Policy a page route
 * declares with @ContentSecurityPolicy.
 */

/** Headers every response carries. */
@Injectable()
export class SecurityHeadersMiddleware implements NestMiddleware {
  use(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    next();
  }
}

/** The consumer's batch page: its own script (the verifier) and the scan count it posts, inline CSS and the QR data URI, nothing else. */
export const SCAN_PAGE_POLICY =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A page with inline CSS and nothing else: no script, no images, no framing. */
export const STATIC_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface PolicyRule {
  policy: string;
  /** Only on answers of this content type (a route that also answers PDF); otherwise on every answer of the route, errors and 304s too. */
  onlyFor?: 'text/html';
}

const POLICY_RULE = Symbol('content security policy');

/** Declares the Content-Security-Policy a route's answers carry; ContentSecurityPolicyInterceptor sets it. */
export const ContentSecurityPolicy = (policy: string, options: Omit<PolicyRule, 'policy'> = {}) =>
  applyDecorators(SetMetadata(POLICY_RULE, { policy, ...options }), UseInterceptors(ContentSecurityPolicyInterceptor));

/** Sets the policy each route declares with @ContentSecurityPolicy. */
@Injectable()
export class ContentSecurityPolicyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rule = this.reflector.get<PolicyRule | undefined>(POLICY_RULE, context.getHandler());
    if (rule && context.getType() === 'http') {
      const res = context.switchToHttp().getResponse<ServerResponse>();
      const set = () => res.setHeader('content-security-policy', rule.policy);
      if (rule.onlyFor) beforeHeadersAreSent(res, () => String(res.getHeader('content-type') ?? '').startsWith(rule.onlyFor!) && set());
      else set();
    }
    return next.handle();
  }
}

/** Runs `hook` when the status line and headers are about to be written, once the answer's content type is known. */
function beforeHeadersAreSent(res: ServerResponse, hook: () => void): void {
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
    res.writeHead = writeHead;
    hook();
    return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof res.writeHead;
}
