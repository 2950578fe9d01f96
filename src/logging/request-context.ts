import { AsyncLocalStorage } from 'node:async_hooks';

/** What the log lines written while serving one HTTP request say about it. */
export interface RequestContext {
  readonly requestId: string;
  /** The GraphQL operation's name, once Apollo has resolved it. */
  operationName?: string;
  /** Whose own writes this request's reads must see (src/database/replica-router.ts): set once the caller is known. */
  readerKey?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Runs fn as no request's work: for work one request starts that serves many (the ledger writer's groups). */
export function outsideRequestContext<T>(fn: () => T): T {
  return storage.exit(fn);
}
