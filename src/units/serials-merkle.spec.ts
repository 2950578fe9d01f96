import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { hashLeaf, verifyInclusion } from '../ledger/merkle-verify.js';
import { BLOCK_SIZE, blockHashesOf, blocksNeeded, serialLeafHashes, serialProof, serialsRoot, serialsTree } from './serials-merkle.js';
import { mintSerials, serialAt } from './unit-serials.js';

/** RFC 9162 §2.1.1 MTH, written straight from its definition, to check the fast build against. */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(mth(leaves.slice(0, k)))
    .update(mth(leaves.slice(k)))
    .digest();
}

/** A serial's leaf as a verifier holding the serial computes it: the ledger tree's own leaf hash. */
const serialLeafHash = (serial: string): Buffer => hashLeaf(Buffer.from(serial, 'latin1'));

function leavesOf(hashes: Buffer): Buffer[] {
  return Array.from({ length: hashes.length / 32 }, (_, i) => hashes.subarray(i * 32, i * 32 + 32));
}

describe('the serials Merkle tree', () => {
  it('hashes a leaf as SHA-256(0x00 ‖ serial), as the ledger tree hashes an entry', () => {
    const serials = Buffer.from('ABCDEFGHJKLMNPQR', 'latin1');
    expect(serialLeafHashes(serials, 1)).toEqual(hashLeaf(serials));
  });

  it.each([1, 2, 3, 7, 1024, 1025, 3000])('has the RFC 9162 root for %i serials', (count) => {
    const leaves = serialLeafHashes(mintSerials(count), count);
    expect(serialsTree(leaves).root).toEqual(mth(leavesOf(leaves)));
  });

  it('has the same root and block hashes when built a chunk of blocks at a time, as commissioning builds it', () => {
    const count = 5 * BLOCK_SIZE + 300;
    const leaves = serialLeafHashes(mintSerials(count), count);
    const whole = serialsTree(leaves);
    const chunk = 2 * BLOCK_SIZE * 32;
    const blocks: Buffer[] = [];
    let last: Buffer = Buffer.alloc(0);
    for (let from = 0; from < leaves.length; from += chunk) {
      const part = leaves.subarray(from, from + chunk);
      const full = blockHashesOf(part);
      blocks.push(full);
      last = part.subarray((full.length / 32) * BLOCK_SIZE * 32);
    }
    expect(Buffer.concat(blocks)).toEqual(whole.blockHashes);
    expect(whole.blockHashes.length).toBe(5 * 32);
    expect(serialsRoot(count, Buffer.concat(blocks), last)).toEqual(mth(leavesOf(leaves)));
  });

  it.each([
    [1, 0],
    [5, 4],
    [2500, 0],
    [2500, 1500],
    [2500, 2499],
    [4096, 3000],
    [5000, 4097],
  ])('proves serial %#: leaf %i of %i is under the root, from its block, the last block and the block hashes', (count, index) => {
    const serials = mintSerials(count);
    const leaves = serialLeafHashes(serials, count);
    const { root, blockHashes } = serialsTree(leaves);
    const blockLeaves = new Map(
      blocksNeeded(index, count).map((b) => [b, leaves.subarray(b * BLOCK_SIZE * 32, Math.min(count, (b + 1) * BLOCK_SIZE) * 32)] as const),
    );
    const proof = serialProof(index, { count, blockHashes, blockLeaves });
    expect(verifyInclusion(serialLeafHash(serialAt(serials, index)), index, count, proof, root)).toBe(true);
    // Another serial, or the right one at another place, is not proved.
    expect(verifyInclusion(serialLeafHash('ZZZZZZZZZZZZZZZZ'), index, count, proof, root)).toBe(false);
    if (count > 1) expect(verifyInclusion(serialLeafHash(serialAt(serials, index)), (index + 1) % count, count, proof, root)).toBe(false);
  });
});
