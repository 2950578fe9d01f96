import { batchLinkProblem, entryHashWith, LedgerEnvelope, payloadHashWith, Sha256Hex } from '../../ledger/hash-rule.js';
import { inclusionPath, LEAF_PREFIX, NODE_PREFIX } from '../../ledger/merkle-path.js';

/**
 * The consumer page's check of a batch's proof bundle (src/scan/proof-bundle.ts), with WebCrypto: every
 * entry's hash and the batch's chain by the ledger's one hash rule, the newest entry's RFC 9162 inclusion
 * in the checkpoint's tree, and the checkpoint's Ed25519 signature. No DOM here, so a test can run it.
 */

/** The part of WebCrypto's SubtleCrypto this uses. */
export interface Subtle {
  digest(algorithm: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
  importKey(format: 'raw', keyData: Uint8Array<ArrayBuffer>, algorithm: { name: 'Ed25519' }, extractable: false, usages: ['verify']): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: never, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<boolean>;
}

export interface BundleEntry extends LedgerEnvelope {
  hash: string;
}

export interface ProofBundle {
  origin: string;
  verifierKey: string;
  signedNote: string;
  entries: BundleEntry[];
  inclusion: { leafIndex: number; treeSize: number; hashes: string[] };
}

/** Verified, possibly with a note (a check the browser cannot make); or failed, with the reason in both languages. */
export type BundleVerdict = { verified: true; note?: { zh: string; en: string } } | { verified: false; zh: string; en: string };

const utf8 = new TextEncoder();

export function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
  return out;
}

export function bytesOfHex(hex: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

function bytesOfBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** WebCrypto's SHA-256, in the shape the hash rule takes. */
export function webSha256Hex(subtle: Subtle): Sha256Hex<Promise<string>> {
  return async (data) => hexOf(new Uint8Array(await subtle.digest('SHA-256', typeof data === 'string' ? utf8.encode(data) : copy(data))));
}

/** An array backed by its own ArrayBuffer, as WebCrypto's types ask. */
function copy(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}

/** The ledger's two hashes of an entry, as the page computes them (for tests against the vectors). */
export function webLedgerHashes(subtle: Subtle): {
  entryHash(e: LedgerEnvelope): Promise<string>;
  payloadHash(saltHex: string, payload: string): Promise<string>;
} {
  const sha256 = webSha256Hex(subtle);
  return { entryHash: (e) => entryHashWith(sha256, e), payloadHash: (saltHex, payload) => payloadHashWith(sha256, bytesOfHex(saltHex), payload) };
}

/** RFC 9162 §2.1.3.2's root from a leaf hash and its inclusion proof; null when the proof's length does not fit. */
export async function rootFromInclusion(
  subtle: Subtle,
  leafHash: Uint8Array,
  leafIndex: number,
  treeSize: number,
  proof: Uint8Array[],
): Promise<Uint8Array | null> {
  const proofIsLeft = inclusionPath(leafIndex, treeSize, proof.length);
  if (proofIsLeft === null) return null;
  const node = NEW_NODE(subtle);
  let r = leafHash;
  for (let k = 0; k < proof.length; k++) r = proofIsLeft[k] ? await node(proof[k], r) : await node(r, proof[k]);
  return r;
}

const NEW_NODE =
  (subtle: Subtle) =>
  async (left: Uint8Array, right: Uint8Array): Promise<Uint8Array> =>
    new Uint8Array(await subtle.digest('SHA-256', concat([new Uint8Array([NODE_PREFIX]), left, right])));

export async function checkProofBundle(bundle: ProofBundle, subtle: Subtle): Promise<BundleVerdict> {
  const sha256 = webSha256Hex(subtle);
  const fail = (zh: string, en: string): BundleVerdict => ({ verified: false, zh, en });
  let batchHead: string | null = null;
  for (const e of bundle.entries) {
    const hash = await entryHashWith(sha256, e);
    if (hash !== e.hash) return fail(`记录 ${e.seq} 的哈希与内容不符`, `entry ${e.seq}: its hash does not match its contents`);
    if (batchLinkProblem(e.batchId, e.batchPrevHash, batchHead)) {
      return fail(`记录 ${e.seq} 与本批次上一条记录的链接断开`, `entry ${e.seq}: the link to the batch\u2019s previous entry is broken`);
    }
    batchHead = hash;
  }
  const newest = bundle.entries[bundle.entries.length - 1];
  const lines = bundle.signedNote.split('\n');
  const origin = lines[0];
  const size = Number(lines[1]);
  const root = bytesOfBase64(lines[2]);
  if (origin !== bundle.origin || lines[3] !== '') return fail('检查点格式不对', 'the checkpoint is malformed');
  if (bundle.inclusion.treeSize !== size || bundle.inclusion.leafIndex !== newest.seq - 1) {
    return fail('包含证明与检查点不对应', 'the inclusion proof does not match the checkpoint');
  }
  const leaf = new Uint8Array(await subtle.digest('SHA-256', concat([new Uint8Array([LEAF_PREFIX]), bytesOfHex(newest.hash)])));
  const computed = await rootFromInclusion(subtle, leaf, bundle.inclusion.leafIndex, size, bundle.inclusion.hashes.map(bytesOfHex));
  if (computed === null) {
    return fail('包含证明无效：其长度与树的大小不符', 'the inclusion proof is invalid: its length does not fit the tree size');
  }
  if (!equal(computed, root)) return fail('本批次记录不在已签名的账本中', 'the batch\u2019s newest entry is not in the signed ledger tree');
  return checkSignature(bundle, lines, subtle);
}

/** The checkpoint's signature: "— <name> base64(key id || signature)" over the body (its first three lines). */
async function checkSignature(bundle: ProofBundle, lines: string[], subtle: Subtle): Promise<BundleVerdict> {
  const fail = (zh: string, en: string): BundleVerdict => ({ verified: false, zh, en });
  // <name>+<key id>+<base64(0x01 || key)>: the base64 part may itself hold '+'.
  const parts = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(bundle.verifierKey);
  if (!parts) return fail('验证密钥格式不对', 'the verifier key is malformed');
  const [, name, keyId, keyBase64] = parts;
  const keyBytes = bytesOfBase64(keyBase64);
  const body = utf8.encode(lines.slice(0, 3).join('\n') + '\n');
  const sigLine = lines.find((l) => l.indexOf(`\u2014 ${name} `) === 0);
  if (!sigLine) return fail('检查点没有该密钥的签名', 'the checkpoint has no signature by the published key');
  const sig = bytesOfBase64(sigLine.split(' ')[2]);
  if (hexOf(sig.slice(0, 4)) !== keyId) return fail('签名密钥编号不符', 'the signature\u2019s key id does not match the published key');
  let key: unknown;
  try {
    key = await subtle.importKey('raw', keyBytes.slice(1), { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return {
      verified: true,
      note: { zh: '本浏览器不支持 Ed25519，无法核对检查点签名；其余校验已通过', en: 'this browser cannot check Ed25519 signatures; everything else verified' },
    };
  }
  const ok = await subtle.verify({ name: 'Ed25519' }, key as never, sig.slice(4), body);
  if (!ok) return fail('检查点签名无效', 'the checkpoint\u2019s signature does not verify');
  return { verified: true };
}
