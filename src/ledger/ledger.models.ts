import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { JsonScalar, SafeIntScalar } from '../graphql/scalars.js';
import { LedgerEntry } from './ledger-entry.js';

@ObjectType('LedgerEntry')
export class LedgerEntryModel {
  @Field(() => Int, { description: 'Format version: 1 (docs/LEDGER-SPEC.md, payload hashed whole) or 2 (docs/ledger-format.md, member by member).' })
  v: number;
  @Field(() => SafeIntScalar) seq: number;
  @Field() hash: string;
  @Field() prevHash: string;
  @Field() type: string;
  @Field(() => ID, { nullable: true }) batchId: string | null;
  @Field(() => String, { nullable: true }) batchPrevHash: string | null;
  @Field() actor: string;
  @Field() recordedAt: Date;
  @Field() payloadHash: string;
  @Field(() => String, {
    nullable: true,
    description:
      'Hex salt of the payload hash (LEDGER-SPEC §2; in v2 the entry salt, docs/ledger-format.md §2); null with payload when the payload was erased.',
  })
  salt: string | null;
  /** The canonical JSON text of the payload, as stored. */
  private canonicalPayload: string | null;

  // Parsed only when asked for: a writer recording 1,000 events usually asks for seq or hash alone.
  @Field(() => JsonScalar, { nullable: true, description: 'The payload; its canonical JSON (RFC 8785) is what payloadHash covers.' })
  get payload(): unknown {
    return this.canonicalPayload === null ? null : JSON.parse(this.canonicalPayload);
  }

  static from(entry: LedgerEntry): LedgerEntryModel {
    const model = new LedgerEntryModel();
    model.v = entry.v;
    model.seq = entry.seq;
    model.hash = entry.hash;
    model.prevHash = entry.prevHash;
    model.type = entry.type;
    model.batchId = entry.batchId;
    model.batchPrevHash = entry.batchPrevHash;
    model.actor = entry.actor;
    model.recordedAt = new Date(entry.recordedAt);
    model.payloadHash = entry.payloadHash;
    model.salt = entry.salt;
    model.canonicalPayload = entry.payload;
    return model;
  }
}

@ObjectType('Verification')
export class VerificationModel {
  @Field() valid: boolean;
  @Field(() => SafeIntScalar) checkedEntries: number;
  @Field(() => SafeIntScalar, { nullable: true }) firstInvalidSeq: number | null;
  @Field(() => String, { nullable: true }) reason: string | null;
  /** verifyLedger over a range that ends at the head: Verification.projections (src/audit) may audit the tables. */
  reachesHead?: boolean;
  /** verifyLedger's range, for the record of the run (src/audit/audit-run.ts). */
  fromSeq?: number;
  toSeq?: number;
}

@ObjectType('LedgerInfo')
export class LedgerInfoModel {
  @Field() origin: string;
  @Field({ description: 'C2SP verifier key: <name>+<hex key id>+<base64(0x01 || ed25519 public key)>' }) verifierKey: string;
  @Field(() => SafeIntScalar) size: number;
}

@ObjectType('Checkpoint')
export class CheckpointModel {
  @Field() origin: string;
  @Field(() => SafeIntScalar) treeSize: number;
  @Field({ description: 'Hex Merkle root of the first treeSize entries' }) rootHash: string;
  @Field({ description: 'The whole C2SP signed note: checkpoint body, blank line, signature line(s).' }) signedNote: string;
}

@ObjectType('InclusionProof')
export class InclusionProofModel {
  @Field(() => SafeIntScalar) leafIndex: number;
  @Field(() => SafeIntScalar) treeSize: number;
  @Field() leafHash: string;
  @Field(() => [String], { description: 'RFC 9162 §2.1.3 audit path, hex, bottom up' }) hashes: string[];
}

@ObjectType('ConsistencyProof')
export class ConsistencyProofModel {
  @Field(() => SafeIntScalar) fromSize: number;
  @Field(() => SafeIntScalar) toSize: number;
  @Field(() => [String], { description: 'RFC 9162 §2.1.4 consistency proof, hex' }) hashes: string[];
}
