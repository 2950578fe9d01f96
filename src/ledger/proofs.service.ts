import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Subject } from 'rxjs';
import { Caller, requireAdminOr } from '../auth/caller.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { checkpointBody, signCheckpoint } from './checkpoint-note.js';
import { LedgerRepository } from './ledger.repository.js';
import { consistencyProof, inclusionProof, NodeReader, nodesNeeded, rootAt } from './merkle.js';
import { MerkleRepository, StoredCheckpoint } from './merkle.repository.js';

export interface InclusionProofResult {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  hashes: string[];
}

export interface ConsistencyProofResult {
  fromSize: number;
  toSize: number;
  hashes: string[];
}

/**
 * What makes the ledger checkable from outside (LEDGER-SPEC §3–§4): roots, inclusion and
 * consistency proofs for any tree size up to the ledger's, and signed checkpoints, which a
 * background signer adds on its own shortly after new entries.
 */
@Injectable()
export class ProofsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Checkpoints');
  private timer: NodeJS.Timeout | undefined;
  private signing: Promise<unknown> | undefined;
  /**
   * Each newer checkpoint this process signs, or finds kept by another process when it looks (for the
   * witnesses): in a cluster only one worker looks every second, and another's on-demand checkpoint
   * still reaches them.
   */
  readonly signed = new Subject<StoredCheckpoint>();
  /** The largest tree size `signed` has told of. */
  private announcedSize = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly ledger: LedgerRepository,
    private readonly merkle: MerkleRepository,
  ) {}

  onApplicationBootstrap(): void {
    // One process of a cluster signs on its own (BACKGROUND_WORK); any signs on demand (ON CONFLICT keeps one per size).
    if (!this.config.backgroundWork) return;
    this.timer = setInterval(() => void this.signIfBehind(), this.config.checkpointIntervalMs);
    this.timer.unref();
  }

  /** Before the pool closes: no new signing, and the one under way finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.signing;
  }

  async inclusionProof(seq: number, treeSize: number): Promise<InclusionProofResult> {
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > treeSize) {
      throw new DomainError('INVALID_RANGE', `seq must be from 1 to treeSize ${treeSize}, got ${seq}`);
    }
    const leafIndex = seq - 1;
    const read = await this.readFor('treeSize', treeSize, (r) => [inclusionProof(leafIndex, treeSize, r), r(0, leafIndex)]);
    return { leafIndex, treeSize, leafHash: read(0, leafIndex).toString('hex'), hashes: hex(inclusionProof(leafIndex, treeSize, read)) };
  }

  /** Inclusion proofs of several entries in one tree, read in one query: each proof's hashes, bottom up, in the order of `seqs`. */
  async inclusionProofs(seqs: number[], treeSize: number): Promise<Buffer[][]> {
    for (const seq of seqs) {
      if (!Number.isSafeInteger(seq) || seq < 1 || seq > treeSize)
        throw new DomainError('INVALID_RANGE', `seq must be from 1 to treeSize ${treeSize}, got ${seq}`);
    }
    const proofs = (r: NodeReader) => seqs.map((seq) => inclusionProof(seq - 1, treeSize, r));
    return proofs(await this.readFor('treeSize', treeSize, proofs));
  }

  async consistencyProof(fromSize: number, toSize: number): Promise<ConsistencyProofResult> {
    if (!Number.isSafeInteger(fromSize) || fromSize < 1 || fromSize > toSize) {
      throw new DomainError('INVALID_RANGE', `fromSize must be from 1 to toSize ${toSize}, got ${fromSize}`);
    }
    const read = await this.readFor('toSize', toSize, (r) => consistencyProof(fromSize, toSize, r));
    return { fromSize, toSize, hashes: hex(consistencyProof(fromSize, toSize, read)) };
  }

  async rootAt(treeSize: number): Promise<Buffer> {
    const { read } = await this.merkle.readNodes(nodesNeeded((r) => rootAt(treeSize, r)));
    return rootAt(treeSize, read);
  }

  /** The newest checkpoint; the first one is signed on demand. */
  async latestCheckpoint(): Promise<StoredCheckpoint> {
    return (await this.merkle.latestCheckpoint()) ?? this.signCheckpoint();
  }

  /** The newest checkpoint if it covers entry `seq`, else one signed now (the signer runs every second, so rarely). */
  async checkpointCovering(seq: number): Promise<StoredCheckpoint> {
    const latest = await this.merkle.latestCheckpoint();
    return latest && latest.treeSize >= seq ? latest : this.signCheckpoint();
  }

  /**
   * For a witness policy: the newest checkpoint covering entry `seq` that `needed` of `witnesses` cosigned
   * (a freshly signed one is served before its cosignatures arrive); without one, the one covering it, which
   * the phone then refuses, naming how many cosigned.
   */
  async cosignedCheckpointCovering(seq: number, witnesses: string[], needed: number): Promise<StoredCheckpoint> {
    return (await this.merkle.newestCosignedCheckpoint(seq, witnesses, needed)) ?? this.checkpointCovering(seq);
  }

  /** Admin or regulator: a checkpoint of the ledger as it is now (the one already kept when nothing changed). */
  async createCheckpoint(caller: Caller): Promise<StoredCheckpoint> {
    requireAdminOr(caller, ['REGULATOR'], 'createCheckpoint');
    return this.signCheckpoint();
  }

  private async signCheckpoint(): Promise<StoredCheckpoint> {
    const { size } = await this.ledger.head();
    const latest = await this.merkle.latestCheckpoint();
    if (latest?.treeSize === size) return latest;
    const root = await this.rootAt(size);
    const body = checkpointBody(this.config.ledgerOrigin, size, root);
    const saved = await this.merkle.saveCheckpoint({
      treeSize: size,
      rootHash: root.toString('hex'),
      signedNote: signCheckpoint(body, this.config.ledgerSigningKey),
    });
    this.announce(saved);
    return saved;
  }

  private announce(checkpoint: StoredCheckpoint): void {
    if (checkpoint.treeSize <= this.announcedSize) return;
    this.announcedSize = checkpoint.treeSize;
    this.signed.next(checkpoint);
  }

  private async signIfBehind(): Promise<void> {
    if (this.signing) return;
    this.signing = this.signCheckpoint()
      .then((checkpoint) => this.announce(checkpoint))
      .catch((err: Error) => this.logger.error(`signing a checkpoint failed: ${err.message}`));
    await this.signing;
    this.signing = undefined;
  }

  /**
   * Reads what `compute` needs for a tree of `treeSize` leaves and the ledger's size, in one query,
   * and refuses a size the ledger has not reached.
   */
  private async readFor(name: string, treeSize: number, compute: (read: NodeReader) => unknown): Promise<NodeReader> {
    if (!Number.isSafeInteger(treeSize) || treeSize < 1) throw new DomainError('INVALID_RANGE', `${name} must be 1 or more, got ${treeSize}`);
    const keys = nodesNeeded(compute);
    let { read, ledgerSize } = await this.merkle.readNodes(keys, 'reader');
    // A replica behind a checkpoint the primary already signed: the primary has the tree.
    if (treeSize > ledgerSize) ({ read, ledgerSize } = await this.merkle.readNodes(keys, 'primary'));
    if (treeSize > ledgerSize) {
      throw new DomainError('INVALID_RANGE', `${name} must be from 1 to the ledger's size ${ledgerSize}, got ${treeSize}`);
    }
    return read;
  }
}

const hex = (hashes: Buffer[]) => hashes.map((h) => h.toString('hex'));
