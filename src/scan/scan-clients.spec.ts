import { describe, expect, it } from '@jest/globals';
import { ScanClients } from './scan-clients.js';

describe('scan clients', () => {
  it('counts a client once a lot a day, each lot on its own, and again the next day', () => {
    const clients = new ScanClients(100);
    expect(clients.firstToday('lot-a', '203.0.113.7', '2026-12-06')).toBe('new');
    expect(clients.firstToday('lot-a', '203.0.113.7', '2026-12-06')).toBe('seen');
    expect(clients.firstToday('lot-b', '203.0.113.7', '2026-12-06')).toBe('new');
    expect(clients.firstToday('lot-a', '203.0.113.8', '2026-12-06')).toBe('new');
    expect(clients.firstToday('lot-a', '203.0.113.7', '2026-12-07')).toBe('new');
    expect(clients.size).toBe(1);
  });

  it('tracks at most its bound a day, and counts nobody new past it', () => {
    const clients = new ScanClients(3);
    for (const n of [1, 2, 3]) expect(clients.firstToday('lot', `198.51.100.${n}`, '2026-12-06')).toBe('new');
    expect(clients.firstToday('lot', '198.51.100.4', '2026-12-06')).toBe('full');
    expect(clients.firstToday('lot', '198.51.100.1', '2026-12-06')).toBe('seen');
    expect(clients.size).toBe(3);
  });

  it('keeps no address: only keyed hashes under a salt of the day', () => {
    const clients = new ScanClients(10, () => Buffer.alloc(32, 1));
    clients.firstToday('lot', '192.0.2.55', '2026-12-06');
    const kept = [...(clients as unknown as { seen: Set<string> }).seen];
    expect(kept).toHaveLength(1);
    expect(kept[0]).not.toContain('192.0.2.55');
    expect(kept[0]).toMatch(/^[\w-]{22}$/);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as its IPv4 (addressKey)', () => {
    const clients = new ScanClients(10);
    expect(clients.firstToday('lot', '2001:db8:1:2:aaaa::1', '2026-12-06')).toBe('new');
    expect(clients.firstToday('lot', '2001:db8:1:2:bbbb:cccc:dddd:eeee', '2026-12-06')).toBe('seen');
    expect(clients.firstToday('lot', '2001:db8:1:3::1', '2026-12-06')).toBe('new');
    expect(clients.firstToday('lot', '203.0.113.7', '2026-12-06')).toBe('new');
    expect(clients.firstToday('lot', '::ffff:203.0.113.7', '2026-12-06')).toBe('seen');
  });
});
