import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new API key secret: 32 random bytes, prefixed so a leaked key is recognisable. */
export function generateApiKeySecret(): string {
  return `sy_${randomBytes(32).toString('base64url')}`;
}

/** Keys are stored only as this hash; a lookup by hash never compares secrets byte by byte. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(Buffer.from(hashApiKeySecret(a), 'hex'), Buffer.from(hashApiKeySecret(b), 'hex'));
}
