import { readFixtureJson } from '../../test/support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import {
  consistencyProof,
  EMPTY_ROOT,
  inclusionProof,
  leafHash,
  MerkleAppender,
  NodeReader,
  nodesNeeded,
  perfectHash,
  rootAt,
  STORED_LEVEL,
} from './merkle.js';

const rfc = readFixtureJson('vectors/rfc6962.json');
const v1 = readFixtureJson('vectors/ledger-v1.json');
const hex = (b: Buffer[]) => b.map((x) => x.toString('hex'));

/** Perfect nodes straight from the leaves: the simplest possible node store. */
function readerOver(leaves: Buffer[]): NodeReader {
  return (level, index) => perfectHash(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level));
}

describe('Merkle prover against RFC 6962 vectors', () => {
  const leaves = rfc.leaves.map((l: string) => leafHash(Buffer.from(l, 'hex')));
  // RFC 6962's leaves are arbitrary bytes; leafHash here takes an entry hash, but the function is the same SHA-256(0x00 || data).
  const read = readerOver(leaves);

  it('hashes leaves and gives every root by size', () => {
    expect(hex(leaves)).toEqual(rfc.leafHashes);
    expect(rootAt(0, read).toString('hex')).toBe(rfc.emptyRoot);
    for (const [size, root] of Object.entries(rfc.rootsBySize)) expect(rootAt(Number(size), read).toString('hex')).toBe(root);
  });

  it('gives the RFC inclusion proofs', () => {
    for (const p of rfc.inclusionProofs) expect(hex(inclusionProof(p.leafIndex, p.treeSize, read))).toEqual(p.proof);
  });

  it('gives the RFC consistency proofs', () => {
    for (const p of rfc.consistencyProofs) expect(hex(consistencyProof(p.fromSize, p.toSize, read))).toEqual(p.proof);
  });
});

describe('Merkle prover against ledger-v1.json', () => {
  const leaves = v1.entries.map((e: { hash: string }) => leafHash(Buffer.from(e.hash, 'hex')));
  const read = readerOver(leaves);

  it('gives the vector root and proofs', () => {
    expect(hex(leaves)).toEqual(v1.merkle.leafHashes);
    expect(rootAt(3, read).toString('hex')).toBe(v1.merkle.root);
    for (const p of v1.merkle.inclusionProofs) expect(hex(inclusionProof(p.leafIndex, p.treeSize, read))).toEqual(p.proof);
    for (const p of v1.merkle.consistencyProofs) expect(hex(consistencyProof(p.fromSize, p.toSize, read))).toEqual(p.proof);
  });
});

describe('nodesNeeded', () => {
  it('reads O(log n) nodes for a proof in a large tree', () => {
    const keys = nodesNeeded((read) => inclusionProof(123_456, 1_000_000, read));
    expect(keys.length).toBeLessThanOrEqual(2 * 20);
    const consistency = nodesNeeded((read) => consistencyProof(333_333, 1_000_000, read));
    expect(consistency.length).toBeLessThanOrEqual(2 * 20);
  });
});

describe('MerkleAppender', () => {
  it('stores exactly the perfect nodes of level ≥ 4, each equal to the hash of its leaves', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => leafHash(Buffer.from([i & 255, i >> 8])));
    const appender = MerkleAppender.fromEdge(0, [], []);
    const stored = leaves.flatMap((leaf) => appender.append(leaf));
    const expected: string[] = [];
    for (let level = STORED_LEVEL; 2 ** level <= 300; level++) {
      for (let index = 0; (index + 1) * 2 ** level <= 300; index++) expected.push(`${level}:${index}`);
    }
    expect(stored.map((n) => `${n.level}:${n.index}`).sort()).toEqual(expected.sort());
    for (const n of stored) expect(n.hash).toEqual(perfectHash(leaves.slice(n.index * 2 ** n.level, (n.index + 1) * 2 ** n.level)));
  });

  it('carries on from a right edge loaded for any size as if it had never stopped', () => {
    const leaves = Array.from({ length: 200 }, (_, i) => leafHash(Buffer.from([i])));
    const read = readerOver(leaves);
    for (const size of [0, 1, 15, 16, 17, 47, 64, 100, 127, 128, 199]) {
      const edge = MerkleAppender.edgeOf(size);
      const appender = MerkleAppender.fromEdge(
        size,
        leaves.slice(edge.leafRange[0], edge.leafRange[1]),
        edge.nodes.map((k) => ({ ...k, hash: read(k.level, k.index) })),
      );
      const next = leaves.slice(size).flatMap((leaf) => appender.append(leaf));
      for (const n of next) expect(n.hash).toEqual(read(n.level, n.index));
    }
  });

  it('has the empty root for an empty tree', () => {
    expect(rootAt(0, () => Buffer.alloc(32)).toString('hex')).toBe(EMPTY_ROOT.toString('hex'));
  });
});
