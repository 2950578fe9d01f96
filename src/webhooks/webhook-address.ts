import { isIP } from 'node:net';

/**
 * Which webhook destinations are internal: an address or name that reaches the service's own
 * machine, its network or a cloud's metadata endpoint rather than the public internet.
 *
 * - Addresses MUST be canonical IP text (as Node's URL parser or dns.lookup gives them); anything
 *   else is not an address here and is judged as a name.
 * - An IPv6 address is public only inside global unicast (2000::/3) and outside the special ranges
 *   within it; an IPv4-mapped one is judged by the IPv4 address it carries.
 * - The answer is the reason a destination is refused (for the caller's error), or null when public.
 */

interface Range {
  base: bigint;
  bits: number;
  reason: string;
}

const V4_RANGES: Range[] = [
  v4('0.0.0.0/8', 'an unspecified ("this network") address'),
  v4('10.0.0.0/8', 'a private address'),
  v4('100.64.0.0/10', 'a shared (carrier-grade NAT) address'),
  v4('127.0.0.0/8', 'a loopback address'),
  v4('169.254.0.0/16', 'a link-local address'),
  v4('172.16.0.0/12', 'a private address'),
  v4('192.0.0.0/24', 'a reserved (IETF protocol) address'),
  v4('192.0.2.0/24', 'a documentation address'),
  v4('192.88.99.0/24', 'a reserved (6to4 relay) address'),
  v4('192.168.0.0/16', 'a private address'),
  v4('198.18.0.0/15', 'a benchmarking address'),
  v4('198.51.100.0/24', 'a documentation address'),
  v4('203.0.113.0/24', 'a documentation address'),
  v4('224.0.0.0/4', 'a multicast address'),
  v4('255.255.255.255/32', 'the broadcast address'),
  v4('240.0.0.0/4', 'a reserved address'),
];

/** Special ranges, checked in order: the first that holds the address names it. */
const V6_RANGES: Range[] = [
  v6('::/128', 'an unspecified address'),
  v6('::1/128', 'a loopback address'),
  v6('64:ff9b::/96', 'a NAT64 address'),
  v6('64:ff9b:1::/48', 'a NAT64 (local-use) address'),
  v6('100::/64', 'a discard-only address'),
  v6('2001::/23', 'a reserved (IETF protocol, Teredo) address'),
  v6('2001:db8::/32', 'a documentation address'),
  v6('2002::/16', 'a 6to4 address'),
  v6('3fff::/20', 'a documentation address'),
  v6('fc00::/7', 'a unique-local address'),
  v6('fe80::/10', 'a link-local address'),
  v6('fec0::/10', 'a site-local address'),
  v6('ff00::/8', 'a multicast address'),
];
const V6_GLOBAL_UNICAST = v6('2000::/3', '');
const V6_MAPPED_V4 = v6('::ffff:0:0/96', '');

/** Why this IP address is not a public destination, or null when it is. */
export function internalAddressReason(address: string): string | null {
  const withoutZone = address.replace(/%.*$/, '');
  const version = isIP(withoutZone);
  if (version === 4) return reasonIn(V4_RANGES, parseV4(withoutZone), 32);
  if (version !== 6) return 'not an IP address';
  const value = parseV6(withoutZone);
  if (within(value, 128, V6_MAPPED_V4)) {
    const mapped = reasonIn(V4_RANGES, value & 0xffffffffn, 32);
    return mapped === null ? null : `an IPv4-mapped form of ${mapped}`;
  }
  const special = reasonIn(V6_RANGES, value, 128);
  if (special !== null) return special;
  return within(value, 128, V6_GLOBAL_UNICAST) ? null : 'a reserved address';
}

/**
 * Why a host name (no IP literal) is internal by its name alone, or null when only DNS can tell.
 * Single-label names resolve through the machine's search domains (a container's `postgres`,
 * `redis`), and the special-use or never-delegated domains below never name a public server.
 */
export function internalNameReason(name: string): string | null {
  const host = name.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'a loopback name';
  if (!host.includes('.')) return 'a single-label name (resolved on the local network)';
  const suffix = INTERNAL_SUFFIXES.find((s) => host.endsWith(s));
  return suffix === undefined ? null : `a name under ${suffix} (never a public server)`;
}
const INTERNAL_SUFFIXES = ['.internal', '.local', '.arpa', '.intranet', '.lan', '.corp'];

/**
 * Why the host of a parsed URL (`URL.hostname`: IPv6 in brackets, IPv4 already canonical) is
 * internal by itself, or null when it is public or a name only DNS can judge.
 */
export function internalHostReason(hostname: string): string | null {
  const bare = hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(bare) === 0 ? internalNameReason(bare) : internalAddressReason(bare);
}

function reasonIn(ranges: Range[], value: bigint, width: number): string | null {
  return ranges.find((range) => within(value, width, range))?.reason ?? null;
}

function within(value: bigint, width: number, range: Range): boolean {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.base >> shift;
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(text: string): bigint {
  // A dotted IPv4 tail (::ffff:127.0.0.1) is two 16-bit groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  let body = text;
  if (dotted) {
    const v4 = parseV4(dotted[1]);
    body = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = body.includes('::') ? body.split('::') : [body, undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function v4(cidr: string, reason: string): Range {
  const [address, bits] = cidr.split('/');
  return { base: parseV4(address), bits: Number(bits), reason };
}

function v6(cidr: string, reason: string): Range {
  const [address, bits] = cidr.split('/');
  return { base: parseV6(address), bits: Number(bits), reason };
}
