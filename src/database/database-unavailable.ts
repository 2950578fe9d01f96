/**
 * Whether an error means the database could not be reached or went away (not that a statement was
 * wrong): the client should retry, with the same idempotency key. PostgreSQL's connection-exception
 * class 08 and shutdown codes 57P01–57P03, the socket errors, and pg's own messages for a lost or
 * never-made connection. TypeORM keeps the driver's error as `driverError`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (
    let e = error as { code?: unknown; message?: unknown; driverError?: unknown } | undefined, depth = 0;
    e && depth < 3;
    e = e.driverError as typeof e, depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(code)) return true;
    if (
      typeof e.message === 'string' &&
      /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(e.message)
    )
      return true;
  }
  return false;
}
