/**
 * Loads records by id for one GraphQL request: the ids asked for in one turn of the event loop (every
 * node of a 10,000-batch trace asking for its custodian) go to the database as one query, and each
 * id is loaded once per request. Nothing is kept between requests, so no answer is ever stale.
 */
export class RequestLoader<V> {
  private readonly loaded = new Map<string, Promise<V | null>>();
  private queued: { id: string; resolve(value: V | null): void; reject(error: unknown): void }[] = [];

  constructor(private readonly loadMany: (ids: string[]) => Promise<Map<string, V>>) {}

  load(id: string): Promise<V | null> {
    let value = this.loaded.get(id);
    if (!value) {
      value = new Promise<V | null>((resolve, reject) => {
        if (this.queued.length === 0) setImmediate(() => void this.flush());
        this.queued.push({ id, resolve, reject });
      });
      this.loaded.set(id, value);
    }
    return value;
  }

  private async flush(): Promise<void> {
    const batch = this.queued;
    this.queued = [];
    try {
      const found = await this.loadMany(batch.map((q) => q.id));
      for (const q of batch) q.resolve(found.get(q.id) ?? null);
    } catch (err) {
      for (const q of batch) q.reject(err);
    }
  }
}

const loadersByRequest = new WeakMap<object, Map<string, RequestLoader<unknown>>>();

/** The request's loader of one kind of record, made on first use. */
export function requestLoader<V>(request: object, kind: string, loadMany: (ids: string[]) => Promise<Map<string, V>>): RequestLoader<V> {
  let loaders = loadersByRequest.get(request);
  if (!loaders) loadersByRequest.set(request, (loaders = new Map()));
  let loader = loaders.get(kind) as RequestLoader<V> | undefined;
  if (!loader) loaders.set(kind, (loader = new RequestLoader(loadMany)) as RequestLoader<unknown>);
  return loader;
}
