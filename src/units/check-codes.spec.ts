import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import {
  CHECK_CODE_LENGTH,
  checkCodeHash,
  checkCodeHashes,
  mintCheckCodes,
  normalizeCheckCode,
  openCodes,
  sameHash,
  sealCodes,
  unitKeys,
} from './check-codes.js';
import { mintSerials, serialAt } from './unit-serials.js';

const keys = unitKeys(Buffer.alloc(32, 9));
const GTIN = '06901234567892';

describe('check codes', () => {
  it('hashes every code of a commissioning as checkCodeHash hashes one, keyed by the secret', () => {
    const serials = mintSerials(50);
    const codes = mintCheckCodes(50);
    const all = checkCodeHashes(keys, GTIN, serials, codes, 50);
    for (let i = 0; i < 50; i++) {
      const code = codes.toString('latin1', i * CHECK_CODE_LENGTH, (i + 1) * CHECK_CODE_LENGTH);
      expect(all.subarray(i * 16, i * 16 + 16)).toEqual(checkCodeHash(keys, GTIN, serialAt(serials, i), code));
    }
    const code = codes.toString('latin1', 0, CHECK_CODE_LENGTH);
    const one = checkCodeHash(keys, GTIN, serialAt(serials, 0), code);
    expect(one).toHaveLength(16);
    // Another key, GTIN or serial gives another hash: a code is good for its own unit only.
    expect(sameHash(one, checkCodeHash(unitKeys(Buffer.alloc(32, 8)), GTIN, serialAt(serials, 0), code))).toBe(false);
    expect(sameHash(one, checkCodeHash(keys, '06901234567809', serialAt(serials, 0), code))).toBe(false);
    expect(sameHash(one, checkCodeHash(keys, GTIN, serialAt(serials, 1), code))).toBe(false);
    expect(sameHash(one, Buffer.alloc(3))).toBe(false);
  });

  it('mints 10-character codes of 50 bits', () => {
    const codes = mintCheckCodes(1000).toString('latin1');
    expect(codes).toMatch(/^[2-9A-HJ-NP-Z]{10000}$/);
    expect(new Set(codes.match(/.{10}/g)).size).toBe(1000);
  });

  it('takes a typed code in lower case or in groups, and refuses what cannot be a code', () => {
    expect(normalizeCheckCode('abcde-fghjk')).toBe('ABCDEFGHJK');
    expect(normalizeCheckCode(' ABCDE FGHJK ')).toBe('ABCDEFGHJK');
    expect(normalizeCheckCode('ABCDEFGHJ')).toBeNull();
    expect(normalizeCheckCode('ABCDEFGHJ0')).toBeNull();
    expect(normalizeCheckCode('')).toBeNull();
  });

  it('seals codes so only the same key and commissioning open them, and an altered byte is refused', () => {
    const codes = randomBytes(100);
    const sealed = sealCodes(keys, 'c-1', codes);
    expect(sealed.includes(codes)).toBe(false);
    expect(openCodes(keys, 'c-1', sealed)).toEqual(codes);
    expect(() => openCodes(keys, 'c-2', sealed)).toThrow();
    expect(() => openCodes(unitKeys(Buffer.alloc(32, 1)), 'c-1', sealed)).toThrow();
    const altered = Buffer.from(sealed);
    altered[20] ^= 1;
    expect(() => openCodes(keys, 'c-1', altered)).toThrow();
  });
});
