import { createHmac, randomBytes } from 'node:crypto';
import { addressKey } from '../common/client-address.js';

/** Most clients (a keyed hash each, about 100 bytes) tracked a day, over all lots: by the process, or a cluster's primary for all its workers. */
export const TRACKED_CLIENTS_PER_DAY = 200_000;

export type FirstToday = 'new' | 'seen' | 'full';

/**
 * Which clients have had a scan of which lot counted today, so each counts once a day. Nothing about
 * a client is kept but a keyed hash of its network and the lot, under a salt drawn at random each day
 * and held only in memory: yesterday's hashes cannot be linked to anyone, not even by the operator.
 * At most `maxClients` are tracked a day (over all lots); past that nothing more is counted that day,
 * since counting without knowing whether a client was counted is what a script would exploit.
 */
export class ScanClients {
  private day = '';
  private salt: Buffer = Buffer.alloc(0);
  private readonly seen = new Set<string>();

  constructor(
    private readonly maxClients: number,
    private readonly drawSalt: () => Buffer = () => randomBytes(32),
  ) {}

  /** 'new' the first time this client asks for this lot today (it is then remembered), 'seen' after; 'full' when today's tracking is full. */
  firstToday(lotId: string, address: string, day: string): FirstToday {
    if (day !== this.day) {
      this.day = day;
      this.salt = this.drawSalt();
      this.seen.clear();
    }
    const key = createHmac('sha256', this.salt)
      .update(`${lotId}\n${addressKey(address)}`)
      .digest('base64url')
      .slice(0, 22);
    if (this.seen.has(key)) return 'seen';
    if (this.seen.size >= this.maxClients) return 'full';
    this.seen.add(key);
    return 'new';
  }

  get size(): number {
    return this.seen.size;
  }
}
