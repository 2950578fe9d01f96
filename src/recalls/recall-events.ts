import { PubSub } from 'graphql-subscriptions';

/** In-process: a subscriber connected to another service process hears only that process's recalls. */
export const RECALL_EVENTS = Symbol('RECALL_EVENTS');
export const RECALL_ISSUED = 'recallIssued';

export function recallEvents(): PubSub {
  return new PubSub();
}
