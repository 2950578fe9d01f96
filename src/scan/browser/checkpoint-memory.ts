import { consistencyPath } from '../../ledger/merkle-path.js';
import { bytesOfBase64, bytesOfHex, type Digest, equalBytes, webNodeHash } from './bytes.js';

/**
 * The phone's memory of the ledger: the last checkpoint it verified (tree size and root), kept in
 * localStorage under the ledger's origin and verifier key. On the next scan the page asks the service
 * for the RFC 9162 consistency proof from that size to the checkpoint it serves now and checks it here;
 * a ledger that shrank, or whose history differs (a fork or a rewrite), is a failure. The memory moves
 * forward only after a check that passed in full (the caller's part). No DOM here, so a test can run it.
 */

/** The part of WebCrypto this uses. */

/** The part of localStorage this uses. */
export interface CheckpointStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** A checkpoint as remembered and as served: its tree size and root hash (standard base64, as in the note). */
export interface TreeHead {
  size: number;
  root: string;
}

export interface ConsistencyAnswer {
  fromSize: number;
  toSize: number;
  hashes: string[];
}

/** first: nothing remembered yet; same: the same tree; grown: a verified consistency proof from `from`. */
export type HistoryVerdict =
  { ok: true; history: 'first' | 'same' | 'grown'; from: number | null; to: number } | { ok: false; unchecked?: true; zh: string; en: string };

export const MEMORY_PREFIX = 'suyuan.checkpoint ';

/** Where a ledger's checkpoint is kept: one slot per origin and key, so another key never reuses it. */
export function memoryKey(origin: string, verifierKey: string): string {
  return `${MEMORY_PREFIX}${origin} ${verifierKey}`;
}

/** The tree head of a checkpoint note's body (the caller has verified its signature). */
export function treeHeadOfNote(signedNote: string): TreeHead {
  const lines = signedNote.split('\n');
  return { size: Number(lines[1]), root: lines[2] };
}

/** The remembered tree head; null when there is none or what is stored is not one (then it is overwritten after a pass). */
export function recall(store: CheckpointStore, key: string): TreeHead | null {
  let value: unknown;
  try {
    value = JSON.parse(store.getItem(key) ?? 'null');
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { size, root } = value as Record<string, unknown>;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || typeof root !== 'string' || !isRoot(root)) return null;
  return { size, root };
}

export function remember(store: CheckpointStore, key: string, head: TreeHead): void {
  store.setItem(key, JSON.stringify({ size: head.size, root: head.root }));
}

/**
 * Whether the served tree extends the remembered one: equal roots at equal sizes, or a consistency
 * proof (fetched with `fetchProof`) that verifies between the two.
 */
export async function checkHistory(
  subtle: Digest,
  remembered: TreeHead | null,
  served: TreeHead,
  fetchProof: (from: number, to: number) => Promise<ConsistencyAnswer>,
): Promise<HistoryVerdict> {
  if (!remembered) return { ok: true, history: 'first', from: null, to: served.size };
  const from = remembered.size;
  const to = served.size;
  if (to < from) {
    return {
      ok: false,
      zh: `账本现有 ${to} 条记录，少于本机上次校验时的 ${from} 条：其历史被截短了`,
      en: `the ledger now has ${to} entries, fewer than the ${from} this phone verified before: its history was cut`,
    };
  }
  const forked: HistoryVerdict = {
    ok: false,
    zh: `账本的历史与本机上次校验的（${from} 条记录时）不一致`,
    en: `the ledger\u2019s history differs from the one this phone verified before at ${from} entries`,
  };
  if (to === from) return remembered.root === served.root ? { ok: true, history: 'same', from, to } : forked;
  let answer: ConsistencyAnswer;
  try {
    answer = await fetchProof(from, to);
  } catch (err) {
    const reason = (err as Error).message;
    return {
      ok: false,
      unchecked: true,
      zh: `无法获取账本自本机上次校验以来只增不改的证明（${reason}）`,
      en: `the proof that the ledger only grew since this phone\u2019s last check could not be fetched (${reason})`,
    };
  }
  const wellFormed =
    answer && answer.fromSize === from && answer.toSize === to && Array.isArray(answer.hashes) && answer.hashes.length <= 128 && answer.hashes.every(isHexHash);
  if (!wellFormed) return forked;
  const ok = await verifyConsistency(subtle, from, to, answer.hashes.map(bytesOfHex), bytesOfBase64(remembered.root), bytesOfBase64(served.root));
  return ok ? { ok: true, history: 'grown', from, to } : forked;
}

/**
 * RFC 9162 §2.1.4.2 with WebCrypto: does `proof` show that the tree of `size2` leaves with `root2`
 * extends the one of `size1` with `root1`? The proof's shape is merkle-path.ts's, as the service's
 * verifier (src/ledger/merkle-verify.ts) folds it.
 */
export async function verifyConsistency(
  subtle: Digest,
  size1: number,
  size2: number,
  proof: Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<boolean> {
  if (root1.length !== 32 || root2.length !== 32 || proof.some((h) => h.length !== 32)) return false;
  if (size1 === size2) return proof.length === 0 && equalBytes(root1, root2);
  const shape = consistencyPath(size1, size2, proof.length);
  if (shape === null) return false;
  const node = webNodeHash(subtle);
  const path = shape.startsWithOldRoot ? [root1, ...proof] : proof;
  let fr = path[0];
  let sr = path[0];
  for (let k = 1; k < path.length; k++) {
    if (shape.isLeft[k - 1]) {
      fr = await node(path[k], fr);
      sr = await node(path[k], sr);
    } else {
      sr = await node(sr, path[k]);
    }
  }
  return equalBytes(fr, root1) && equalBytes(sr, root2);
}

function isHexHash(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

function isRoot(text: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(text);
}
