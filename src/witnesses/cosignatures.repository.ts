import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.js';

/** The witnesses' verified cosignature lines, one per checkpoint and witness. */
@Injectable()
export class CosignaturesRepository {
  constructor(private readonly db: Database) {}

  /** Keeps the first cosignature of a witness for a checkpoint; a later one for the same pair changes nothing. */
  async save(treeSize: number, witness: string, signatureLine: string): Promise<void> {
    await this.db.query(
      `INSERT INTO checkpoint_cosignature (tree_size, witness, signature_line) VALUES ($1, $2, $3) ON CONFLICT (tree_size, witness) DO NOTHING`,
      [treeSize, witness, signatureLine],
    );
  }

  /** The largest size `witness` cosigned, which it expects as the next request's old size; null when none. */
  async lastCosignedSize(witness: string): Promise<number | null> {
    const { rows } = await this.db.query<{ size: string | null }>('SELECT max(tree_size) AS size FROM checkpoint_cosignature WHERE witness = $1', [witness]);
    return rows[0]?.size == null ? null : Number(rows[0].size);
  }

  /** Each witness's newest cosignature: the tree size and when it was kept. */
  async newestByWitness(): Promise<Map<string, { treeSize: number; at: Date }>> {
    const { rows } = await this.db.query<{ witness: string; tree_size: string; created_at: Date }>(
      'SELECT DISTINCT ON (witness) witness, tree_size, created_at FROM checkpoint_cosignature ORDER BY witness, tree_size DESC',
    );
    return new Map(rows.map((r) => [r.witness, { treeSize: Number(r.tree_size), at: r.created_at }]));
  }
}
