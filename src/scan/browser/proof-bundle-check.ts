import { batchLinkProblem, entryHashWith, LedgerEnvelope, payloadHashWith, payloadRootAsync, Sha256Hex, splitPayloadMembers } from '../../ledger/hash-rule.js';
import { disclosureProblem, MemberDisclosure } from '../../ledger/member-disclosure.js';
import { inclusionPath, LEAF_PREFIX } from '../../ledger/merkle-path.js';
import { policyProblem, WitnessPolicy } from '../../witnesses/witness-policy.js';
import { bytesOfBase64, bytesOfHex, concatBytes, equalBytes, hexOf, webNodeHash } from './bytes.js';
import { verifiedCosigners } from './witness-check.js';

/**
 * The consumer page's check of a batch's proof (src/scan/proof-bundle.ts), with WebCrypto, over all its
 * pages: every entry's hash and the batch's chain by the ledger's one hash rule, from its first entry
 * to its newest, the newest entry's RFC 9162 inclusion in the checkpoint's tree, and the checkpoint's
 * Ed25519 signature, and with a witness policy its witnesses' cosignatures. It says "verified" only when all of that passed for every entry; a check that
 * could not get every page says how far it got, and is not a verification. No DOM here, so a test can run it.
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

/** A page of the proof: some of the batch's entries, oldest first, and the path of the next page (null or absent on the last). */
export interface ProofPage {
  entries: BundleEntry[];
  through?: number;
  next?: string | null;
}

/** The first page (or the whole proof, when `next` is null): also what the newest entry is proved against. */
export interface ProofBundle extends ProofPage {
  /** The batch's entries in all pages together (absent from a whole bundle of old). */
  total?: number;
  origin: string;
  verifierKey: string;
  signedNote: string;
  inclusion: { leafIndex: number; treeSize: number; hashes: string[] };
  /** The witness policy the checkpoint must meet (LEDGER-SPEC §4.1); absent when the service sets none. */
  witnesses?: WitnessPolicy;
}

/**
 * Verified: all `entries` of the batch, possibly with a note (a check the browser cannot make). Failed:
 * what was wrong, in both languages. Incomplete: the first `checked` of `total` entries were intact, the
 * rest could not be fetched, so nothing is verified.
 */
export type BundleVerdict =
  | { verified: true; entries: number; note?: { zh: string; en: string } }
  | { verified: false; zh: string; en: string }
  | { verified: false; incomplete: true; checked: number; total: number | null; zh: string; en: string };

/** How the check gets a page after the first (the path the page before named), and how it reports progress. */
export interface PageSource {
  fetchPage(path: string): Promise<ProofPage>;
  progress?(checked: number, total: number | null): void;
}

/** Most pages one check fetches (400 entries each): past it the check stops, incomplete, rather than run a phone out of time. */
export const MAX_PROOF_PAGES = 500;

const utf8 = new TextEncoder();

/** WebCrypto's SHA-256, in the shape the hash rule takes. */
export function webSha256Hex(subtle: Subtle): Sha256Hex<Promise<string>> {
  return async (data) => hexOf(new Uint8Array(await subtle.digest('SHA-256', typeof data === 'string' ? utf8.encode(data) : copy(data))));
}

/** An array backed by its own ArrayBuffer, as WebCrypto's types ask. */
function copy(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(data);
}

/**
 * The ledger's hashes of an entry as the page computes them (for tests against the vectors): the envelope's,
 * a v1 payload's, a v2 payload's root (null for a text that is not a v2 payload), and the check of what is
 * disclosed of a v2 entry (docs/ledger-format.md §3; null when every disclosed member is proven).
 */
export function webLedgerHashes(subtle: Subtle): {
  entryHash(e: LedgerEnvelope): Promise<string>;
  payloadHash(saltHex: string, payload: string): Promise<string>;
  payloadRoot(saltHex: string, payload: string): Promise<string | null>;
  disclosureProblem(payloadHash: string, disclosure: MemberDisclosure): Promise<string | null>;
} {
  const sha256 = webSha256Hex(subtle);
  return {
    entryHash: (e) => entryHashWith(sha256, e),
    payloadHash: (saltHex, payload) => payloadHashWith(sha256, bytesOfHex(saltHex), payload),
    payloadRoot: async (saltHex, payload) => {
      const members = splitPayloadMembers(payload);
      return typeof members === 'string' ? null : payloadRootAsync(sha256, bytesOfHex(saltHex), members);
    },
    disclosureProblem: (payloadHash, disclosure) => disclosureProblem(sha256, payloadHash, disclosure),
  };
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
  const node = webNodeHash(subtle);
  let r = leafHash;
  for (let k = 0; k < proof.length; k++) r = proofIsLeft[k] ? await node(proof[k], r) : await node(r, proof[k]);
  return r;
}

/** The check of a whole proof in one bundle (no further pages). */
export function checkProofBundle(bundle: ProofBundle, subtle: Subtle): Promise<BundleVerdict> {
  return checkProofPages({ ...bundle, next: null }, { fetchPage: () => Promise.reject(new Error('no further pages')) }, subtle);
}

/** The check of a batch's proof from its first page, fetching the others in turn. */
export async function checkProofPages(first: ProofBundle, source: PageSource, subtle: Subtle): Promise<BundleVerdict> {
  const sha256 = webSha256Hex(subtle);
  const fail = (zh: string, en: string): BundleVerdict => ({ verified: false, zh, en });
  const total = typeof first.total === 'number' ? first.total : null;
  let batchHead: string | null = null;
  let batchId: string | null = null;
  let newest: { seq: number; hash: string } | null = null;
  let checked = 0;
  let page: ProofPage = first;
  for (let pages = 1; ; pages++) {
    for (const e of page.entries) {
      if (newest && e.seq <= newest.seq) return fail(`记录 ${e.seq} 的顺序不对`, `entry ${e.seq} is out of order`);
      if (batchId !== null && e.batchId !== batchId) return fail(`记录 ${e.seq} 不属于本批次`, `entry ${e.seq} belongs to another batch`);
      const hash = await entryHashWith(sha256, e);
      if (hash !== e.hash) return fail(`记录 ${e.seq} 的哈希与内容不符`, `entry ${e.seq}: its hash does not match its contents`);
      if (batchLinkProblem(e.batchId, e.batchPrevHash, batchHead)) {
        return fail(`记录 ${e.seq} 与本批次上一条记录的链接断开`, `entry ${e.seq}: the link to the batch\u2019s previous entry is broken`);
      }
      batchHead = hash;
      batchId = e.batchId;
      newest = { seq: e.seq, hash };
      checked++;
    }
    source.progress?.(checked, total);
    if (!page.next) break;
    const incomplete = (zh: string, en: string): BundleVerdict => ({ verified: false, incomplete: true, checked, total, zh, en });
    if (pages >= MAX_PROOF_PAGES)
      return incomplete(`记录超过 ${MAX_PROOF_PAGES} 页，未全部校验`, `the proof has more than ${MAX_PROOF_PAGES} pages; the rest was not checked`);
    // Only this service's own proof pages: a relative path under /q/ (the page's CSP allows nothing else either).
    if (!/^\/q\/[^/?#]+\/chain\.json\?/.test(page.next)) return fail('下一页的地址不对', 'the link to the next page is not a proof page of this service');
    try {
      page = await source.fetchPage(page.next);
    } catch (err) {
      return incomplete(`无法获取其余记录（${(err as Error).message}）`, `the rest could not be fetched (${(err as Error).message})`);
    }
  }
  if (!newest) return fail('没有记录', 'the proof holds no entries');
  if (total !== null && checked !== total)
    return fail(`服务器称有 ${total} 条记录，实际收到 ${checked} 条`, `the service said ${total} entries and sent ${checked}`);
  if (typeof first.through === 'number' && newest.seq !== first.through) {
    return fail('最后一条记录不是本批次最新的记录', 'the last entry sent is not the batch\u2019s newest');
  }
  const checkpoint = await checkCheckpoint(subtle, first);
  if (!checkpoint.ok) return fail(checkpoint.zh, checkpoint.en);
  if (first.inclusion.treeSize !== checkpoint.size || first.inclusion.leafIndex !== newest.seq - 1) {
    return fail('包含证明与检查点不对应', 'the inclusion proof does not match the checkpoint');
  }
  const leaf = await webLeafHash(subtle, bytesOfHex(newest.hash));
  const computed = await rootFromInclusion(subtle, leaf, first.inclusion.leafIndex, checkpoint.size, first.inclusion.hashes.map(bytesOfHex));
  if (computed === null) {
    return fail('包含证明无效：其长度与树的大小不符', 'the inclusion proof is invalid: its length does not fit the tree size');
  }
  if (!equalBytes(computed, checkpoint.root)) return fail('本批次记录不在已签名的账本中', 'the batch\u2019s newest entry is not in the signed ledger tree');
  return checkpoint.signatureUnchecked ? { verified: true, entries: checked, note: checkpoint.signatureUnchecked } : { verified: true, entries: checked };
}

/** RFC 9162's leaf, SHA-256(0x00 || entry hash), with WebCrypto. */
export async function webLeafHash(subtle: Pick<Subtle, 'digest'>, entryHash: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.digest('SHA-256', concatBytes([new Uint8Array([LEAF_PREFIX]), entryHash])));
}

/** What a checkpoint is checked with: the note, the log's origin and verifier key, and the witness policy it must meet. */
export interface CheckpointClaim {
  origin: string;
  verifierKey: string;
  signedNote: string;
  witnesses?: WitnessPolicy;
}

/**
 * A checkpoint whose form, signature and witness cosignatures checked out: its tree's size and root. With
 * `signatureUnchecked`, the browser could not check Ed25519 at all (so neither signature nor cosignatures).
 */
export type CheckpointVerdict =
  { ok: true; size: number; root: Uint8Array; signatureUnchecked?: { zh: string; en: string } } | { ok: false; zh: string; en: string };

/** The checkpoint's form, its signature ("— <name> base64(key id || signature)" over its first three lines), and its witness policy. */
export async function checkCheckpoint(subtle: Subtle, claim: CheckpointClaim): Promise<CheckpointVerdict> {
  const fail = (zh: string, en: string): CheckpointVerdict => ({ ok: false, zh, en });
  const lines = claim.signedNote.split('\n');
  const size = Number(lines[1]);
  let root: Uint8Array;
  try {
    root = bytesOfBase64(lines[2]);
  } catch {
    return fail('检查点格式不对', 'the checkpoint is malformed');
  }
  if (lines[0] !== claim.origin || lines[3] !== '' || !Number.isSafeInteger(size) || size < 1 || root.length !== 32) {
    return fail('检查点格式不对', 'the checkpoint is malformed');
  }
  // <name>+<key id>+<base64(0x01 || key)>: the base64 part may itself hold '+'.
  const parts = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(claim.verifierKey);
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
    const signatureUnchecked = {
      zh: '本浏览器不支持 Ed25519，无法核对检查点签名；其余校验已通过',
      en: 'this browser cannot check Ed25519 signatures; everything else verified',
    };
    return { ok: true, size, root, signatureUnchecked };
  }
  const ok = await subtle.verify({ name: 'Ed25519' }, key as never, sig.slice(4), body);
  if (!ok) return fail('检查点签名无效', 'the checkpoint\u2019s signature does not verify');
  const policy = claim.witnesses;
  if (policy !== undefined) {
    if (policyProblem(policy)) return fail('见证策略格式不对', 'the witness policy is malformed');
    const cosigned = await verifiedCosigners(subtle, claim.signedNote, policy);
    if (cosigned < policy.needed) {
      return fail(
        `检查点只有 ${cosigned} 个见证人的有效共同签名，需要 ${policy.needed} 个`,
        `${cosigned} of the ${policy.needed} needed witnesses cosigned the checkpoint`,
      );
    }
  }
  return { ok: true, size, root };
}
