/**
 * The shape of RFC 9162 §2.1.3.2 and §2.1.4.2 proof verification: which side each proof hash goes on
 * depends only on the sizes and indices, never on the hashes. Computed here, with no imports, so
 * Node's verifier (merkle-verify.ts, synchronous node:crypto) and the consumer page's (WebCrypto,
 * asynchronous) fold the same path.
 */

/** LEDGER-SPEC §3: a leaf is SHA-256(0x00 || data), a node SHA-256(0x01 || left || right). */
export const LEAF_PREFIX = 0x00;
export const NODE_PREFIX = 0x01;

// fn and sn may exceed 2^32, so no bitwise operators: LSB and right shift on safe integers.
const lsb = (x: number): boolean => x % 2 === 1;
const shr = (x: number): number => Math.floor(x / 2);

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * For an inclusion proof of `proofLength` hashes for leaf `leafIndex` in a tree of `treeSize`:
 * for each proof hash, whether it is the left child (r = node(p, r)) or the right (r = node(r, p)).
 * Null when no proof of that length can hold.
 */
export function inclusionPath(leafIndex: number, treeSize: number, proofLength: number): boolean[] | null {
  if (!isSize(leafIndex) || !isSize(treeSize) || !isSize(proofLength)) return null;
  // 1. leaf_index >= tree_size fails.
  if (leafIndex >= treeSize) return null;
  // 2.–3.
  let fn = leafIndex;
  let sn = treeSize - 1;
  const proofIsLeft: boolean[] = [];
  // 4.
  for (let k = 0; k < proofLength; k++) {
    // a.
    if (sn === 0) return null;
    // b.
    if (lsb(fn) || fn === sn) {
      proofIsLeft.push(true);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      proofIsLeft.push(false);
    }
    // c.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. (the root comparison is the caller's)
  return sn === 0 ? proofIsLeft : null;
}

/**
 * For a consistency proof of `proofLength` hashes from `size1` to `size2` (1 ≤ size1 < size2):
 * whether the path starts with the old root (size1 a power of two), and for each path hash after
 * the first, whether it is the left child of both running roots (fr = node(c, fr), sr = node(c, sr))
 * or the right child of the new one only (sr = node(sr, c)). Null when no such proof can hold.
 */
export function consistencyPath(size1: number, size2: number, proofLength: number): { startsWithOldRoot: boolean; isLeft: boolean[] } | null {
  if (!isSize(size1) || !isSize(size2) || !isSize(proofLength)) return null;
  if (size1 === 0 || size1 >= size2) return null;
  // 1. An empty path fails.
  if (proofLength === 0) return null;
  // 2. If first is an exact power of 2, prepend first_hash.
  const startsWithOldRoot = isPowerOfTwo(size1);
  const pathLength = proofLength + (startsWithOldRoot ? 1 : 0);
  // 3.
  let fn = size1 - 1;
  let sn = size2 - 1;
  // 4.
  while (lsb(fn)) {
    fn = shr(fn);
    sn = shr(sn);
  }
  // 5. fr = sr = path[0]; 6.
  const isLeft: boolean[] = [];
  for (let k = 1; k < pathLength; k++) {
    // a.
    if (sn === 0) return null;
    // b.
    if (lsb(fn) || fn === sn) {
      isLeft.push(true);
      if (!lsb(fn)) {
        while (!lsb(fn) && fn !== 0) {
          fn = shr(fn);
          sn = shr(sn);
        }
      }
    } else {
      isLeft.push(false);
    }
    // c.
    fn = shr(fn);
    sn = shr(sn);
  }
  // 7. (the root comparisons are the caller's)
  return sn === 0 ? { startsWithOldRoot, isLeft } : null;
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
