import { createHash, hash as oneShotHash } from 'node:crypto';
import { consistencyPath, inclusionPath, LEAF_PREFIX, NODE_PREFIX } from './merkle-path.js';

/**
 * The verifier side of the ledger's Merkle tree (LEDGER-SPEC §3), written from RFC 9162 §2.1:
 * leaf and node hashing, inclusion proof verification (§2.1.3.2), consistency proof
 * verification (§2.1.4.2), and an incremental root over appended leaves.
 *
 * Pure: node:crypto only; the proofs' shapes come from merkle-path.ts, which the browser shares.
 * The verify functions return false, and never throw, for any input that is malformed (wrong
 * types, sizes out of range, hashes that are not 32 bytes).
 */

const HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** MTH({d}) = SHA-256(0x00 || d). */
export function hashLeaf(data: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([LEAF_PREFIX]))
    .update(data)
    .digest();
}

/** 0x01 || left || right, reused: a verifier hashes about one pair per entry, millions of times. */
const childrenInput = Buffer.alloc(65);
childrenInput[0] = NODE_PREFIX;

/** SHA-256(0x01 || left || right), one-shot (crypto.hash is cheaper than a Hash object on 65 bytes). */
export function hashChildren(left: Buffer, right: Buffer): Buffer {
  if (left.length !== 32 || right.length !== 32) {
    return createHash('sha256')
      .update(Buffer.from([NODE_PREFIX]))
      .update(left)
      .update(right)
      .digest();
  }
  left.copy(childrenInput, 1);
  right.copy(childrenInput, 33);
  // latin1 and back is cheaper than node:crypto's own Buffer answer (measured: 0.47 against 0.71 µs)
  return Buffer.from(oneShotHash('sha256', childrenInput, 'binary'), 'latin1');
}

function isHash(value: unknown): value is Buffer {
  return Buffer.isBuffer(value) && value.length === HASH_SIZE;
}

function isHashArray(value: unknown): value is Buffer[] {
  return Array.isArray(value) && value.every(isHash);
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * RFC 9162 §2.1.3.2: does `proof` prove that the leaf with hash `leafHash` is at `leafIndex`
 * in the tree of `treeSize` leaves whose root is `root`?
 *
 * Note: the tree size is only checked through the shape of the path, so the size must come from
 * the same signed checkpoint as the root (some other sizes give the same path shape).
 */
export function verifyInclusion(leafHash: Buffer, leafIndex: number, treeSize: number, proof: Buffer[], root: Buffer): boolean {
  if (!isHash(leafHash) || !isHash(root) || !isHashArray(proof)) return false;
  if (!isSize(leafIndex) || !isSize(treeSize)) return false;
  const proofIsLeft = inclusionPath(leafIndex, treeSize, proof.length);
  if (proofIsLeft === null) return false;
  let r = leafHash;
  for (let k = 0; k < proof.length; k++) r = proofIsLeft[k] ? hashChildren(proof[k], r) : hashChildren(r, proof[k]);
  return r.equals(root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` prove that the tree of `size2` leaves with root `root2` extends
 * the tree of `size1` leaves with root `root1`? `size1 == size2` holds with an empty proof and equal
 * roots; `size1 == 0` is refused (there is nothing to prove), as is `size1 > size2`.
 */
export function verifyConsistency(size1: number, size2: number, proof: Buffer[], root1: Buffer, root2: Buffer): boolean {
  if (!isHash(root1) || !isHash(root2) || !isHashArray(proof)) return false;
  if (!isSize(size1) || !isSize(size2)) return false;
  if (size1 === 0 || size1 > size2) return false;
  if (size1 === size2) return proof.length === 0 && root1.equals(root2);
  const shape = consistencyPath(size1, size2, proof.length);
  if (shape === null) return false;
  const path = shape.startsWithOldRoot ? [root1, ...proof] : proof;
  let fr = path[0];
  let sr = path[0];
  for (let k = 1; k < path.length; k++) {
    if (shape.isLeft[k - 1]) {
      fr = hashChildren(path[k], fr);
      sr = hashChildren(path[k], sr);
    } else {
      sr = hashChildren(sr, path[k]);
    }
  }
  return fr.equals(root1) && sr.equals(root2);
}

/**
 * The RFC 9162 root (MTH) of the leaf hashes pushed so far, kept in O(log n) memory: a stack of the
 * roots of the perfect subtrees that the leaves decompose into, largest (leftmost) first, one per
 * set bit of `size`. `root()` folds them right to left, which is MTH's split at the largest power
 * of two below n, applied recursively.
 */
export class MerkleRootBuilder {
  private readonly stack: Buffer[] = [];
  private count = 0;

  push(leafHash: Buffer): void {
    if (!isHash(leafHash)) throw new Error('a leaf hash is 32 bytes');
    this.pushSubtree(leafHash, 0);
  }

  /**
   * Pushes the root of a perfect subtree of 2^height leaves, the same as pushing its leaves one by
   * one: the tree's size must be a multiple of 2^height (see compactRange), as its leaves' place.
   */
  pushSubtree(root: Buffer, height: number): void {
    const leaves = 2 ** height;
    if (!isHash(root)) throw new Error('a subtree root is 32 bytes');
    if (this.count % leaves !== 0) throw new Error(`a subtree of ${leaves} leaves cannot start at ${this.count}`);
    if (this.count + leaves > Number.MAX_SAFE_INTEGER) throw new Error('tree size out of range');
    this.stack.push(root);
    this.count += leaves;
    // Each trailing zero bit of the new size (in units of the subtree) is a pair of equal perfect subtrees to merge.
    for (let s = this.count / leaves; s % 2 === 0; s /= 2) {
      const right = this.stack.pop() as Buffer;
      const left = this.stack.pop() as Buffer;
      this.stack.push(hashChildren(left, right));
    }
  }

  get size(): number {
    return this.count;
  }

  root(): Buffer {
    if (this.stack.length === 0) return Buffer.from(EMPTY_ROOT);
    let r = this.stack[this.stack.length - 1];
    for (let i = this.stack.length - 2; i >= 0; i--) r = hashChildren(this.stack[i], r);
    return Buffer.from(r);
  }
}

/**
 * The leaves [from, to) as the perfect subtrees an RFC 9162 tree holds them in, left to right: each
 * starts at a multiple of its size, so pushing their roots in order (MerkleRootBuilder.pushSubtree)
 * after the first `from` leaves gives the same tree as pushing the leaves.
 */
export function compactRange(from: number, to: number): { start: number; height: number }[] {
  const range: { start: number; height: number }[] = [];
  let at = from;
  while (at < to) {
    let height = 0;
    while (at % 2 ** (height + 1) === 0 && at + 2 ** (height + 1) <= to) height++;
    range.push({ start: at, height });
    at += 2 ** height;
  }
  return range;
}

/**
 * MTH of 2^height consecutive leaf hashes, packed 32 bytes each in `leaves` from leaf `first`: the
 * root of a perfect subtree, computed level by level in a copy.
 */
export function perfectSubtreeRoot(leaves: Uint8Array, first: number, height: number): Buffer {
  // A copy (a Buffer's slice would be a view, and the leaves would be overwritten).
  const level = new Uint8Array(leaves.subarray(32 * first, 32 * (first + 2 ** height)));
  const input = new Uint8Array(65);
  input[0] = NODE_PREFIX;
  for (let width = 2 ** height; width > 1; width /= 2) {
    for (let pair = 0; pair < width / 2; pair++) {
      for (let k = 0; k < 64; k++) input[1 + k] = level[64 * pair + k];
      const node = oneShotHash('sha256', input, 'binary');
      for (let k = 0; k < 32; k++) level[32 * pair + k] = node.charCodeAt(k);
    }
  }
  return Buffer.from(level.buffer, level.byteOffset, 32);
}
