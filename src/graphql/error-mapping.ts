import { ArgumentsHost, Catch, HttpException, Logger } from '@nestjs/common';
import { GqlExceptionFilter } from '@nestjs/graphql';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Request, Response } from 'express';
import { DomainError, ErrorCategory } from '../common/domain-error.js';
import { errorPage, pageErrorKind, prefersErrorPage } from '../common/error-page.js';
import { STATIC_PAGE_POLICY } from '../common/security-headers.js';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';

/**
 * The one mapping from errors to what a client sees: a DomainError keeps its message and gets its
 * category as `extensions.code` (and its own code as `extensions.reason`); validation failures are
 * BAD_USER_INPUT; anything unexpected is logged here and reaches the client as a bare internal error,
 * never with a stack trace or SQL text.
 */
@Catch()
export class GraphqlErrorFilter implements GqlExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    const error = toGraphqlError(exception, this.logger);
    if (host.getType<string>() === 'graphql') return error;
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const status = httpStatus(error.extensions.code as string);
    // A phone that opened a page route gets a page in words; API clients (and the page's own script) the JSON error.
    if (prefersErrorPage(http.getRequest<Request>())) {
      response.setHeader('content-security-policy', STATIC_PAGE_POLICY);
      response.setHeader('cache-control', 'no-store');
      return response
        .status(status)
        .type('html')
        .send(errorPage(pageErrorKind(error.extensions.code as string)));
    }
    return response.status(status).json({ errors: [error.toJSON()] });
  }
}

export function toGraphqlError(exception: unknown, logger?: Logger): GraphQLError {
  if (exception instanceof DomainError) {
    return new GraphQLError(exception.message, { extensions: { ...exception.extensions, code: exception.category, reason: exception.code } });
  }
  if (exception instanceof GraphQLError) return exception;
  if (exception instanceof HttpException && exception.getStatus() === 400) {
    const body = exception.getResponse() as { message?: string | string[] };
    const messages = Array.isArray(body.message) ? body.message : [body.message ?? exception.message];
    return new GraphQLError(messages.join('; '), { extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' } });
  }
  if (exception instanceof HttpException && exception.getStatus() === 413) {
    // body-parser's limit: the client's request is too large, not an internal error.
    return new GraphQLError('the request body is larger than the server accepts', { extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' } });
  }
  if (exception instanceof HttpException && exception.getStatus() === 404) {
    // An unknown route: the client asked for something that does not exist.
    return new GraphQLError('no such resource', { extensions: { code: 'NOT_FOUND' } });
  }
  if (isDatabaseUnavailable(exception)) {
    logger?.warn(`database unavailable: ${(exception as Error).message}`);
    return new GraphQLError('the database is unavailable for a moment; retry shortly (with the same idempotency key, an append is made once)', {
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    });
  }
  // The logger adds the request id; message and stack apart so a log line's msg stays one line.
  logger?.error(exception instanceof Error ? exception.message : String(exception), exception instanceof Error ? exception.stack : undefined);
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

/**
 * Apollo's last word on every error, including those raised outside resolvers (and the websocket's):
 * no stack, no internals. With `hideSchema` (introspection off), no "Did you mean …" suggestions either:
 * they would spell out the schema that introspection hides.
 */
export function graphqlErrorFormatter(options: { hideSchema: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const answer = formatGraphqlError(formatted, error);
    return options.hideSchema ? { ...answer, message: withoutSuggestions(answer.message) } : answer;
  };
}

export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === 'INTERNAL_SERVER_ERROR' && formatted.message !== 'Internal server error') {
    const original = (error as { originalError?: unknown }).originalError ?? error;
    return { ...toGraphqlError(original, new Logger('Errors')).toJSON(), path: formatted.path, locations: formatted.locations };
  }
  const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
  // graphql's parser stopped at MAX_QUERY_TOKENS: refused as too costly, like any other oversized query.
  const tokens = /Document contains more tha[nt] (\d+) tokens/.exec(formatted.message);
  if (code === 'GRAPHQL_PARSE_FAILED' && tokens) {
    const limit = Number(tokens[1]).toLocaleString('en');
    return {
      message: `the query has more than ${limit} tokens (names, punctuation, values), more than a request may have: ask for less, or split it`,
      extensions: { ...extensions, code: 'GRAPHQL_VALIDATION_FAILED', reason: 'QUERY_TOO_COMPLEX' },
    };
  }
  return { ...formatted, extensions };
}

/** graphql's suggestions end a message as ` Did you mean "x" or "y"?` (names in quotes, never a `?`). */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, '');
}

export function httpStatus(code: string): number {
  const byCategory: Record<ErrorCategory | 'INTERNAL_SERVER_ERROR' | 'SERVICE_UNAVAILABLE', number> = {
    BAD_USER_INPUT: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    NOT_FOUND: 404,
    CONFLICT: 409,
    NOT_ACCEPTABLE: 406,
    UNSUPPORTED_MEDIA_TYPE: 415,
    RATE_LIMITED: 429,
    INTERNAL_SERVER_ERROR: 500,
    SERVICE_UNAVAILABLE: 503,
  };
  return byCategory[code as ErrorCategory] ?? 500;
}
