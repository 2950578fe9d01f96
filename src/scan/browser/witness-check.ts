import { fingerprintOfDigest } from '../../ledger/key-fingerprint.js';
import { bytesOfBase64 } from './bytes.js';
import { isPolicyFingerprint, policyPinOfFragment, policyProblem, policyText, WitnessPolicy } from '../../witnesses/witness-policy.js';

/**
 * The page's check of the witness policy (LEDGER-SPEC §4.1), with WebCrypto: the label's pin of the
 * policy (`w=` in the fragment) against the policy the service serves, and the cosignature/v1 lines
 * (C2SP tlog-cosignature) on the checkpoint note by the policy's witnesses. No DOM, so a test can run it.
 */

/** The part of WebCrypto this uses. */
export interface WitnessSubtle {
  digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  importKey(format: 'raw', keyData: Uint8Array<ArrayBuffer>, algorithm: { name: 'Ed25519' }, extractable: false, usages: ['verify']): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: never, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<boolean>;
}

/** Pinned: the label names this policy. Served: no pin, the served policy was trusted. None: neither pin nor policy. */
export type PolicyPinVerdict = { ok: true; policy: 'pinned' | 'served' | 'none' } | { ok: false; zh: string; en: string };

const utf8 = new TextEncoder();
const COSIGNATURE_ALG = 0x04;
/** key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64). */
const COSIGNATURE_BYTES = 76;

export async function webPolicyFingerprint(subtle: Pick<WitnessSubtle, 'digest'>, policy: WitnessPolicy): Promise<string> {
  return fingerprintOfDigest(new Uint8Array(await subtle.digest('SHA-256', utf8.encode(policyText(policy)))));
}

/** Whether the served policy is the one the fragment pins; a pin with no policy served fails (the witnesses were dropped). */
export async function checkPolicyPin(subtle: Pick<WitnessSubtle, 'digest'>, fragment: string, served: WitnessPolicy | undefined): Promise<PolicyPinVerdict> {
  const pin = policyPinOfFragment(fragment);
  if (served !== undefined && policyProblem(served))
    return { ok: false, zh: '服务器提供的见证策略格式不对', en: 'the witness policy the service presented is malformed' };
  if (pin === undefined) return { ok: true, policy: served ? 'served' : 'none' };
  if (!isPolicyFingerprint(pin)) return { ok: false, zh: '链接中的见证策略指纹格式不对', en: 'the witness policy fingerprint in this link is malformed' };
  if (!served) {
    return {
      ok: false,
      zh: '标签要求见证人共同签名，但服务器未提供见证策略',
      en: 'the label requires witness cosignatures, and the service presented no witness policy',
    };
  }
  if ((await webPolicyFingerprint(subtle, served)) !== pin) {
    return {
      ok: false,
      zh: '服务器提供的见证策略与标签上的指纹不符',
      en: 'the witness policy the service presented is not the one the label names (its fingerprint differs)',
    };
  }
  return { ok: true, policy: 'pinned' };
}

/**
 * How many of the policy's witnesses have a cosignature on the note that verifies: a line counts for a
 * key when it carries the key's name and key ID and its Ed25519 signature verifies over
 * "cosignature/v1\ntime <t>\n" + the checkpoint body. Anything else (malformed, forged, another key) does not count.
 */
export async function verifiedCosigners(subtle: WitnessSubtle, signedNote: string, policy: WitnessPolicy): Promise<number> {
  const split = signedNote.indexOf('\n\n');
  if (split < 0) return 0;
  const body = signedNote.slice(0, split + 1);
  const lines = signedNote.slice(split + 2).split('\n');
  let count = 0;
  for (const text of policy.keys) {
    const key = parseKey(text);
    if (!key) continue;
    for (const line of lines) {
      if (line.indexOf('\u2014 ' + key.name + ' ') !== 0) continue;
      if (await cosignatureVerifies(subtle, line.slice(key.name.length + 3), body, key)) {
        count++;
        break;
      }
    }
  }
  return count;
}

interface Key {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array<ArrayBuffer>;
}

function parseKey(text: string): Key | null {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text);
  const bytes = m ? base64OrNull(m[3]) : null;
  if (!m || !bytes || bytes.length !== 33 || bytes[0] !== COSIGNATURE_ALG) return null;
  const keyId = new Uint8Array(4);
  for (let i = 0; i < 4; i++) keyId[i] = parseInt(m[2].substr(i * 2, 2), 16);
  return { name: m[1], keyId, publicKey: bytes.slice(1) };
}

async function cosignatureVerifies(subtle: WitnessSubtle, signatureBase64: string, body: string, key: Key): Promise<boolean> {
  const bytes = base64OrNull(signatureBase64);
  if (!bytes || bytes.length !== COSIGNATURE_BYTES) return false;
  for (let i = 0; i < 4; i++) if (bytes[i] !== key.keyId[i]) return false;
  let time = 0;
  for (let i = 4; i < 12; i++) time = time * 256 + bytes[i];
  if (!Number.isSafeInteger(time)) return false;
  const message = utf8.encode('cosignature/v1\ntime ' + time + '\n' + body);
  try {
    const imported = await subtle.importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
    return await subtle.verify({ name: 'Ed25519' }, imported as never, bytes.slice(12), message);
  } catch {
    return false;
  }
}

function base64OrNull(text: string): Uint8Array<ArrayBuffer> | null {
  try {
    return bytesOfBase64(text);
  } catch {
    return null;
  }
}
