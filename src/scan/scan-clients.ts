import { createHmac, randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

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
  firstToday(lotId: string, address: string, day: string): 'new' | 'seen' | 'full' {
    if (day !== this.day) {
      this.day = day;
      this.salt = this.drawSalt();
      this.seen.clear();
    }
    const key = createHmac('sha256', this.salt)
      .update(`${lotId}\n${clientNetwork(address)}`)
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

/**
 * The network a client is counted by: its IPv4 address, or the /64 of an IPv6 one (one subscriber
 * gets a whole /64, so counting single IPv6 addresses would let one phone count thousands of times).
 */
export function clientNetwork(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}
