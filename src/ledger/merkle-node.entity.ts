import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** A stored perfect subtree of the ledger's Merkle tree (levels ≥ 4; lower ones are recomputed from entries). */
@Entity('merkle_node')
@Check('chk_merkle_node_level', 'level >= 4 AND level < 64')
@Check('chk_merkle_node_hash', 'length(hash) = 32')
export class MerkleNodeEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'pk_merkle_node' })
  level: number;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_merkle_node' })
  idx: string;

  @Column({ type: 'bytea' })
  hash: Buffer;
}

/** A signed checkpoint (C2SP signed note), one per tree size, kept forever. */
@Entity('checkpoint')
@Check('chk_checkpoint_tree_size', 'tree_size >= 0')
export class CheckpointEntity {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_checkpoint' })
  treeSize: string;

  @Column({ type: 'character', length: 64 })
  rootHash: string;

  @Column({ type: 'text' })
  signedNote: string;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  createdAt: Date;
}
