import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { AppConfig } from '../config/config.js';
import { addressKey } from '../common/client-address.js';

type ConnectionLimits = Pick<AppConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'socketIdleTimeoutMs' | 'maxConnectionsPerAddress'>;

/** What a refused connection reads before it is closed (sent before any request: HTTP/1.1 allows it). */
const REFUSAL = 'too many open connections from your address; close one and retry';
const TOO_MANY_CONNECTIONS =
  'HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n' +
  `content-length: ${Buffer.byteLength(REFUSAL)}\r\n\r\n${REFUSAL}`;

/** Open connections per address; pure counting, so the cap is tested apart from sockets. */
export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerAddress: number) {}

  /** Counts a new connection from the address: false (and nothing counted) when it already holds the most. */
  admit(address: string): boolean {
    const count = this.open.get(address) ?? 0;
    if (count >= this.maxPerAddress) return false;
    this.open.set(address, count + 1);
    return true;
  }

  release(address: string): void {
    const count = (this.open.get(address) ?? 1) - 1;
    // Addresses with nothing open are forgotten: the map holds only open connections' addresses.
    if (count <= 0) this.open.delete(address);
    else this.open.set(address, count);
  }

  get addresses(): number {
    return this.open.size;
  }
}

/** The count of open connections every worker of a cluster shares (ClusterLink), for the cap to hold across them. */
export interface SharedConnectionCount {
  admit(counter: 'connections', address: string, max: number): Promise<boolean>;
  release(counter: 'connections', address: string): void;
}

/**
 * The server's timeouts (a slow sender of headers or body is answered 408 and cut off; a connection
 * on which nothing moves is closed) and the per-address cap on open connections: counted here, and
 * when `shared` is given (a cluster worker) also across every worker, which answers a moment later
 * (an IPC round trip to the primary). Returns whether a socket was refused (a promise while the
 * shared count has not answered), for the first middleware to drop any request that reached it.
 */
export function limitConnections(server: Server, limits: ConnectionLimits, shared?: SharedConnectionCount): (socket: Socket) => boolean | Promise<boolean> {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.socketIdleTimeoutMs;
  // Node looks for requests past those two timeouts on this interval (30 s by default, which would let a
  // 10 s timeout run 40 s); it is read when the server starts listening (Node's types leave it out).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    50,
    Math.min(1000, Math.floor(limits.headersTimeoutMs / 4)),
  );

  const refused = new WeakSet<Socket>();
  const pending = new WeakMap<Socket, Promise<boolean>>();
  const refuse = (socket: Socket) => {
    refused.add(socket);
    socket.end(TOO_MANY_CONNECTIONS, () => socket.destroy());
  };
  if (limits.maxConnectionsPerAddress > 0) {
    const max = limits.maxConnectionsPerAddress;
    const counter = new ConnectionCounter(max);
    // Before Node's own listener, so a refused socket is closed before anything reads a request from it.
    server.prependListener('connection', (socket: Socket) => {
      const address = addressKey(socket.remoteAddress);
      if (!counter.admit(address)) return refuse(socket);
      socket.once('close', () => counter.release(address));
      if (!shared) return;
      const verdict = shared.admit('connections', address, max).then((admitted) => {
        pending.delete(socket);
        if (!admitted) refuse(socket);
        // Closed while counted: given back now; else when it closes.
        else if (socket.destroyed) shared.release('connections', address);
        else socket.once('close', () => shared.release('connections', address));
        return !admitted;
      });
      pending.set(socket, verdict);
    });
  }
  return (socket) => refused.has(socket) || (pending.get(socket) ?? false);
}
