import pg from 'pg';

/**
 * A pg client that always has an 'error' listener. pg-pool listens only while a client is idle, so a
 * connection lost while a client is checked out (PostgreSQL restarted, a backend terminated, the network
 * cut) emitted 'error' with nobody listening, and Node ended the whole service. Nothing more is needed
 * here: the query under way fails with the error, a later one is refused, and the pool drops the client
 * when it comes back.
 */
export class ListeningClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}
