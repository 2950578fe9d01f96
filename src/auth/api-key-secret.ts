import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new API key secret: 32 random bytes, prefixed so a leaked key is recognisable. */
export function generateApiKeySecret(): string {
  return `sy_${randomBytes(32).toString('base64url')}`;
}

/** Keys are stored only as this hash; a lookup by hash never compares secrets byte by byte. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hashes (hex, as hashApiKeySecret gives them) in constant time. */
export function hashesEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}
