import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Merkle tree over the ledger (LEDGER-SPEC §3) and its signed checkpoints (§4). The tree keeps
 * the perfect subtrees of 16 leaves and more (below that a node is recomputed from at most 16 entry
 * hashes), written in the same statement as the entries; existing ledgers are back-filled here.
 * Checkpoints are kept forever, one per tree size, and like the ledger refuse UPDATE and DELETE.
 */
export class MerkleTreeAndCheckpoints1764403200000 implements MigrationInterface {
  name = 'MerkleTreeAndCheckpoints1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE merkle_node (
        level smallint NOT NULL,
        idx bigint NOT NULL,
        hash bytea NOT NULL,
        CONSTRAINT pk_merkle_node PRIMARY KEY (level, idx),
        CONSTRAINT chk_merkle_node_level CHECK (level >= 4 AND level < 64),
        CONSTRAINT chk_merkle_node_hash CHECK (length(hash) = 32)
      )`);
    await q.query(
      `CREATE TRIGGER merkle_node_no_update_or_delete BEFORE UPDATE OR DELETE ON merkle_node FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()`,
    );
    await q.query(`CREATE TRIGGER merkle_node_no_truncate BEFORE TRUNCATE ON merkle_node FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_refuse_change()`);

    await q.query(`
      CREATE TABLE checkpoint (
        tree_size bigint NOT NULL,
        root_hash character(64) NOT NULL,
        signed_note text NOT NULL,
        created_at timestamp(3) with time zone NOT NULL,
        CONSTRAINT pk_checkpoint PRIMARY KEY (tree_size),
        CONSTRAINT chk_checkpoint_tree_size CHECK (tree_size >= 0)
      )`);
    await q.query(
      `CREATE TRIGGER checkpoint_no_update_or_delete BEFORE UPDATE OR DELETE ON checkpoint FOR EACH ROW EXECUTE FUNCTION ledger_entry_refuse_change()`,
    );
    await q.query(`CREATE TRIGGER checkpoint_no_truncate BEFORE TRUNCATE ON checkpoint FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_refuse_change()`);

    // Back-fill: level by level from the leaves, keeping the levels the service stores.
    await q.query(`
      DO $$
      DECLARE
        lvl smallint := 0;
        made bigint;
      BEGIN
        CREATE TEMP TABLE merkle_level ON COMMIT DROP AS
          SELECT seq - 1 AS idx, sha256('\\x00'::bytea || decode(hash, 'hex')) AS hash FROM ledger_entry;
        LOOP
          lvl := lvl + 1;
          CREATE TEMP TABLE merkle_next ON COMMIT DROP AS
            SELECT l.idx / 2 AS idx, sha256('\\x01'::bytea || l.hash || r.hash) AS hash
            FROM merkle_level l JOIN merkle_level r ON r.idx = l.idx + 1
            WHERE l.idx % 2 = 0;
          GET DIAGNOSTICS made = ROW_COUNT;
          EXIT WHEN made = 0;
          IF lvl >= 4 THEN
            INSERT INTO merkle_node (level, idx, hash) SELECT lvl, idx, hash FROM merkle_next;
          END IF;
          DROP TABLE merkle_level;
          ALTER TABLE merkle_next RENAME TO merkle_level;
        END LOOP;
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE checkpoint`);
    await q.query(`DROP TABLE merkle_node`);
  }
}
