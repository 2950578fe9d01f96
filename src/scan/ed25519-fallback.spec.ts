import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync, sign, webcrypto } from 'node:crypto';
import { type PageSubtle, withEd25519Fallback } from './browser/ed25519-fallback.js';

/** WebCrypto as a browser without Ed25519 has it: SHA-256 works, Ed25519 keys and signatures are refused. */
function subtleWithoutEd25519(): PageSubtle {
  const refuse = () => Promise.reject(new Error('NotSupportedError: Unrecognized name'));
  return {
    digest: (algorithm, data) => webcrypto.subtle.digest(algorithm, data),
    importKey: refuse,
    verify: refuse,
  };
}

function signed(message: string) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  const data = new Uint8Array(Buffer.from(message));
  return { raw, data, signature: new Uint8Array(sign(null, data, privateKey)) };
}

describe('the page’s Ed25519 fallback', () => {
  it('verifies a signature made by Node’s OpenSSL when WebCrypto refuses Ed25519, and refuses a changed signature or message', async () => {
    let fellBack = 0;
    const subtle = withEd25519Fallback(subtleWithoutEd25519(), () => fellBack++);
    const { raw, data, signature } = signed('suyuan.example/log\n42\nroot\n');
    const key = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    expect(fellBack).toBe(1);
    expect(await subtle.verify({ name: 'Ed25519' }, key as never, signature, data)).toBe(true);
    const forged = signature.slice();
    forged[5] ^= 1;
    expect(await subtle.verify({ name: 'Ed25519' }, key as never, forged, data)).toBe(false);
    expect(await subtle.verify({ name: 'Ed25519' }, key as never, signature, new Uint8Array(Buffer.from('suyuan.example/log\n43\nroot\n')))).toBe(false);
    expect(await subtle.verify({ name: 'Ed25519' }, key as never, signature.slice(0, 63), data)).toBe(false);
  });

  it('uses WebCrypto’s Ed25519 where the browser has it, and refuses a key that is no Ed25519 key either way', async () => {
    let fellBack = 0;
    const subtle = withEd25519Fallback(webcrypto.subtle as unknown as PageSubtle, () => fellBack++);
    const { raw, data, signature } = signed('checkpoint');
    const key = await subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    expect(await subtle.verify({ name: 'Ed25519' }, key as never, signature, data)).toBe(true);
    expect(fellBack).toBe(0);
    await expect(withEd25519Fallback(subtleWithoutEd25519()).importKey('raw', raw.slice(1), { name: 'Ed25519' }, false, ['verify'])).rejects.toThrow(
      'an Ed25519 public key is 32 bytes',
    );
  });
});
