import { EventEmitter } from 'node:events';
import { PubSub } from 'graphql-subscriptions';

/** In-process: a subscriber connected to another service process hears only that process's recalls. */
export const RECALL_EVENTS = Symbol('RECALL_EVENTS');
export const RECALL_ISSUED = 'recallIssued';

export function recallEvents(): PubSub {
  // Every subscription is a listener; GraphqlWebsocket's caps bound them, not Node's warning at 10.
  return new PubSub({ eventEmitter: new EventEmitter().setMaxListeners(0) });
}
