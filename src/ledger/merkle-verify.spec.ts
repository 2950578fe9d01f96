import { readFixtureJson } from '../../test/support/fixtures.js';
import { describe, expect, it } from '@jest/globals';
import {
  compactRange,
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  MerkleRootBuilder,
  perfectSubtreeRoot,
  verifyConsistency,
  verifyInclusion,
} from './merkle-verify.js';

const rfc = readFixtureJson('vectors/rfc6962.json');
const ledger = readFixtureJson('vectors/ledger-v1.json');

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const hexes = (a: string[]): Buffer[] => a.map(hex);

interface InclusionCase {
  name: string;
  leafHash: Buffer;
  leafIndex: number;
  treeSize: number;
  proof: Buffer[];
  root: Buffer;
}
interface ConsistencyCase {
  name: string;
  size1: number;
  size2: number;
  proof: Buffer[];
  root1: Buffer;
  root2: Buffer;
}

const rfcLeafHashes: Buffer[] = (rfc.leaves as string[]).map((d) => hashLeaf(hex(d)));
const rfcRoot = (size: number): Buffer => hex(rfc.rootsBySize[String(size)]);

const ledgerLeafHashes: Buffer[] = (ledger.entries as { hash: string }[]).map((e) => hashLeaf(hex(e.hash)));
const ledgerRoot = hex(ledger.merkle.root);

const inclusionCases: InclusionCase[] = [
  ...(rfc.inclusionProofs as { leafIndex: number; treeSize: number; proof: string[] }[]).map((p) => ({
    name: `rfc6962 leaf ${p.leafIndex} of ${p.treeSize}`,
    leafHash: rfcLeafHashes[p.leafIndex],
    leafIndex: p.leafIndex,
    treeSize: p.treeSize,
    proof: hexes(p.proof),
    root: rfcRoot(p.treeSize),
  })),
  ...(ledger.merkle.inclusionProofs as { leafIndex: number; treeSize: number; proof: string[] }[]).map((p) => ({
    name: `ledger-v1 leaf ${p.leafIndex} of ${p.treeSize}`,
    leafHash: ledgerLeafHashes[p.leafIndex],
    leafIndex: p.leafIndex,
    treeSize: p.treeSize,
    proof: hexes(p.proof),
    root: ledgerRoot,
  })),
];

const consistencyCases: ConsistencyCase[] = [
  ...(rfc.consistencyProofs as { fromSize: number; toSize: number; proof: string[] }[]).map((p) => ({
    name: `rfc6962 ${p.fromSize} -> ${p.toSize}`,
    size1: p.fromSize,
    size2: p.toSize,
    proof: hexes(p.proof),
    root1: rfcRoot(p.fromSize),
    root2: rfcRoot(p.toSize),
  })),
  ...(ledger.merkle.consistencyProofs as { fromSize: number; toSize: number; fromRoot: string; proof: string[] }[]).map((p) => ({
    name: `ledger-v1 ${p.fromSize} -> ${p.toSize}`,
    size1: p.fromSize,
    size2: p.toSize,
    proof: hexes(p.proof),
    root1: hex(p.fromRoot),
    root2: ledgerRoot,
  })),
];

const flipBit = (b: Buffer, bit = 0): Buffer => {
  const c = Buffer.from(b);
  c[bit >> 3] ^= 1 << (bit & 7);
  return c;
};

/** Every single-change alteration of an inclusion proof, none of which may verify. */
function inclusionAlterations(c: InclusionCase): [string, InclusionCase][] {
  const out: [string, InclusionCase][] = [];
  c.proof.forEach((_, i) => {
    for (const bit of [0, 7, 128, 255]) {
      out.push([`bit ${bit} of proof[${i}] flipped`, { ...c, proof: c.proof.map((p, j) => (j === i ? flipBit(p, bit) : p)) }]);
    }
    out.push([`proof[${i}] removed`, { ...c, proof: c.proof.filter((_, j) => j !== i) }]);
  });
  out.push(['leaf hash bit flipped', { ...c, leafHash: flipBit(c.leafHash) }]);
  out.push(['root bit flipped', { ...c, root: flipBit(c.root, 255) }]);
  out.push(['extra hash appended', { ...c, proof: [...c.proof, c.leafHash] }]);
  out.push(['extra hash prepended', { ...c, proof: [c.leafHash, ...c.proof] }]);
  for (let i = 0; i < c.treeSize; i++) if (i !== c.leafIndex) out.push([`leafIndex ${i}`, { ...c, leafIndex: i }]);
  out.push(['leafIndex = treeSize', { ...c, leafIndex: c.treeSize }]);
  out.push(['leafIndex -1', { ...c, leafIndex: -1 }]);
  // Tree sizes whose path for this index has another shape (see the "does not bind" test below).
  for (const n of [c.treeSize + 1, c.treeSize * 2, c.treeSize - 1, 1]) {
    if (n > c.leafIndex && n !== c.treeSize && pathShape(c.leafIndex, n) !== pathShape(c.leafIndex, c.treeSize)) {
      out.push([`treeSize ${n}`, { ...c, treeSize: n }]);
    }
  }
  out.push(['the root of another tree', { ...c, root: EMPTY_ROOT }]);
  out.push(['empty proof', { ...c, proof: [] }]);
  return out;
}

function consistencyAlterations(c: ConsistencyCase): [string, ConsistencyCase][] {
  const out: [string, ConsistencyCase][] = [];
  c.proof.forEach((_, i) => {
    for (const bit of [0, 7, 128, 255]) {
      out.push([`bit ${bit} of proof[${i}] flipped`, { ...c, proof: c.proof.map((p, j) => (j === i ? flipBit(p, bit) : p)) }]);
    }
    out.push([`proof[${i}] removed`, { ...c, proof: c.proof.filter((_, j) => j !== i) }]);
  });
  out.push(['root1 bit flipped', { ...c, root1: flipBit(c.root1) }]);
  out.push(['root2 bit flipped', { ...c, root2: flipBit(c.root2, 200) }]);
  if (!c.root1.equals(c.root2)) out.push(['roots swapped', { ...c, root1: c.root2, root2: c.root1 }]);
  out.push(['extra hash appended', { ...c, proof: [...c.proof, c.root1] }]);
  out.push(['extra hash prepended', { ...c, proof: [c.root1, ...c.proof] }]);
  out.push(['size1 0', { ...c, size1: 0 }]);
  out.push(['size1 > size2', { ...c, size1: c.size2 + 1, size2: c.size2 }]);
  for (const m of [c.size1 - 1, c.size1 + 1]) {
    if (m >= 1 && m <= c.size2 && m !== c.size1) out.push([`size1 ${m}`, { ...c, size1: m }]);
  }
  for (const n of [c.size2 + 1, c.size2 * 2]) {
    if (consistencyShape(c.size1, n) !== consistencyShape(c.size1, c.size2)) out.push([`size2 ${n}`, { ...c, size2: n }]);
  }
  return out;
}

// ---- A test-only reference from the RFC's definitions (RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1). ----

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  if (leaves.length === 1) return leaves[0];
  const k = largestPowerOfTwoBelow(leaves.length);
  return hashChildren(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function path(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return m < k ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}
function subproof(m: number, leaves: Buffer[], b: boolean): Buffer[] {
  const n = leaves.length;
  if (m === n) return b ? [] : [mth(leaves)];
  const k = largestPowerOfTwoBelow(n);
  return m <= k ? [...subproof(m, leaves.slice(0, k), b), mth(leaves.slice(k))] : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}
/** Which side each path hash goes on, leaf to root: the tree size binds only this much. */
function pathShape(m: number, n: number): string {
  if (n <= 1) return '';
  const k = largestPowerOfTwoBelow(n);
  return m < k ? pathShape(m, k) + 'R' : pathShape(m - k, n - k) + 'L';
}
function consistencyShape(m: number, n: number, b = true): string {
  if (m === n) return b ? '' : '.';
  const k = largestPowerOfTwoBelow(n);
  return m <= k ? consistencyShape(m, k, b) + 'R' : consistencyShape(m - k, n - k, false) + 'L';
}
const syntheticLeaves = (n: number): Buffer[] => Array.from({ length: n }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));

describe('Merkle hashing (RFC 9162 §2.1.1)', () => {
  it('hashes the empty tree, leaves and nodes with the RFC prefixes', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(rfc.emptyRoot);
    expect(rfcLeafHashes.map((h) => h.toString('hex'))).toEqual(rfc.leafHashes);
    expect(hashChildren(rfcLeafHashes[0], rfcLeafHashes[1])).toEqual(rfcRoot(2));
  });

  it('MerkleRootBuilder gives every rfc6962 rootsBySize, and EMPTY_ROOT with no leaves', () => {
    const builder = new MerkleRootBuilder();
    expect(builder.size).toBe(0);
    expect(builder.root()).toEqual(EMPTY_ROOT);
    const sizes = Object.keys(rfc.rootsBySize).map(Number);
    expect(sizes).toHaveLength(8);
    for (const leaf of rfcLeafHashes) {
      builder.push(leaf);
      expect(builder.root().toString('hex')).toBe(rfc.rootsBySize[String(builder.size)]);
    }
    expect(builder.size).toBe(8);
  });

  it('MerkleRootBuilder gives the ledger-v1 root from hashLeaf(raw entry hash), and the vector fromRoots on the way', () => {
    expect(ledgerLeafHashes.map((h) => h.toString('hex'))).toEqual(ledger.merkle.leafHashes);
    const builder = new MerkleRootBuilder();
    const fromRoots = new Map<number, string>(
      (ledger.merkle.consistencyProofs as { fromSize: number; fromRoot: string }[]).map((p) => [p.fromSize, p.fromRoot]),
    );
    for (const leaf of ledgerLeafHashes) {
      builder.push(leaf);
      if (fromRoots.has(builder.size)) expect(builder.root().toString('hex')).toBe(fromRoots.get(builder.size));
    }
    expect(builder.size).toBe(ledger.merkle.treeSize);
    expect(builder.root().toString('hex')).toBe(ledger.merkle.root);
  });

  it('MerkleRootBuilder agrees with the recursive MTH definition for every size up to 300, in O(log n) stack', () => {
    const leaves = syntheticLeaves(300);
    const builder = new MerkleRootBuilder();
    for (let n = 1; n <= leaves.length; n++) {
      builder.push(leaves[n - 1]);
      expect(builder.root()).toEqual(mth(leaves.slice(0, n)));
      // One perfect subtree per set bit of n.
      expect((builder as unknown as { stack: Buffer[] }).stack.length).toBe(n.toString(2).replace(/0/g, '').length);
    }
  });

  it('pushing the perfect subtrees of a compact range gives the tree of its leaves, whatever range and split', () => {
    const leaves = syntheticLeaves(300);
    const packed = Buffer.concat(leaves);
    for (const [from, to] of [
      [0, 300],
      [0, 256],
      [1, 2],
      [3, 300],
      [100, 227],
      [128, 256],
      [255, 257],
    ]) {
      const builder = new MerkleRootBuilder();
      for (let i = 0; i < from; i++) builder.push(leaves[i]);
      const range = compactRange(from, to);
      let covered = from;
      for (const { start, height } of range) {
        expect([start, start % 2 ** height]).toEqual([covered, 0]);
        covered += 2 ** height;
        builder.pushSubtree(perfectSubtreeRoot(packed, start, height), height);
      }
      expect(covered).toBe(to);
      expect([from, to, builder.size, builder.root()]).toEqual([from, to, to, mth(leaves.slice(0, to))]);
    }
  });

  it('MerkleRootBuilder refuses a subtree that does not start at a multiple of its size', () => {
    const builder = new MerkleRootBuilder();
    builder.push(rfcLeafHashes[0]);
    expect(() => builder.pushSubtree(rfcLeafHashes[1], 1)).toThrow(/cannot start at 1/);
  });

  it('MerkleRootBuilder refuses a leaf hash that is not 32 bytes, and root() hands out a copy', () => {
    const builder = new MerkleRootBuilder();
    expect(() => builder.push(Buffer.alloc(31))).toThrow(/32 bytes/);
    builder.push(rfcLeafHashes[0]);
    builder.root().fill(0);
    expect(builder.root()).toEqual(rfcRoot(1));
    expect(rfcLeafHashes[0].toString('hex')).toBe(rfc.leafHashes[0]);
  });
});

describe('verifyInclusion (RFC 9162 §2.1.3.2)', () => {
  it('covers all vector proofs', () => {
    expect(inclusionCases).toHaveLength(rfc.inclusionProofs.length + ledger.merkle.inclusionProofs.length);
    expect(inclusionCases.length).toBeGreaterThanOrEqual(7);
  });

  for (const c of inclusionCases) {
    describe(c.name, () => {
      it('verifies', () => {
        expect(verifyInclusion(c.leafHash, c.leafIndex, c.treeSize, c.proof, c.root)).toBe(true);
      });
      it('rejects every alteration', () => {
        const alterations = inclusionAlterations(c);
        const accepted = alterations.filter(([, a]) => verifyInclusion(a.leafHash, a.leafIndex, a.treeSize, a.proof, a.root)).map(([n]) => n);
        expect(accepted).toEqual([]);
        expect(alterations.length).toBeGreaterThan(5);
      });
    });
  }

  it('verifies every leaf of every tree up to 40 leaves from RFC PATH proofs, and rejects them at neighbouring indices', () => {
    const leaves = syntheticLeaves(40);
    for (let n = 1; n <= leaves.length; n++) {
      const tree = leaves.slice(0, n);
      const root = mth(tree);
      for (let m = 0; m < n; m++) {
        const proof = path(m, tree);
        expect(verifyInclusion(tree[m], m, n, proof, root)).toBe(true);
        if (m + 1 < n) expect(verifyInclusion(tree[m], m + 1, n, proof, root)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(tree[m], m, n, proof.slice(1), root)).toBe(false);
        expect(verifyInclusion(tree[m], m, n, [...proof, root], root)).toBe(false);
      }
    }
  });

  it('does not bind the tree size beyond the path shape: the size must come from the signed checkpoint', () => {
    // Leaf 0 of 8 and leaf 0 of 7 have the same path shape (three right siblings), so the size-8 proof
    // checks against the size-8 root whichever of the two sizes is claimed. RFC 9162 behaves so; the
    // verifier takes size and root together from one signed checkpoint.
    const c = inclusionCases[0];
    expect([c.leafIndex, c.treeSize]).toEqual([0, 8]);
    expect(pathShape(0, 7)).toBe(pathShape(0, 8));
    expect(verifyInclusion(c.leafHash, 0, 7, c.proof, c.root)).toBe(true);
  });

  it('returns false, never throws, for malformed input', () => {
    const c = inclusionCases[0];
    const bad: unknown[][] = [
      [Buffer.alloc(31), c.leafIndex, c.treeSize, c.proof, c.root],
      [c.leafHash, c.leafIndex, c.treeSize, c.proof, Buffer.alloc(33)],
      [c.leafHash, c.leafIndex, c.treeSize, [...c.proof.slice(0, 2), Buffer.alloc(31)], c.root],
      [c.leafHash, c.leafIndex, c.treeSize, [c.proof[0], 'ab', c.proof[2]], c.root],
      [c.leafHash, c.leafIndex, c.treeSize, null, c.root],
      [c.leafHash, c.leafIndex, c.treeSize, c.proof, null],
      [undefined, c.leafIndex, c.treeSize, c.proof, c.root],
      [c.leafHash, 0.5, c.treeSize, c.proof, c.root],
      [c.leafHash, Number.NaN, c.treeSize, c.proof, c.root],
      [c.leafHash, c.leafIndex, Number.POSITIVE_INFINITY, c.proof, c.root],
      [c.leafHash, c.leafIndex, 2 ** 53, c.proof, c.root],
      [c.leafHash, '0', c.treeSize, c.proof, c.root],
      [c.leafHash, 0, 0, [], EMPTY_ROOT],
      [c.leafHash, 8, 8, c.proof, c.root],
    ];
    for (const args of bad) {
      expect((verifyInclusion as (...a: unknown[]) => boolean)(...args)).toBe(false);
    }
  });

  it('works past 2^32 (no 32-bit bitwise arithmetic)', () => {
    // Leaf 2^32 + 1 of a tree of 2^32 + 2: the path is the sibling leaf, then the left 2^32 subtree.
    const leftSubtree = hashLeaf(Buffer.from('left'));
    const sibling = hashLeaf(Buffer.from('sibling'));
    const leaf = hashLeaf(Buffer.from('leaf'));
    const root = hashChildren(leftSubtree, hashChildren(sibling, leaf));
    expect(verifyInclusion(leaf, 2 ** 32 + 1, 2 ** 32 + 2, [sibling, leftSubtree], root)).toBe(true);
    expect(verifyInclusion(leaf, 1, 2, [sibling, leftSubtree], root)).toBe(false);
  });
});

describe('verifyConsistency (RFC 9162 §2.1.4.2)', () => {
  it('covers all vector proofs', () => {
    expect(consistencyCases).toHaveLength(rfc.consistencyProofs.length + ledger.merkle.consistencyProofs.length);
  });

  for (const c of consistencyCases) {
    describe(c.name, () => {
      it('verifies', () => {
        expect(verifyConsistency(c.size1, c.size2, c.proof, c.root1, c.root2)).toBe(true);
      });
      it('rejects every alteration', () => {
        const alterations = consistencyAlterations(c);
        const accepted = alterations.filter(([, a]) => verifyConsistency(a.size1, a.size2, a.proof, a.root1, a.root2)).map(([n]) => n);
        expect(accepted).toEqual([]);
        expect(alterations.length).toBeGreaterThanOrEqual(5);
      });
    });
  }

  it('size1 == size2 needs an empty proof and equal roots', () => {
    const r = rfcRoot(5);
    expect(verifyConsistency(5, 5, [], r, r)).toBe(true);
    expect(verifyConsistency(5, 5, [r], r, r)).toBe(false);
    expect(verifyConsistency(5, 5, [], r, rfcRoot(4))).toBe(false);
  });

  it('verifies every pair of sizes up to 40 leaves from RFC SUBPROOF proofs, and rejects altered ones', () => {
    const leaves = syntheticLeaves(40);
    const roots = [EMPTY_ROOT, ...leaves.map((_, i) => mth(leaves.slice(0, i + 1)))];
    for (let n = 1; n <= leaves.length; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = m === n ? [] : subproof(m, leaves.slice(0, n), true);
        expect(verifyConsistency(m, n, proof, roots[m], roots[n])).toBe(true);
        if (m < n) {
          expect(verifyConsistency(m, n, proof.slice(0, -1), roots[m], roots[n])).toBe(false);
          expect(verifyConsistency(m, n, [...proof, roots[m]], roots[m], roots[n])).toBe(false);
          expect(verifyConsistency(m, n, proof, roots[m], roots[n - 1])).toBe(false);
          expect(verifyConsistency(m, n, proof, m > 1 ? roots[m - 1] : roots[n], roots[n])).toBe(false);
          proof.forEach((_, i) => {
            expect(
              verifyConsistency(
                m,
                n,
                proof.map((p, j) => (i === j ? flipBit(p, 3) : p)),
                roots[m],
                roots[n],
              ),
            ).toBe(false);
          });
        }
      }
    }
  });

  it('returns false, never throws, for malformed input', () => {
    const c = consistencyCases.find((x) => x.size1 === 6 && x.size2 === 8) as ConsistencyCase;
    const bad: unknown[][] = [
      [0, 0, [], EMPTY_ROOT, EMPTY_ROOT],
      [0, c.size2, c.proof, EMPTY_ROOT, c.root2],
      [c.size1, c.size2, c.proof, Buffer.alloc(31), c.root2],
      [c.size1, c.size2, c.proof, c.root1, 'root'],
      [c.size1, c.size2, [c.proof[0], Buffer.alloc(0), c.proof[2]], c.root1, c.root2],
      [c.size1, c.size2, undefined, c.root1, c.root2],
      [c.size1, c.size2, [], c.root1, c.root2],
      [6.5, c.size2, c.proof, c.root1, c.root2],
      [c.size1, Number.NaN, c.proof, c.root1, c.root2],
      [-6, c.size2, c.proof, c.root1, c.root2],
      [c.size1, 2 ** 53 + 2, c.proof, c.root1, c.root2],
      [9, 8, c.proof, c.root1, c.root2],
    ];
    for (const args of bad) {
      expect((verifyConsistency as (...a: unknown[]) => boolean)(...args)).toBe(false);
    }
  });
});
