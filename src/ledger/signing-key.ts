import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { fingerprintOfDigest } from './key-fingerprint.js';

/**
 * The Ed25519 key that signs checkpoints (LEDGER-SPEC §4) and the C2SP verifier key that names it.
 * Configuration gives it as PKCS#8 PEM or as a base64 32-byte seed.
 */
export interface LedgerSigningKey {
  privateKey: KeyObject;
  publicKeyRaw: Buffer;
}

// DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function signingKeyFromSeed(seed: Buffer): LedgerSigningKey {
  if (seed.length !== 32) throw new Error(`an Ed25519 seed is 32 bytes, got ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return withPublicKey(privateKey);
}

/** Parses the configured value; throws with what is expected when it is neither form. */
export function parseSigningKey(value: string): LedgerSigningKey {
  const text = value.trim();
  if (text.startsWith('-----BEGIN')) {
    const privateKey = createPrivateKey({ key: text.replace(/\\n/g, '\n'), format: 'pem' });
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error(`the PEM key is ${privateKey.asymmetricKeyType}, expected an Ed25519 PKCS#8 key`);
    }
    return withPublicKey(privateKey);
  }
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    throw new Error('expected an Ed25519 PKCS#8 PEM key or a base64 32-byte seed');
  }
  return signingKeyFromSeed(Buffer.from(text, 'base64'));
}

export function generateSigningKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

function withPublicKey(privateKey: KeyObject): LedgerSigningKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return { privateKey, publicKeyRaw: Buffer.from(jwk.x as string, 'base64url') };
}

/** `key id = SHA-256(key name || "\n" || 0x01 || public key)[0:4]` (C2SP signed-note, Ed25519). */
export function keyId(keyName: string, publicKeyRaw: Buffer): Buffer {
  return createHash('sha256')
    .update(keyName, 'utf8')
    .update(Buffer.from([0x0a, 0x01]))
    .update(publicKeyRaw)
    .digest()
    .subarray(0, 4);
}

/** `<key name>+<key id, 8 hex digits>+<base64(0x01 || public key)>`. */
export function verifierKey(keyName: string, publicKeyRaw: Buffer): string {
  const encoded = Buffer.concat([Buffer.from([0x01]), publicKeyRaw]).toString('base64');
  return `${keyName}+${keyId(keyName, publicKeyRaw).toString('hex')}+${encoded}`;
}

/** LEDGER-SPEC §4.1: what a label carries as `#k=…` to pin this verifier key. */
export function verifierKeyFingerprint(verifierKeyText: string): string {
  return fingerprintOfDigest(createHash('sha256').update(verifierKeyText, 'utf8').digest());
}
