import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { entryHashOfEventId, ledgerEventId } from './ledger-event-id.js';

describe('ledger event ids (RFC 6920 ni: URIs of ledger entry hashes)', () => {
  it('names a hash in base64url without padding and decodes back to the same hash', () => {
    // RFC 6920 §3's example: sha-256 of "Hello World!".
    const hex = createHash('sha256').update('Hello World!').digest('hex');
    expect(ledgerEventId(hex)).toBe('ni:///sha-256;f4OxZX_x_FO5LcGBSKHWXfwtSx-j1ncoSt3SABJtkGk');
    expect(entryHashOfEventId('ni:///sha-256;f4OxZX_x_FO5LcGBSKHWXfwtSx-j1ncoSt3SABJtkGk')).toBe(hex);
    for (const text of ['a', 'b', 'c', 'd']) {
      const h = createHash('sha256').update(text).digest('hex');
      expect(entryHashOfEventId(ledgerEventId(h))).toBe(h);
    }
  });

  it('finds no entry hash in a CBV 2.0 hash ID, another URI, or a digest of the wrong length or alphabet', () => {
    const hex = 'a98f08ae6ac4de3482054314d637c07010b448d3802dccb028a06aafcc6a4b10';
    expect(entryHashOfEventId(`ni:///sha-256;${hex}?ver=CBV2.0`)).toBeNull();
    expect(entryHashOfEventId(`${ledgerEventId(hex)}?ver=CBV2.0`)).toBeNull();
    expect(entryHashOfEventId('urn:uuid:6f2a6f0e-5f36-4e0c-9d4b-8f1f0f5f2a10')).toBeNull();
    expect(entryHashOfEventId(ledgerEventId(hex).slice(0, -1))).toBeNull();
    expect(entryHashOfEventId(`${ledgerEventId(hex)}=`)).toBeNull();
    expect(entryHashOfEventId(ledgerEventId(hex).replace(/.$/, 'B'))).toBeNull(); // padding bits set: not the encoding of any 32 bytes
    expect(() => ledgerEventId('ABC')).toThrow(/64 lowercase hex/);
  });
});
