import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';

/**
 * Security headers in one place: those every answer carries, a Content-Security-Policy that denies
 * everything included (securityHeaders, the first thing after the request log, so a 404, a 413, a
 * 429 or Nest's own error answer has them too), and the looser policy a page route declares with
 * @ContentSecurityPolicy for just what its page needs.
 */

/** What an answer that declares nothing gets: nothing may load, run, frame it or be framed. */
export const DEFAULT_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The consumer's batch page: its own script (the verifier) and the scan count it posts, inline CSS and the QR data URI, nothing else. */
export const SCAN_PAGE_POLICY =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** A serialized unit's page: the scan page's policy, and its check-code form posting back to this service only. */
export const UNIT_PAGE_POLICY = SCAN_PAGE_POLICY.replace("form-action 'none'", "form-action 'self'");

/** A page with inline CSS and nothing else: no script, no images, no framing. */
export const STATIC_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The GraphQL IDE (GraphiQL, where introspection is on: src/graphql-ide): its scripts and stylesheets come
 * from this service only, with no inline script or style (React and CodeMirror set styles through the DOM,
 * which CSP does not govern); its icons are data: URIs; it talks to /graphql over HTTP and graphql-ws.
 */
export const GRAPHIQL_PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self' data:; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The console (src/console): its own script and stylesheet only, no inline script or style; it talks to this
 * service's /graphql; label sheets open as blob: URLs of PDFs it fetched with the key; QR codes are data: URIs.
 */
export const CONSOLE_PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * What the console's page may ask the browser for: the camera, for the page itself only (scanning a lot's QR
 * label on the Find screen); never the microphone or location. No frame may use them (it may not be framed either).
 */
export const CONSOLE_PERMISSIONS_POLICY = 'camera=(self), microphone=(), geolocation=()';

/** Every answer's headers; GET /graphql (the GraphiQL page, when it is served) gets its page's policy. */
export function securityHeaders(options: { graphiql: boolean }) {
  return (req: IncomingMessage & { path?: string }, res: ServerResponse, next: () => void): void => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('cross-origin-opener-policy', 'same-origin');
    const graphiql = options.graphiql && req.method === 'GET' && req.path === '/graphql';
    res.setHeader('content-security-policy', graphiql ? GRAPHIQL_PAGE_POLICY : DEFAULT_POLICY);
    next();
  };
}

interface PolicyRule {
  policy: string;
  /**
   * Only on answers of this content type (a route that also answers PDF: the PDF carries no policy, so
   * no browser's PDF viewer is held back by one; its errors keep the default); otherwise on every answer
   * of the route, errors and 304s too.
   */
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
      if (rule.onlyFor)
        beforeHeadersAreSent(res, () => {
          const contentType = String(res.getHeader('content-type') ?? '');
          if (contentType.startsWith(rule.onlyFor!)) set();
          else if (contentType.startsWith('application/pdf')) res.removeHeader('content-security-policy');
        });
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
