import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { crossSiteReason, scanDay, scanToken, scanTokenSecret, scanTokenValid } from './scan-token.js';

const secret = scanTokenSecret(generateKeyPairSync('ed25519').privateKey);

describe('scan tokens', () => {
  it("counts days in China's calendar", () => {
    expect(scanDay(new Date('2026-12-05T15:59:59Z'))).toBe('2026-12-05');
    expect(scanDay(new Date('2026-12-05T16:00:00Z'))).toBe('2026-12-06');
  });

  it("accepts today's and yesterday's token for the code, and nothing else", () => {
    const now = new Date('2026-12-06T03:00:00Z');
    expect(scanTokenValid(secret, 'ABCDEFGHJKMN', scanToken(secret, 'ABCDEFGHJKMN', '2026-12-06'), now)).toBe(true);
    expect(scanTokenValid(secret, 'ABCDEFGHJKMN', scanToken(secret, 'ABCDEFGHJKMN', '2026-12-05'), now)).toBe(true);
    expect(scanTokenValid(secret, 'ABCDEFGHJKMN', scanToken(secret, 'ABCDEFGHJKMN', '2026-12-04'), now)).toBe(false);
    expect(scanTokenValid(secret, 'ABCDEFGHJKMP', scanToken(secret, 'ABCDEFGHJKMN', '2026-12-06'), now)).toBe(false);
    const other = scanTokenSecret(generateKeyPairSync('ed25519').privateKey);
    expect(scanTokenValid(secret, 'ABCDEFGHJKMN', scanToken(other, 'ABCDEFGHJKMN', '2026-12-06'), now)).toBe(false);
    expect(scanTokenValid(secret, 'ABCDEFGHJKMN', undefined, now)).toBe(false);
    expect(scanTokenValid(secret, 'ABCDEFGHJKMN', 'x', now)).toBe(false);
  });

  it('refuses what a browser marks as coming from another site, and lets same-origin and header-less requests through', () => {
    const base = 'https://trace.example.org';
    const site = (origin?: string, secFetchSite?: string, host = '10.0.0.5:3000') => crossSiteReason({ origin, secFetchSite, host }, base);
    expect(site('https://trace.example.org', 'same-origin')).toBeNull();
    expect(site('http://10.0.0.5:3000', 'same-origin')).toBeNull();
    expect(site(undefined, undefined)).toBeNull();
    expect(site('https://evil.example', undefined)).toContain('Origin: https://evil.example');
    expect(site('null', undefined)).toContain('not a web origin');
    expect(site('https://trace.example.org', 'cross-site')).toContain('Sec-Fetch-Site: cross-site');
    expect(site(undefined, 'same-site')).toContain('Sec-Fetch-Site: same-site');
  });
});
