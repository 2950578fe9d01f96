import { createHash, hash } from 'node:crypto';

/**
 * The prover side of the RFC 9162 §2.1 Merkle tree over the ledger (LEDGER-SPEC §3): leaf i is the
 * 32-byte hash of entry seq i + 1. Everything here is computed from perfect subtrees ("nodes"):
 * node (level, index) covers leaves [index·2^level, (index+1)·2^level). Proofs and roots for any tree
 * size need O(log n) such nodes; `nodesNeeded` says which, so they can be read in one query.
 */
export interface NodeKey {
  level: number;
  index: number;
}

export type NodeReader = (level: number, index: number) => Buffer;

export const EMPTY_ROOT = createHash('sha256').digest();

// One-shot crypto.hash: every append hashes a leaf and about one node, inside the writer's lock.
export function leafHash(entryHash: Buffer): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, entryHash]), 'buffer');
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH(D[0:size]). */
export function rootAt(size: number, read: NodeReader): Buffer {
  return size === 0 ? EMPTY_ROOT : rangeHash(0, size, read);
}

/** PATH(leafIndex, D[0:treeSize]) of RFC 9162 §2.1.3.1, as hashes. */
export function inclusionProof(leafIndex: number, treeSize: number, read: NodeReader): Buffer[] {
  const proof: Buffer[] = [];
  let start = 0;
  let size = treeSize;
  let m = leafIndex;
  // Walk down from the root; the siblings are collected top-down and returned bottom-up.
  while (size > 1) {
    const k = largestPowerOfTwoBelow(size);
    if (m < k) {
      proof.push(rangeHash(start + k, size - k, read));
      size = k;
    } else {
      proof.push(rangeHash(start, k, read));
      start += k;
      size -= k;
      m -= k;
    }
  }
  return proof.reverse();
}

/** PROOF(fromSize, D[0:toSize]) = SUBPROOF(fromSize, D[0:toSize], true) of RFC 9162 §2.1.4.1. */
export function consistencyProof(fromSize: number, toSize: number, read: NodeReader): Buffer[] {
  const proof: Buffer[] = [];
  let start = 0;
  let size = toSize;
  let m = fromSize;
  let complete = true;
  while (m !== size) {
    const k = largestPowerOfTwoBelow(size);
    if (m <= k) {
      proof.push(rangeHash(start + k, size - k, read));
      size = k;
    } else {
      proof.push(rangeHash(start, k, read));
      start += k;
      size -= k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) proof.push(rangeHash(start, m, read));
  return proof.reverse();
}

/** The nodes `compute` reads, found by running it on placeholders: the algorithms read by shape, not by value. */
export function nodesNeeded(compute: (read: NodeReader) => unknown): NodeKey[] {
  const keys = new Map<string, NodeKey>();
  compute((level, index) => {
    keys.set(`${level}:${index}`, { level, index });
    return EMPTY_ROOT;
  });
  return [...keys.values()];
}

/** MTH(D[start:start+size]); `start` is always a multiple of the largest power of two ≤ size here. */
function rangeHash(start: number, size: number, read: NodeReader): Buffer {
  if (isPowerOfTwo(size)) return read(Math.log2(size), start / size);
  const k = largestPowerOfTwoBelow(size);
  return nodeHash(rangeHash(start, k, read), rangeHash(start + k, size - k, read));
}

/** The hash of a perfect subtree from its leaves (a power-of-two count). */
export function perfectHash(leaves: Buffer[]): Buffer {
  let level = leaves;
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    level = next;
  }
  return level[0];
}

export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/** Nodes below this level are not stored: they are recomputed from at most 2^STORED_LEVEL entry hashes. */
export const STORED_LEVEL = 4;
const BLOCK = 2 ** STORED_LEVEL;

export interface StoredNode extends NodeKey {
  hash: Buffer;
}

/**
 * Keeps the right edge of the tree while entries are appended and says which stored nodes each
 * append completes: the leaves of the unfinished block of 16, and one waiting left sibling per level.
 */
export class MerkleAppender {
  constructor(
    private size: number,
    private readonly pendingLeaves: Buffer[],
    private readonly waiting: Map<number, Buffer>,
  ) {}

  /** Which nodes describe the right edge of a tree of `size` leaves (to load them). */
  static edgeOf(size: number): { leafRange: [number, number]; nodes: NodeKey[] } {
    const nodes: NodeKey[] = [];
    for (let level = STORED_LEVEL; 2 ** level <= size; level++) {
      const count = Math.floor(size / 2 ** level);
      if (count % 2 === 1) nodes.push({ level, index: count - 1 });
    }
    return { leafRange: [size - (size % BLOCK), size], nodes };
  }

  /** From the leaves of the unfinished block and the waiting nodes that edgeOf(size) names. */
  static fromEdge(size: number, leaves: Buffer[], waiting: { level: number; hash: Buffer }[]): MerkleAppender {
    return new MerkleAppender(size, [...leaves], new Map(waiting.map((n) => [n.level, n.hash])));
  }

  clone(): MerkleAppender {
    return new MerkleAppender(this.size, [...this.pendingLeaves], new Map(this.waiting));
  }

  get treeSize(): number {
    return this.size;
  }

  /** Appends one leaf; returns the stored nodes it completes (none for 15 of every 16 leaves). */
  append(leaf: Buffer): StoredNode[] {
    this.pendingLeaves.push(leaf);
    this.size++;
    if (this.size % BLOCK !== 0) return [];
    const completed: StoredNode[] = [];
    let node: StoredNode = { level: STORED_LEVEL, index: this.size / BLOCK - 1, hash: perfectHash(this.pendingLeaves) };
    this.pendingLeaves.length = 0;
    for (;;) {
      completed.push(node);
      if (node.index % 2 === 0) {
        this.waiting.set(node.level, node.hash);
        return completed;
      }
      const left = this.waiting.get(node.level)!;
      this.waiting.delete(node.level);
      node = { level: node.level + 1, index: (node.index - 1) / 2, hash: nodeHash(left, node.hash) };
    }
  }
}
