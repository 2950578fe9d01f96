import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import express, { type NextFunction, type Response } from 'express';
import type { Server } from 'node:http';
import { ClusterLink } from './cluster/cluster-link.js';
import { securityHeaders } from './common/security-headers.js';
import { refuseInvalidUtf8 } from './common/utf8-body.js';
import { APP_CONFIG } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { limitConnections } from './limits/connection-limits.js';
import { type GatedRequest, RateLimitMiddleware } from './limits/limits.middleware.js';
import { requestLogging } from './logging/request-logging.middleware.js';

/** Body size for GraphQL with a key (recordEvent takes 1,000 events, each with up to 16 KiB of details) and EPCIS capture. */
export const MAX_REQUEST_BODY = 20 * 1024 * 1024;

/**
 * HTTP settings shared by the service and the tests' copy of it. The order of the middlewares is the
 * point: the request's id and log line, the security headers, then the key and the rate limit, and
 * only then the body, read up to what that caller may send. Nest's own middlewares and routes follow.
 */
export function configureHttp(app: INestApplication): void {
  const http = app as NestExpressApplication;
  const config = app.get<AppConfig>(APP_CONFIG);
  const cluster = app.get(ClusterLink);
  const wasRefused = limitConnections(app.getHttpServer() as Server, config, cluster.clustered ? cluster : undefined);
  // A request on a connection the per-address cap refused is never served (it is being closed); in a
  // cluster worker the first request may come before the count across workers has answered, and waits for it.
  app.use((req: GatedRequest, _res: Response, next: NextFunction) => {
    const refused = wasRefused(req.socket);
    if (refused === false) return next();
    if (refused === true) return void req.socket.destroy();
    refused.then((no) => (no ? req.socket.destroy() : next()), next);
  });
  // So that every request, one the body parser refuses too, gets its id and its log line.
  app.use(requestLogging);
  // Nothing in an answer names the framework it runs on.
  http.disable('x-powered-by');
  // The client address (req.ip) is the socket's peer; X-Forwarded-For is believed only with TRUST_PROXY,
  // and then only its last entry, the one the proxy in front of the service appended.
  http.set('trust proxy', config.trustProxy ? 1 : false);
  app.use(securityHeaders({ graphiql: config.graphqlIntrospection }));
  app.use(app.get(RateLimitMiddleware).use);
  app.use(jsonBodyParser(config.anonymousBodyLimitBytes));
}

/**
 * JSON bodies (EPCIS documents come as application/ld+json), up to MAX_REQUEST_BODY for a request
 * with a valid key and `anonymousLimit` for any other: nothing anonymous needs more, so a client
 * without a key cannot make the service read megabytes. Too large: 413 with a message saying so.
 */
function jsonBodyParser(anonymousLimit: number) {
  const options = { type: ['application/json', 'application/ld+json'], verify: refuseInvalidUtf8 };
  const parsers = {
    keyed: express.json({ ...options, limit: MAX_REQUEST_BODY }),
    anonymous: express.json({ ...options, limit: anonymousLimit }),
  };
  // Named so that Nest does not add a JSON parser of its own (it looks for one by this name).
  return function jsonParser(req: GatedRequest, res: Response, next: NextFunction): void {
    const allowance = req.bodyAllowance ?? 'anonymous';
    const limit = allowance === 'keyed' ? MAX_REQUEST_BODY : anonymousLimit;
    // A declared length past the limit is refused before a byte is read, whatever its content type.
    if (Number(req.headers['content-length'] ?? 0) > limit) return tooLarge(res, allowance, limit);
    parsers[allowance](req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') return tooLarge(res, allowance, limit);
      next(err);
    });
  };
}

function tooLarge(res: Response, allowance: 'keyed' | 'anonymous', limit: number): void {
  const size = `${Math.round(limit / 1024)} KB`;
  const message =
    allowance === 'keyed'
      ? `the request body is larger than the server accepts (${size})`
      : `the request body is larger than the server accepts without an API key (${size}); send a valid key (Authorization: Bearer <key>) for larger requests`;
  res.status(413).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', reason: 'BODY_TOO_LARGE' } }] });
}
