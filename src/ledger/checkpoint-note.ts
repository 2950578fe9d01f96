import { createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { keyId, LedgerSigningKey } from './signing-key.js';

/**
 * Checkpoints (LEDGER-SPEC §4): a C2SP tlog-checkpoint body in a C2SP signed note, Ed25519.
 *
 *   <origin>\n<tree size, decimal>\n<root hash, standard base64>\n
 *   \n
 *   — <key name> <base64(key id (4) || Ed25519 signature (64))>\n
 *
 * The key name is the origin. Pure: node:crypto only.
 */

const EM_DASH = '\u2014';
const ED25519_ALG = 0x01;
const KEY_ID_SIZE = 4;
const ED25519_SIG_SIZE = 64;
const ED25519_KEY_SIZE = 32;
const ROOT_SIZE = 32;

export interface VerifierKey {
  name: string;
  keyId: Buffer;
  publicKey: Buffer;
}

export interface Checkpoint {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
  body: string;
}

/** The three-line checkpoint body, each line ending in "\n". */
export function checkpointBody(origin: string, treeSize: number, rootHash: Buffer): string {
  if (!isKeyName(origin)) throw new Error(`invalid origin ${JSON.stringify(origin)}: it must be non-empty, without '+' or white space`);
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) throw new Error(`invalid tree size ${treeSize}`);
  if (!Buffer.isBuffer(rootHash) || rootHash.length !== ROOT_SIZE) throw new Error('a root hash is 32 bytes');
  return `${origin}\n${treeSize}\n${rootHash.toString('base64')}\n`;
}

/** The signed note: body, empty line, one signature line by `key`, named after the origin. */
export function signCheckpoint(body: string, key: LedgerSigningKey): string {
  const { origin } = parseCheckpointBody(body);
  const signature = sign(null, Buffer.from(body, 'utf8'), key.privateKey);
  const encoded = Buffer.concat([keyId(origin, key.publicKeyRaw), signature]).toString('base64');
  return `${body}\n${EM_DASH} ${origin} ${encoded}\n`;
}

/** Parses `<name>+<key id, 8 hex>+<base64(0x01 || 32-byte key)>`, checking the key id. */
export function parseVerifierKey(text: string): VerifierKey {
  if (typeof text !== 'string') throw new Error('malformed verifier key: not a string');
  const value = text.trim();
  const match = /^([^+\s]+)\+([0-9a-fA-F]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!match) throw new Error('malformed verifier key: expected <name>+<8 hex digits>+<base64 key>');
  const [, name, idHex, keyBase64] = match;
  const keyBytes = decodeBase64Strict(keyBase64);
  if (!keyBytes) throw new Error('malformed verifier key: the key is not valid standard base64');
  if (keyBytes.length === 0 || keyBytes[0] !== ED25519_ALG) {
    throw new Error(`malformed verifier key: unsupported algorithm ${keyBytes.length ? keyBytes[0] : 'none'} (expected 1, Ed25519)`);
  }
  if (keyBytes.length !== 1 + ED25519_KEY_SIZE) {
    throw new Error(`malformed verifier key: an Ed25519 key is ${ED25519_KEY_SIZE} bytes, got ${keyBytes.length - 1}`);
  }
  const publicKey = Buffer.from(keyBytes.subarray(1));
  const id = Buffer.from(idHex, 'hex');
  const expected = keyId(name, publicKey);
  if (!id.equals(expected)) {
    throw new Error(`malformed verifier key: key id ${idHex} does not match name and key (expected ${expected.toString('hex')})`);
  }
  return { name, keyId: id, publicKey };
}

/**
 * Opens a signed checkpoint note with `key`: verifies a signature by that key over the body, then
 * parses the body. Signatures by other keys are ignored. Throws an Error naming what failed.
 */
export function openSignedNote(note: string, key: VerifierKey): Checkpoint {
  if (typeof note !== 'string') throw new Error('malformed note: not a string');
  if (!key || typeof key.name !== 'string' || !Buffer.isBuffer(key.keyId) || !Buffer.isBuffer(key.publicKey)) {
    throw new Error('invalid verifier key');
  }
  const keyLabel = `${key.name}+${key.keyId.toString('hex')}`;
  if (note.includes('\r')) throw new Error('malformed note: carriage return');
  if (!note.endsWith('\n')) throw new Error('malformed note: it does not end in a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error('malformed note: no empty line before the signatures');
  const body = note.slice(0, split + 1);
  const signatureLines = note.slice(split + 2, -1).split('\n');

  let matching = 0;
  let verified = false;
  for (const line of signatureLines) {
    const sig = parseSignatureLine(line);
    if (sig.name !== key.name || !sig.keyId.equals(key.keyId)) continue;
    matching += 1;
    if (sig.signature.length !== ED25519_SIG_SIZE) continue;
    if (verify(null, Buffer.from(body, 'utf8'), publicKeyObject(key.publicKey), sig.signature)) {
      verified = true;
      break;
    }
  }
  if (matching === 0) throw new Error(`no signature by ${keyLabel}`);
  if (!verified) throw new Error(`signature does not verify: the note is not signed by ${keyLabel}`);

  const checkpoint = parseCheckpointBody(body);
  if (checkpoint.origin !== key.name) {
    throw new Error(`malformed checkpoint body: origin ${JSON.stringify(checkpoint.origin)} is not the key name ${JSON.stringify(key.name)}`);
  }
  return checkpoint;
}

function parseSignatureLine(line: string): { name: string; keyId: Buffer; signature: Buffer } {
  const match = /^\u2014 ([^+\s]+) ([A-Za-z0-9+/]+={0,2})$/.exec(line);
  const bytes = match ? decodeBase64Strict(match[2]) : undefined;
  if (!match || !bytes || bytes.length <= KEY_ID_SIZE) {
    throw new Error(`malformed note: bad signature line ${JSON.stringify(line.slice(0, 120))}`);
  }
  return { name: match[1], keyId: bytes.subarray(0, KEY_ID_SIZE), signature: bytes.subarray(KEY_ID_SIZE) };
}

function parseCheckpointBody(body: string): Checkpoint {
  if (typeof body !== 'string' || !body.endsWith('\n')) throw new Error('malformed checkpoint body: it does not end in a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length !== 3) throw new Error(`malformed checkpoint body: expected 3 lines, got ${lines.length}`);
  const [origin, sizeText, rootText] = lines;
  if (!isKeyName(origin)) throw new Error(`malformed checkpoint body: invalid origin ${JSON.stringify(origin)}`);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) throw new Error(`malformed checkpoint body: tree size ${JSON.stringify(sizeText)} is not a decimal number`);
  const treeSize = Number(sizeText);
  if (!Number.isSafeInteger(treeSize)) throw new Error(`malformed checkpoint body: tree size ${sizeText} is too large`);
  const rootHash = decodeBase64Strict(rootText);
  if (!rootHash || rootHash.length !== ROOT_SIZE) {
    throw new Error(`malformed checkpoint body: root hash ${JSON.stringify(rootText)} is not 32 bytes in standard base64`);
  }
  return { origin, treeSize, rootHash, body };
}

function isKeyName(name: string): boolean {
  return typeof name === 'string' && /^[^+\s]+$/.test(name);
}

/** Standard base64 with padding, canonical: decoding and re-encoding gives the same text. */
function decodeBase64Strict(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function publicKeyObject(raw: Buffer): KeyObject {
  if (raw.length !== ED25519_KEY_SIZE) throw new Error(`invalid verifier key: an Ed25519 key is ${ED25519_KEY_SIZE} bytes`);
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch (err) {
    throw new Error(`invalid verifier key: ${(err as Error).message}`);
  }
}
