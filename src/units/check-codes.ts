import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { mintCodes, SERIAL_LENGTH } from './unit-serials.js';

/**
 * A unit's check code: printed under a scratch panel, typed by a consumer to ask "is this can genuine?".
 * CHECK_CODE_LENGTH characters of the serials' alphabet, 5 bits each: 50 bits, about 10^15 codes.
 * Stored only as a keyed hash, so a copy of the database gives no code. Pure.
 */
export const CHECK_CODE_LENGTH = 10;
/** Bytes of the stored hash: 128 bits, far past what 50-bit codes need to stay apart. */
export const CHECK_HASH_BYTES = 16;

export interface UnitKeys {
  /** Keys the check-code hash. */
  hashKey: Buffer;
  /** Seals the plaintext codes until their first download. */
  sealKey: Buffer;
}

/** Two independent keys from the configured secret (HKDF-SHA-256), one per use. */
export function unitKeys(secret: Buffer): UnitKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'suyuan units', info, 32));
  return { hashKey: derive('check code hash v1'), sealKey: derive('check code seal v1') };
}

export function mintCheckCodes(count: number): Buffer {
  return mintCodes(count, CHECK_CODE_LENGTH);
}

/**
 * SHA-256(hashKey ‖ gtin ‖ serial ‖ 0x00 ‖ code), first 16 bytes. A secret-prefix hash over a message of
 * fixed shape is a PRF here (length extension forges nothing when the whole message is compared), and one
 * SHA-256 costs half what an HMAC does: a million of them is part of the commissioning's 10 s budget.
 */
export function checkCodeHash(keys: UnitKeys, gtin: string, serial: string, code: string): Buffer {
  const input = Buffer.concat([keys.hashKey, Buffer.from(`${gtin}${serial}\u0000${code}`, 'latin1')]);
  return Buffer.from(hash('sha256', input, 'binary'), 'latin1').subarray(0, CHECK_HASH_BYTES);
}

/** checkCodeHash of every minted serial with its code, end to end (count × 16 bytes), with one reused input buffer. */
export function checkCodeHashes(keys: UnitKeys, gtin: string, serials: Buffer, codes: Buffer, count: number): Buffer {
  const prefix = keys.hashKey.length + gtin.length;
  const input = Buffer.alloc(prefix + SERIAL_LENGTH + 1 + CHECK_CODE_LENGTH);
  keys.hashKey.copy(input, 0);
  input.write(gtin, keys.hashKey.length, 'latin1');
  input[prefix + SERIAL_LENGTH] = 0;
  const out = Buffer.alloc(count * CHECK_HASH_BYTES);
  for (let i = 0; i < count; i++) {
    serials.copy(input, prefix, i * SERIAL_LENGTH, (i + 1) * SERIAL_LENGTH);
    codes.copy(input, prefix + SERIAL_LENGTH + 1, i * CHECK_CODE_LENGTH, (i + 1) * CHECK_CODE_LENGTH);
    // latin1 out: node:crypto's Buffer answer allocates per call and costs several times more (measured).
    out.write(hash('sha256', input, 'binary').slice(0, CHECK_HASH_BYTES), i * CHECK_HASH_BYTES, 'latin1');
  }
  return out;
}

/** Constant-time comparison of two stored-form hashes (a different length is simply unequal). */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A typed code as stored: upper case, without the spaces and dashes people type between groups. Null when it cannot be a code. */
export function normalizeCheckCode(typed: string): string | null {
  const code = typed.replace(/[\s-]/g, '').toUpperCase();
  return code.length === CHECK_CODE_LENGTH && /^[2-9A-HJ-NP-Z]+$/.test(code) ? code : null;
}

/** AES-256-GCM: 12-byte nonce ‖ ciphertext ‖ 16-byte tag. The commissioning's id is bound as associated data. */
export function sealCodes(keys: UnitKeys, commissioningId: string, codes: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.sealKey, nonce);
  cipher.setAAD(Buffer.from(commissioningId, 'latin1'));
  const body = Buffer.concat([cipher.update(codes), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/** The codes sealCodes sealed; throws when the sealed bytes were altered or belong to another commissioning. */
export function openCodes(keys: UnitKeys, commissioningId: string, sealed: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', keys.sealKey, sealed.subarray(0, 12));
  decipher.setAAD(Buffer.from(commissioningId, 'latin1'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
}
