/** How much one API key may hold open over graphql-ws. */
export interface SocketCaps {
  socketsPerKey: number;
  subscriptionsPerSocket: number;
  subscriptionsPerKey: number;
}

export type SubscribeVerdict = 'ok' | 'socket-full' | 'key-full';

/**
 * The open sockets and their subscriptions, by the key that opened them (an API key's id, or
 * `admin`): what the caps count, and which sockets to close when a key is revoked. Knows nothing of
 * sockets but their identity.
 */
export class SocketRegistry<S> {
  private readonly holderOf = new Map<S, string>();
  private readonly subscriptionsOf = new Map<S, Set<string>>();
  private readonly socketsByHolder = new Map<string, Set<S>>();
  private readonly subscriptionsByHolder = new Map<string, number>();

  constructor(readonly caps: SocketCaps) {}

  /** Registers an acknowledged socket; false when its key already holds as many as it may. */
  open(socket: S, holder: string): boolean {
    const sockets = this.socketsByHolder.get(holder) ?? new Set<S>();
    if (sockets.size >= this.caps.socketsPerKey) return false;
    sockets.add(socket);
    this.socketsByHolder.set(holder, sockets);
    this.holderOf.set(socket, holder);
    this.subscriptionsOf.set(socket, new Set());
    return true;
  }

  /** Forgets a socket and its subscriptions: how many subscriptions it held, or null for a socket never registered. */
  close(socket: S): number | null {
    const holder = this.holderOf.get(socket);
    if (holder === undefined) return null;
    const subscriptions = [...this.subscriptionsOf.get(socket)!];
    for (const id of subscriptions) this.unsubscribe(socket, id);
    this.holderOf.delete(socket);
    this.subscriptionsOf.delete(socket);
    const sockets = this.socketsByHolder.get(holder)!;
    sockets.delete(socket);
    if (sockets.size === 0) this.socketsByHolder.delete(holder);
    return subscriptions.length;
  }

  /** Counts a new subscription of a registered socket, unless a cap is reached. */
  subscribe(socket: S, id: string): SubscribeVerdict {
    const holder = this.holderOf.get(socket);
    const ids = this.subscriptionsOf.get(socket);
    if (holder === undefined || !ids) return 'socket-full';
    if (ids.has(id)) return 'ok';
    if (ids.size >= this.caps.subscriptionsPerSocket) return 'socket-full';
    const held = this.subscriptionsByHolder.get(holder) ?? 0;
    if (held >= this.caps.subscriptionsPerKey) return 'key-full';
    ids.add(id);
    this.subscriptionsByHolder.set(holder, held + 1);
    return 'ok';
  }

  /** Uncounts a subscription that ended: false (nothing done) when it was not counted. */
  unsubscribe(socket: S, id: string): boolean {
    const holder = this.holderOf.get(socket);
    if (holder === undefined || !this.subscriptionsOf.get(socket)!.delete(id)) return false;
    const held = this.subscriptionsByHolder.get(holder)! - 1;
    if (held === 0) this.subscriptionsByHolder.delete(holder);
    else this.subscriptionsByHolder.set(holder, held);
    return true;
  }

  socketsOf(holder: string): S[] {
    return [...(this.socketsByHolder.get(holder) ?? [])];
  }

  holderOfSocket(socket: S): string | undefined {
    return this.holderOf.get(socket);
  }

  holders(): string[] {
    return [...this.socketsByHolder.keys()];
  }
}
