import type { ChainCursor } from './chain-cursor.js';
import type { MerkleAppender } from './merkle.js';

/** Batch heads kept between groups; past this, the least recently used are forgotten (and read again when needed). */
export const MAX_KNOWN_BATCHES = 100_000;

/**
 * What this process knows of the chain's end since it last wrote or read it: the head, the Merkle
 * tree's right edge there, and the latest entry hash of the batches it used (a bounded LRU). It is
 * right only while nobody else has written since, which the writer checks against the head row;
 * after any failure the writer forgets it all.
 */
export class KnownHead {
  private known: { seq: number; hash: string; tree: MerkleAppender; batchHeads: Map<string, string | null> } | null = null;

  constructor(private readonly maxBatches = MAX_KNOWN_BATCHES) {}

  /** The head as this process left it, or null when it knows none. */
  get head(): { seq: number; hash: string } | null {
    return this.known && { seq: this.known.seq, hash: this.known.hash };
  }

  knowsBatch(batchId: string): boolean {
    return this.known?.batchHeads.has(batchId) ?? false;
  }

  /** The hash of the batch's latest entry (null: it has none); only for a batch it knows. */
  batchHead(batchId: string): string | null {
    if (!this.knowsBatch(batchId)) throw new Error(`the head of batch ${batchId} is not known`);
    return this.known!.batchHeads.get(batchId)!;
  }

  /** A copy of the tree's right edge at the known head, to grow with a group's entries. */
  tree(): MerkleAppender {
    if (!this.known) throw new Error('no head is known');
    return this.known.tree.clone();
  }

  /**
   * After a group committed: its end is the head now, with the tree grown to it. Batch heads known
   * before stay only when the group started from the known head (nobody else wrote in between).
   */
  remember(cursor: ChainCursor, tree: MerkleAppender): void {
    const batchHeads = this.known?.seq === cursor.startSeq ? this.known.batchHeads : new Map<string, string | null>();
    for (const [id, hash] of cursor.batchHeads) {
      batchHeads.delete(id); // re-inserted last: the Map's order is the order of use
      batchHeads.set(id, hash);
    }
    for (const id of batchHeads.keys()) {
      if (batchHeads.size <= this.maxBatches) break;
      batchHeads.delete(id);
    }
    this.known = { seq: cursor.endSeq, hash: cursor.endHash, tree, batchHeads };
  }

  /** Someone else may have written, or a write of ours failed: read everything again next time. */
  forget(): void {
    this.known = null;
  }
}
