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

/**
 * The hashes of the full blocks of BLOCK_SIZE leaves among `leaves` (count × 32 bytes, a whole number of
 * blocks but for a partial last one, which is left out), end to end: built level by level in one buffer.
 */
export function blockHashesOf(leaves: Buffer): Buffer {
  const blocks = Math.floor(leaves.length / (BLOCK_SIZE * HASH));
  let level = Buffer.from(leaves.subarray(0, blocks * BLOCK_SIZE * HASH));
  const input = Buffer.alloc(1 + 2 * HASH);
  input[0] = 1;
  for (let width = BLOCK_SIZE; width > 1; width /= 2) {
    const pairs = level.length / (2 * HASH);
    for (let i = 0; i < pairs; i++) {
      level.copy(input, 1, 2 * i * HASH, (2 * i + 2) * HASH);
      // Written over the level's own first half: pair i is read before node i is written (i ≤ 2i).
      level.write(hash('sha256', input, 'binary'), i * HASH, 'latin1');
    }
    level = level.subarray(0, pairs * HASH);
  }
  return Buffer.from(level);
}

/**
 * The root of `count` leaves from the hashes of their full blocks and the leaves of the partial last block
 * (empty when there is none): what commissioning keeps as it goes, a chunk of blocks at a time, rather
 * than every leaf until the end.
 */
export function serialsRoot(count: number, blockHashes: Buffer, lastLeaves: Buffer): Buffer {
  const lastBlock = Math.floor((count - 1) / BLOCK_SIZE);
  const blockLeaves = new Map<number, Buffer>();
  if (lastLeaves.length > 0) blockLeaves.set(lastBlock, lastLeaves);
  return rootAt(count, nodeReader({ count, blockHashes, blockLeaves }));
}

/** The root over the leaves, and the hashes of the full blocks of BLOCK_SIZE leaves, end to end. */
export function serialsTree(leaves: Buffer): { root: Buffer; blockHashes: Buffer } {
  const count = leaves.length / HASH;
  const blockHashes = blockHashesOf(leaves);
  return { root: serialsRoot(count, blockHashes, leaves.subarray((blockHashes.length / HASH) * BLOCK_SIZE * HASH)), blockHashes };
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
  return inclusionProof(index, m.count, nodeReader(m));
}

/** Nodes at or above a block from the block hashes, nodes below it from the block's leaves. */
function nodeReader(m: ProofMaterial): NodeReader {
  return (level, at) => {
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
}

/** The leaves of serials of any length (given ones): the ledger tree's own leaf hash of each, end to end. */
export function leafHashesOf(serials: readonly string[]): Buffer {
  return Buffer.concat(serials.map((serial) => hashLeaf(Buffer.from(serial, 'latin1'))));
}
