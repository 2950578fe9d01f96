import { EventEmitter } from 'node:events';
import { PubSub } from 'graphql-subscriptions';
import type { ClusterLink } from '../cluster/cluster-link.js';

/**
 * Recalls for the subscribers: published in the process that issued the recall, and through ClusterLink
 * in every other worker of its cluster; a subscriber connected to a service process outside that
 * cluster hears only that process's recalls.
 */
export const RECALL_EVENTS = Symbol('RECALL_EVENTS');
export const RECALL_ISSUED = 'recallIssued';

export function recallEvents(cluster: ClusterLink): PubSub {
  // Every subscription is a listener; GraphqlWebsocket's caps bound them, not Node's warning at 10.
  const local = new PubSub({ eventEmitter: new EventEmitter().setMaxListeners(0) });
  cluster.subscribe(RECALL_ISSUED, (payload) => void local.publish(RECALL_ISSUED, payload));
  return new ClusterPubSub(local, cluster);
}

/** A PubSub whose publish goes through ClusterLink (which delivers here too); subscribing is the local one's. */
class ClusterPubSub extends PubSub {
  constructor(
    private readonly local: PubSub,
    private readonly cluster: ClusterLink,
  ) {
    super();
  }

  override publish(trigger: string, payload: unknown): Promise<void> {
    if (trigger === RECALL_ISSUED) this.cluster.publish(trigger, payload);
    else return this.local.publish(trigger, payload);
    return Promise.resolve();
  }

  override subscribe(trigger: string, onMessage: (...args: unknown[]) => void): Promise<number> {
    return this.local.subscribe(trigger, onMessage);
  }

  override unsubscribe(subId: number): void {
    this.local.unsubscribe(subId);
  }
}
