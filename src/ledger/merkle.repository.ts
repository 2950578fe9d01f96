import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';
import { leafHash, NodeKey, NodeReader, perfectHash, STORED_LEVEL } from './merkle.js';

@Injectable()
export class MerkleRepository {
  constructor(private readonly db: Database) {}

  /**
   * Reads the given perfect subtrees in one query, with the ledger's size: stored ones from
   * merkle_node, lower ones recomputed from the (at most 16) entry hashes under them. A named
   * statement: proofs are public and frequent, so each connection plans it once. `from: 'reader'` lets a
   * replica answer (a proof), 'primary' does not (a root about to be signed).
   */
  async readNodes(keys: NodeKey[], from: 'reader' | 'primary' = 'primary'): Promise<{ read: NodeReader; ledgerSize: number }> {
    const stored = keys.filter((k) => k.level >= STORED_LEVEL);
    const seqs = new Set<number>();
    for (const k of keys) {
      if (k.level >= STORED_LEVEL) continue;
      for (let leaf = k.index * 2 ** k.level; leaf < (k.index + 1) * 2 ** k.level; leaf++) seqs.add(leaf + 1);
    }
    const { rows } = await (from === 'reader' ? this.db.read.bind(this.db) : this.db.query.bind(this.db))<{ level: number; idx: string; hash: Buffer | null }>({
      name: 'merkle-read-nodes',
      text: `SELECT m.level, m.idx, m.hash FROM unnest($1::smallint[], $2::bigint[]) AS k(level, idx)
               JOIN merkle_node m ON m.level = k.level AND m.idx = k.idx
             UNION ALL
             SELECT -1, seq, decode(hash, 'hex') FROM ledger_entry WHERE seq = ANY($3::bigint[])
             UNION ALL
             SELECT -2, seq, NULL FROM ledger_head WHERE id = 1`,
      values: [stored.map((k) => k.level), stored.map((k) => k.index), [...seqs]],
    });
    const nodes = new Map<string, Buffer>();
    const leaves = new Map<number, Buffer>();
    let ledgerSize = 0;
    for (const row of rows) {
      if (row.level === -2) ledgerSize = Number(row.idx);
      else if (row.level === -1) leaves.set(Number(row.idx) - 1, leafHash(row.hash!));
      else nodes.set(`${row.level}:${row.idx}`, row.hash!);
    }
    const read: NodeReader = (level, index) => {
      if (level >= STORED_LEVEL) {
        const node = nodes.get(`${level}:${index}`);
        if (!node) throw new Error(`Merkle node ${level}:${index} is missing`);
        return node;
      }
      const under: Buffer[] = [];
      for (let leaf = index * 2 ** level; leaf < (index + 1) * 2 ** level; leaf++) {
        const hash = leaves.get(leaf);
        if (!hash) throw new Error(`ledger entry ${leaf + 1} is missing`);
        under.push(hash);
      }
      return perfectHash(under);
    };
    return { read, ledgerSize };
  }

  /** The newest checkpoint, its note carrying the witnesses' cosignatures kept for it (each verified when it was kept). */
  async latestCheckpoint(): Promise<StoredCheckpoint | null> {
    const { rows } = await this.db.query<CheckpointRow & { cosignatures: string }>(
      `SELECT c.tree_size, c.root_hash, c.signed_note,
              coalesce((SELECT string_agg(w.signature_line, '' ORDER BY w.witness)
                          FROM checkpoint_cosignature w WHERE w.tree_size = c.tree_size), '') AS cosignatures
         FROM (SELECT tree_size, root_hash, signed_note FROM checkpoint ORDER BY tree_size DESC LIMIT 1) c`,
    );
    return rows[0] ? { ...toCheckpoint(rows[0]), signedNote: rows[0].signed_note + rows[0].cosignatures } : null;
  }

  /**
   * The newest checkpoint of at least `minSize` entries that `needed` of `witnesses` (name+key ID) have
   * cosigned, its note carrying those cosignatures; null when none has enough yet. It reads the newest
   * COSIGNED_SCAN_ROWS cosignatures at most (the primary key, newest first), so an anonymous page's
   * request stays small however long a witness has been down.
   */
  async newestCosignedCheckpoint(minSize: number, witnesses: string[], needed: number): Promise<StoredCheckpoint | null> {
    const { rows } = await this.db.query<CheckpointRow & { cosignatures: string }>(
      `SELECT c.tree_size, c.root_hash, c.signed_note, w.cosignatures
         FROM (SELECT tree_size, string_agg(signature_line, '' ORDER BY witness) AS cosignatures
                 FROM (SELECT tree_size, witness, signature_line FROM checkpoint_cosignature
                        WHERE tree_size >= $1 AND witness = ANY($2::text[])
                        ORDER BY tree_size DESC LIMIT $4) newest
                GROUP BY tree_size HAVING count(*) >= $3
                ORDER BY tree_size DESC LIMIT 1) w
         JOIN checkpoint c ON c.tree_size = w.tree_size`,
      [minSize, witnesses, needed, COSIGNED_SCAN_ROWS],
    );
    return rows[0] ? { ...toCheckpoint(rows[0]), signedNote: rows[0].signed_note + rows[0].cosignatures } : null;
  }

  /**
   * Keeps the first checkpoint of a size: several processes may sign the same size, one row lands.
   * When another signer's insert wins, that row is read in a second statement: the first one's
   * snapshot was taken before the winner committed, so it cannot see it.
   */
  async saveCheckpoint(checkpoint: StoredCheckpoint): Promise<StoredCheckpoint> {
    const { rows: inserted } = await this.db.query<CheckpointRow>(
      `INSERT INTO checkpoint (tree_size, root_hash, signed_note, created_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (tree_size) DO NOTHING RETURNING tree_size, root_hash, signed_note`,
      [checkpoint.treeSize, checkpoint.rootHash, checkpoint.signedNote],
    );
    if (inserted[0]) return toCheckpoint(inserted[0]);
    const { rows: kept } = await this.db.query<CheckpointRow>('SELECT tree_size, root_hash, signed_note FROM checkpoint WHERE tree_size = $1', [
      checkpoint.treeSize,
    ]);
    return toCheckpoint(kept[0]);
  }
}

/** Most cosignature rows one search for a cosigned checkpoint reads: a thousand checkpoints of four witnesses. */
export const COSIGNED_SCAN_ROWS = 4000;

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: string;
  signedNote: string;
}

type CheckpointRow = { tree_size: string; root_hash: string; signed_note: string };

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return { treeSize: Number(row.tree_size), rootHash: row.root_hash, signedNote: row.signed_note };
}
