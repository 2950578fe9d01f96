import { hash } from 'node:crypto';
import { hashLeaf } from '../ledger/merkle-verify.js';
import { inclusionProof, type NodeReader, perfectHash, rootAt } from '../ledger/merkle.js';
import { SERIAL_LENGTH } from './unit-serials.js';

/**
 * The Merkle tree a commissioning's ledger entry commits to: RFC 9162 §2.1 over the serials in the
 * order they were minted (the order of the CSV), leaf i = SHA-256(0x00 ‖ serial i as ASCII), built
 * with the ledger's own tree code (src/ledger/merkle.ts). A unit's proof needs the 1,024 leaves of its
 * block, those of the last (partial) block, and the hashes of the full blocks, which the service keeps
 * (32 bytes a block: 31 KB for a million units). Pure.
 */
export const BLOCK_LEVEL = 10;
export const BLOCK_SIZE = 2 ** BLOCK_LEVEL;
const HASH = 32;

/** SHA-256(0x00 ‖ serial) of each serial of a mintSerials buffer, end to end (count × 32 bytes). */
export function serialLeafHashes(serials: Buffer, count: number): Buffer {
  const input = Buffer.alloc(1 + SERIAL_LENGTH);
  const out = Buffer.alloc(count * HASH);
  for (let i = 0; i < count; i++) {
    serials.copy(input, 1, i * SERIAL_LENGTH, (i + 1) * SERIAL_LENGTH);
    out.write(hash('sha256', input, 'binary'), i * HASH, 'latin1');
  }
  return out;
}

/** The perfect subtrees of each level, level 0 being the leaves: what merkle.ts's NodeReader reads. */
function perfectLevels(leaves: Buffer): Buffer[] {
  const levels = [leaves];
  const input = Buffer.alloc(1 + 2 * HASH);
  input[0] = 1;
  for (let below = leaves; below.length >= 2 * HASH;) {
    const pairs = Math.floor(below.length / (2 * HASH));
    const level = Buffer.alloc(pairs * HASH);
    for (let i = 0; i < pairs; i++) {
      below.copy(input, 1, 2 * i * HASH, (2 * i + 2) * HASH);
      level.write(hash('sha256', input, 'binary'), i * HASH, 'latin1');
    }
    levels.push(level);
    below = level;
  }
  return levels;
}

function readerOf(levels: Buffer[]): NodeReader {
  return (level, index) => levels[level].subarray(index * HASH, (index + 1) * HASH);
}

/** The root over the leaves, and the hashes of the full blocks of BLOCK_SIZE leaves, end to end. */
export function serialsTree(leaves: Buffer): { root: Buffer; blockHashes: Buffer } {
  const count = leaves.length / HASH;
  const levels = perfectLevels(leaves);
  return { root: rootAt(count, readerOf(levels)), blockHashes: Buffer.from(levels[BLOCK_LEVEL] ?? Buffer.alloc(0)) };
}

/** What a unit's proof is made from: the commissioning's count and block hashes, and the leaves of the blocks it reads. */
export interface ProofMaterial {
  count: number;
  blockHashes: Buffer;
  /** Leaves by block number: the unit's block and the last block at least. */
  blockLeaves: Map<number, Buffer>;
}

/** The blocks whose leaves serialProof needs for leaf `index`: its own and the last (partial) one. */
export function blocksNeeded(index: number, count: number): number[] {
  return [...new Set([Math.floor(index / BLOCK_SIZE), Math.floor((count - 1) / BLOCK_SIZE)])];
}

/** The RFC 9162 inclusion proof of leaf `index` under the commissioning's root, bottom-up. */
export function serialProof(index: number, m: ProofMaterial): Buffer[] {
  const read: NodeReader = (level, at) => {
    const first = at * 2 ** level;
    if (level >= BLOCK_LEVEL) {
      const blocks = 2 ** (level - BLOCK_LEVEL);
      const start = first / BLOCK_SIZE;
      return perfectHash(Array.from({ length: blocks }, (_, b) => m.blockHashes.subarray((start + b) * HASH, (start + b + 1) * HASH)));
    }
    const block = Math.floor(first / BLOCK_SIZE);
    const leaves = m.blockLeaves.get(block);
    if (!leaves) throw new Error(`block ${block} of the serials was not read`);
    const offset = first - block * BLOCK_SIZE;
    return perfectHash(Array.from({ length: 2 ** level }, (_, i) => leaves.subarray((offset + i) * HASH, (offset + i + 1) * HASH)));
  };
  return inclusionProof(index, m.count, read);
}

/** The leaves of serials of any length (given ones): the ledger tree's own leaf hash of each, end to end. */
export function leafHashesOf(serials: readonly string[]): Buffer {
  return Buffer.concat(serials.map((serial) => hashLeaf(Buffer.from(serial, 'latin1'))));
}
