import { Injectable } from '@nestjs/common';

/**
 * Tells who listens (the websocket's open sockets) that an API key was revoked in this process, as
 * soon as the revocation commits. Revocations by another process are found by the listener's own
 * periodic check.
 */
@Injectable()
export class KeyRevocations {
  private readonly listeners = new Set<(apiKeyId: string) => void>();

  /** Returns the function that stops listening. */
  listen(listener: (apiKeyId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(apiKeyId: string): void {
    for (const listener of this.listeners) listener(apiKeyId);
  }
}
