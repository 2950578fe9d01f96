import { Injectable } from '@nestjs/common';
import { ClusterLink } from '../cluster/cluster-link.js';

const KEY_REVOKED = 'key-revoked';

/**
 * Tells who listens (the websocket's open sockets) that an API key was revoked, as soon as the
 * revocation commits: in this process, and through ClusterLink in every other worker of its cluster.
 * Revocations by a process outside it are found by the listener's own periodic check.
 */
@Injectable()
export class KeyRevocations {
  constructor(private readonly cluster: ClusterLink) {}

  /** Returns the function that stops listening. */
  listen(listener: (apiKeyId: string) => void): () => void {
    return this.cluster.subscribe(KEY_REVOKED, (apiKeyId) => listener(apiKeyId as string));
  }

  announce(apiKeyId: string): void {
    this.cluster.publish(KEY_REVOKED, apiKeyId);
  }
}
