import { Check, Column, Entity, Index, PrimaryColumn, Unique } from 'typeorm';

/** One ledger entry (LEDGER-SPEC §1). Append-only: the database refuses UPDATE, DELETE and TRUNCATE. */
@Entity('ledger_entry')
@Unique('uq_ledger_entry_prev_hash', ['prevHash'])
@Unique('uq_ledger_entry_batch_prev_hash', ['batchPrevHash'])
@Index('uq_ledger_entry_batch_first', ['batchId'], { unique: true, where: 'batch_id IS NOT NULL AND batch_prev_hash IS NULL' })
@Index('idx_ledger_entry_batch', ['batchId', 'seq'], { where: 'batch_id IS NOT NULL' })
@Index('uq_ledger_entry_idempotency', ['actor', 'idempotencyKey'], { unique: true, where: 'idempotency_key IS NOT NULL' })
@Index('idx_ledger_entry_error_declaration', ['batchId', 'seq'], { where: "type = 'EVENT_DECLARED_ERRONEOUS'" })
@Index('idx_ledger_entry_actor_seq', ['actor', 'seq'], { where: 'payload IS NOT NULL' })
@Index('idx_ledger_entry_hash', ['hash'])
@Check('chk_ledger_entry_seq', 'seq >= 1')
@Check('chk_ledger_entry_v', 'v IN (1, 2)')
@Check('chk_ledger_entry_member_ends', '(payload_member_ends IS NULL) = (v = 1 OR payload IS NULL)')
@Check('chk_ledger_entry_type', `type ~ '^[A-Z][A-Z0-9_]*$'`)
@Check('chk_ledger_entry_batch_link', 'batch_id IS NOT NULL OR batch_prev_hash IS NULL')
@Check('chk_ledger_entry_salt', '(salt IS NULL) = (payload IS NULL) AND (salt IS NULL OR length(salt) = 16)')
export class LedgerEntryEntity {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_ledger_entry' })
  seq: string;

  @Column({ type: 'smallint' })
  v: number;

  @Column({ type: 'character', length: 64 })
  prevHash: string;

  @Column({ type: 'character varying', length: 64 })
  type: string;

  @Column({ type: 'uuid', nullable: true })
  batchId: string | null;

  @Column({ type: 'character', length: 64, nullable: true })
  batchPrevHash: string | null;

  @Column({ type: 'character varying', length: 64 })
  actor: string;

  @Column({ type: 'timestamp with time zone', precision: 3 })
  recordedAt: Date;

  @Column({ type: 'character', length: 64 })
  payloadHash: string;

  @Column({ type: 'character', length: 64 })
  hash: string;

  /** null with payload once a payload is erased; the envelope, and so the chain, never changes. */
  @Column({ type: 'bytea', nullable: true })
  salt: Buffer | null;

  /** The canonical JSON text exactly as hashed: jsonb would not keep key order or number spelling. */
  @Column({ type: 'text', nullable: true })
  payload: string | null;

  /** v2 only: where each payload member ends, in characters (docs/ledger-format.md §5), for the SQL check. */
  @Column({ type: 'integer', array: true, nullable: true })
  payloadMemberEnds: number[] | null;

  @Column({ type: 'character varying', length: 128, nullable: true })
  idempotencyKey: string | null;

  /** Fingerprint of the request that first used idempotencyKey, to refuse the key's reuse for another request. */
  @Column({ type: 'character', length: 64, nullable: true })
  requestHash: string | null;
}

/** The chain head: one row that every append group locks, then moves forward. */
@Entity('ledger_head')
@Check('chk_ledger_head_single', 'id = 1')
export class LedgerHeadEntity {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'pk_ledger_head' })
  id: number;

  @Column({ type: 'bigint' })
  seq: string;

  @Column({ type: 'character', length: 64 })
  hash: string;
}
