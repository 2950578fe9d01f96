import { entryHashWith } from '../../ledger/hash-rule.js';
import { disclosedValues, openedPayloadHash } from '../../ledger/member-disclosure.js';
import { envelopeBut, PAGE_PROOF_FORMAT, PageProof, ProvenEntry } from '../page-proof.js';
import { bytesOfHex, equalBytes } from './bytes.js';
import { checkCheckpoint, rootFromInclusion, Subtle, webLeafHash, webSha256Hex } from './proof-bundle-check.js';

/**
 * The phone's check of a batch page's proof (src/scan/page-proof.ts), with WebCrypto: the checkpoint's
 * signature and witnesses, then each entry on its own: its disclosed members recomputed into its
 * payloadHash (docs/ledger-format.md §7), its envelope hashed, and that hash proven in the checkpoint's
 * tree. What it returns as checked is only what passed all of that. No DOM here, so a test can run it.
 */

/** An entry whose inclusion in the signed checkpoint was proven; `values` are its disclosed members, null when it discloses none (v1, erased). */
export interface CheckedEntry {
  v: number;
  seq: number;
  type: string;
  batchId: string | null;
  actor: string;
  recordedAt: string;
  values: Record<string, unknown> | null;
}

export type PageProofVerdict =
  { verified: true; entries: CheckedEntry[]; treeSize: number; note?: { zh: string; en: string } } | { verified: false; zh: string; en: string };

const HEX64 = /^[0-9a-f]{64}$/;

export async function checkPageProof(proof: PageProof, subtle: Subtle): Promise<PageProofVerdict> {
  const fail = (zh: string, en: string): PageProofVerdict => ({ verified: false, zh, en });
  if (proof?.format !== PAGE_PROOF_FORMAT || !Array.isArray(proof.entries) || !Array.isArray(proof.nodes)) {
    return fail('证明的格式不对', 'the proof is not in a format this page knows');
  }
  if (proof.entries.length === 0) return fail('证明中没有记录', 'the proof holds no entries');
  if (!proof.nodes.every((node) => typeof node === 'string' && HEX64.test(node)))
    return fail('证明中的树节点格式不对', 'a tree node in the proof is malformed');
  for (let i = 0; i < proof.entries.length; i++) {
    const seq = proof.entries[i]?.seq;
    if (!Number.isSafeInteger(seq) || seq < 1 || (i > 0 && seq <= proof.entries[i - 1].seq)) return fail('记录的顺序不对', 'the entries are out of order');
  }
  // The checkpoint's signature and every entry's path at once: WebCrypto's work runs side by side. Each path is
  // folded to the size the note states, and its root compared only once the note's signature checked out.
  const checkpointCheck = checkCheckpoint(subtle, proof);
  const size = Number(proof.signedNote.split('\n')[1]);
  const nodes = proof.nodes.map(bytesOfHex);
  const sha256 = webSha256Hex(subtle);
  const folded = await Promise.all(
    proof.entries.map(async (entry): Promise<{ checked: CheckedEntry; root: Uint8Array | null } | { zh: string; en: string }> => {
      const seq = entry.seq;
      const opened = await payloadHashOf(sha256, entry);
      if ('problem' in opened) return { zh: `记录 ${seq} 的公开内容与其哈希不符（${opened.problem}）`, en: `entry ${seq}: ${opened.problem}` };
      if (!(seq <= size)) return { zh: `记录 ${seq} 不在检查点的树中`, en: `entry ${seq} is past the checkpoint's tree` };
      if (!Array.isArray(entry.path) || !entry.path.every((i) => Number.isSafeInteger(i) && i >= 0 && i < nodes.length)) {
        return { zh: `记录 ${seq} 的包含证明格式不对`, en: `entry ${seq}: its inclusion proof is malformed` };
      }
      const hash = await entryHashWith(sha256, { ...envelopeBut(entry), payloadHash: opened.payloadHash });
      const leaf = await webLeafHash(subtle, bytesOfHex(hash));
      const root = await rootFromInclusion(
        subtle,
        leaf,
        seq - 1,
        size,
        entry.path.map((i) => nodes[i]),
      );
      const { v, type, batchId, actor, recordedAt } = entry;
      return { checked: { v, seq, type, batchId, actor, recordedAt, values: opened.values }, root };
    }),
  );
  const checkpoint = await checkpointCheck;
  if (!checkpoint.ok) return fail(checkpoint.zh, checkpoint.en);
  const entries: CheckedEntry[] = [];
  for (const result of folded) {
    if (!('checked' in result)) return fail(result.zh, result.en);
    if (result.root === null || !equalBytes(result.root, checkpoint.root)) {
      const seq = result.checked.seq;
      return fail(`记录 ${seq} 不在已签名的账本中（其内容或证明被改动）`, `entry ${seq} is not in the signed ledger (its contents or its proof were changed)`);
    }
    entries.push(result.checked);
  }
  return checkpoint.signatureUnchecked
    ? { verified: true, entries, treeSize: checkpoint.size, note: checkpoint.signatureUnchecked }
    : { verified: true, entries, treeSize: checkpoint.size };
}

/** The entry's payloadHash: recomputed from its opened members (v2), or as given when it discloses nothing. */
async function payloadHashOf(
  sha256: ReturnType<typeof webSha256Hex>,
  entry: ProvenEntry,
): Promise<{ payloadHash: string; values: Record<string, unknown> | null } | { problem: string }> {
  if (entry.v !== 1 && entry.v !== 2) return { problem: `format version ${String(entry.v)} is not one this page knows` };
  if (entry.disclosed === undefined) {
    if (typeof entry.payloadHash !== 'string' || !HEX64.test(entry.payloadHash)) return { problem: 'its payloadHash is missing or malformed' };
    return { payloadHash: entry.payloadHash, values: null };
  }
  if (entry.v !== 2) return { problem: 'a v1 entry discloses no members' };
  const opened = await openedPayloadHash(sha256, { disclosed: entry.disclosed, hidden: entry.hidden ?? {} });
  if ('problem' in opened) return opened;
  return { payloadHash: opened.payloadHash, values: disclosedValues({ disclosed: entry.disclosed }) };
}
