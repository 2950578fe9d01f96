import { randomUUID } from 'node:crypto';

/** A token safe to echo in a header and to write in a log line as it is. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The caller's x-request-id when it is a sane token (a proxy's id keeps the trail), else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

/** What the request line needs to know about one finished (or abandoned) request. */
export interface FinishedRequest {
  requestId: string;
  method: string;
  /** As requested, query string included: it is cut here. */
  url: string;
  status: number;
  /** false when the client went away before the response was complete. */
  completed: boolean;
  durationMs: number;
  operationName?: string;
  /** The AuthGuard's caller, when the request got that far. */
  caller?: { kind: string; organizationId?: string };
}

/**
 * The fields of the one line logged per request. Never the query string, headers or body: a query
 * string may carry ids and a header the API key, and none of them is needed to follow a request.
 */
export function requestLogFields(request: FinishedRequest): Record<string, unknown> {
  const queryAt = request.url.indexOf('?');
  return {
    requestId: request.requestId,
    method: request.method,
    path: queryAt === -1 ? request.url : request.url.slice(0, queryAt),
    status: request.status,
    durationMs: Math.round(request.durationMs * 10) / 10,
    ...(request.completed ? {} : { aborted: true }),
    ...(request.operationName ? { operationName: request.operationName } : {}),
    ...(request.caller ? { caller: request.caller.kind } : {}),
    ...(request.caller?.organizationId ? { organizationId: request.caller.organizationId } : {}),
  };
}
