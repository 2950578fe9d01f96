import type { Response } from 'express';

/**
 * Until the client has taken what was written, or has gone away: a route streaming a large answer
 * (the ledger export, a whole trace) waits on this, so a slow reader holds one chunk, not the whole answer.
 */
export function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
