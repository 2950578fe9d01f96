import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/**
 * C2SP tlog-cosignature (cosignature/v1, Ed25519): a witness's note signature line over a
 * checkpoint. The signature is a timestamped_signature, base64 after the key ID:
 *
 *   — <witness name> base64(key ID (4) || timestamp (u64, big-endian) || Ed25519 signature (64))
 *
 * over "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint's body. The key ID is
 * SHA-256(name || "\n" || 0x04 || public key)[:4]; 0x04 keeps a witness key apart from a log key
 * (0x01) even under the same name. Pure: node:crypto only.
 */

const EM_DASH = '\u2014';
const COSIGNATURE_ALG = 0x04;
const KEY_ID_SIZE = 4;
const TIMESTAMP_SIZE = 8;
const ED25519_SIG_SIZE = 64;
const ED25519_KEY_SIZE = 32;
/** The whole base64 of key ID, timestamp and signature: (4 + 8 + 64) bytes. */
const COSIGNATURE_BYTES = KEY_ID_SIZE + TIMESTAMP_SIZE + ED25519_SIG_SIZE;

export interface WitnessKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

export function cosignatureKeyId(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, COSIGNATURE_ALG]))
    .update(publicKey)
    .digest()
    .subarray(0, KEY_ID_SIZE);
}

/** `<name>+<key ID, 8 hex digits>+<base64(0x04 || public key)>`: the witness's C2SP verifier key. */
export function witnessVerifierKey(name: string, publicKey: Buffer): string {
  if (!isKeyName(name)) throw new Error(`invalid witness name ${JSON.stringify(name)}: it must be non-empty, without '+' or white space`);
  const encoded = Buffer.concat([Buffer.from([COSIGNATURE_ALG]), publicKey]).toString('base64');
  return `${name}+${cosignatureKeyId(name, publicKey).toString('hex')}+${encoded}`;
}

/** Parses a witness's verifier key, checking its type (0x04, Ed25519 cosignature/v1) and key ID. */
export function parseWitnessKey(text: string): WitnessKey {
  if (typeof text !== 'string') throw new Error('malformed witness key: not a string');
  const match = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text.trim());
  if (!match) throw new Error('malformed witness key: expected <name>+<8 hex digits>+<base64 key>');
  const [, name, idHex, keyBase64] = match;
  const bytes = decodeBase64Strict(keyBase64);
  if (!bytes || bytes.length === 0) throw new Error('malformed witness key: the key is not valid standard base64');
  if (bytes[0] !== COSIGNATURE_ALG) {
    throw new Error(`malformed witness key: type ${bytes[0]} is not 4 (an Ed25519 cosignature/v1 key; a log's key is type 1)`);
  }
  if (bytes.length !== 1 + ED25519_KEY_SIZE) throw new Error(`malformed witness key: an Ed25519 key is ${ED25519_KEY_SIZE} bytes, got ${bytes.length - 1}`);
  const publicKey = Buffer.from(bytes.subarray(1));
  const keyId = Buffer.from(idHex, 'hex');
  const expected = cosignatureKeyId(name, publicKey);
  if (!keyId.equals(expected)) throw new Error(`malformed witness key: key ID ${idHex} does not match name and key (expected ${expected.toString('hex')})`);
  return { name, keyId, publicKey };
}

/** What a cosignature signs: the header line, the time line, then the checkpoint's body. */
export function cosignedMessage(checkpointBody: string, timestamp: number): Buffer {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error(`invalid cosignature timestamp ${timestamp}`);
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointBody}`, 'utf8');
}

/** The cosignature line (ending in "\n") by `name`'s key over `checkpointBody` at `timestamp` (seconds). */
export function cosignatureLine(checkpointBody: string, name: string, privateKey: KeyObject, timestamp: number): string {
  const publicKey = rawPublicKey(privateKey);
  const time = Buffer.alloc(TIMESTAMP_SIZE);
  time.writeBigUInt64BE(BigInt(timestamp));
  const signature = sign(null, cosignedMessage(checkpointBody, timestamp), privateKey);
  return `${EM_DASH} ${name} ${Buffer.concat([cosignatureKeyId(name, publicKey), time, signature]).toString('base64')}\n`;
}

/**
 * Checks one signature line as a cosignature by `key` over `checkpointBody`: 'other' for a line
 * by another key (to be ignored), its timestamp when it verifies; throws naming what is wrong
 * when the line is malformed or it is `key`'s and does not verify.
 */
export function checkCosignatureLine(line: string, checkpointBody: string, key: WitnessKey): { timestamp: number } | 'other' {
  const match = /^\u2014 ([^+\s]+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
  const bytes = match ? decodeBase64Strict(match[2]) : undefined;
  if (!match || !bytes || bytes.length <= KEY_ID_SIZE) throw new Error(`malformed cosignature: bad signature line ${JSON.stringify(line.slice(0, 120))}`);
  if (match[1] !== key.name || !bytes.subarray(0, KEY_ID_SIZE).equals(key.keyId)) return 'other';
  if (bytes.length !== COSIGNATURE_BYTES) {
    throw new Error(`malformed cosignature: ${bytes.length} bytes, a cosignature/v1 Ed25519 signature is ${COSIGNATURE_BYTES}`);
  }
  const time = bytes.readBigUInt64BE(KEY_ID_SIZE);
  if (time > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`malformed cosignature: timestamp ${time} is out of range`);
  const timestamp = Number(time);
  const signature = bytes.subarray(KEY_ID_SIZE + TIMESTAMP_SIZE);
  if (!verify(null, cosignedMessage(checkpointBody, timestamp), publicKeyObject(key.publicKey), signature)) {
    throw new Error(`cosignature by ${key.name}+${key.keyId.toString('hex')} does not verify over this checkpoint`);
  }
  return { timestamp };
}

/**
 * A note's body and its signature lines (without their "\n"). Throws when it is not a signed note:
 * body, an empty line, one or more signature lines.
 */
export function splitNote(note: string): { body: string; signatureLines: string[] } {
  if (typeof note !== 'string') throw new Error('malformed note: not a string');
  if (note.includes('\r')) throw new Error('malformed note: carriage return');
  if (!note.endsWith('\n')) throw new Error('malformed note: it does not end in a newline');
  const split = note.indexOf('\n\n');
  if (split < 0) throw new Error('malformed note: no empty line before the signatures');
  const signatureLines = note.slice(split + 2, -1).split('\n');
  if (signatureLines.some((l) => !l.startsWith(`${EM_DASH} `))) throw new Error('malformed note: a line after the empty line is not a signature line');
  return { body: note.slice(0, split + 1), signatureLines };
}

/**
 * The witnesses among `keys` with a valid cosignature in `note`, by verifier key name+ID. A line
 * that claims one of these keys and does not verify is reported in `invalid`, never counted.
 */
export function cosignersOf(note: string, keys: WitnessKey[]): { cosigned: string[]; invalid: string[] } {
  const { body, signatureLines } = splitNote(note);
  const cosigned = new Set<string>();
  const invalid: string[] = [];
  for (const key of keys) {
    const label = `${key.name}+${key.keyId.toString('hex')}`;
    for (const line of signatureLines) {
      try {
        if (checkCosignatureLine(line, body, key) === 'other') continue;
        cosigned.add(label);
      } catch (err) {
        if (line.startsWith(`${EM_DASH} ${key.name} `)) invalid.push(`${label}: ${(err as Error).message}`);
      }
    }
  }
  return { cosigned: [...cosigned], invalid };
}

export function rawPublicKey(privateKey: KeyObject): Buffer {
  return Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url');
}

function isKeyName(name: string): boolean {
  return typeof name === 'string' && /^[^+\s]+$/.test(name);
}

/** Standard base64 with padding, canonical: decoding and re-encoding gives the same text. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}
