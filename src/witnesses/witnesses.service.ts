import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig, ConfiguredWitness } from '../config/config.js';
import { ProofsService } from '../ledger/proofs.service.js';
import type { StoredCheckpoint } from '../ledger/merkle.repository.js';
import { formatAddCheckpoint } from './add-checkpoint.js';
import { splitNote } from './cosignature.js';
import { CosignaturesRepository } from './cosignatures.repository.js';
import { readWitnessAnswer, WitnessAnswer } from './witness-answer.js';
import { postToWitness } from './witness-client.js';

/** A witness refused a checkpoint because it cosigned another tree of the same size: evidence of a fork, logged as an error. */
class ForkRefused extends Error {}

/** One witness's queue: the newest checkpoint still to send it, and what it was last known to have cosigned. */
interface WitnessFeed {
  witness: ConfiguredWitness;
  /** name+key ID: how its cosignatures are kept. */
  label: string;
  knownSize: number | null;
  pending: StoredCheckpoint | null;
  running: Promise<void> | null;
  /** Why its last answer was refused; null once it cosigned. */
  lastError: string | null;
}

export interface WitnessStatus {
  witness: string;
  url: string;
  cosignedSize: number | null;
  lastError: string | null;
}

/**
 * Sends each checkpoint the service signs to the witnesses in WITNESS_URLS (C2SP tlog-witness),
 * each on its own so a slow or absent witness delays only its own cosignature, and keeps each
 * cosignature that verifies against that witness's key. An answer that is refused (an error, a
 * malformed, oversized or invalid cosignature) is logged and changes nothing.
 */
@Injectable()
export class WitnessesService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Witnesses');
  private readonly feeds: WitnessFeed[];
  private subscription: Subscription | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly proofs: ProofsService,
    private readonly cosignatures: CosignaturesRepository,
  ) {
    this.feeds = config.witnesses.map((witness) => ({
      witness,
      label: `${witness.key.name}+${witness.key.keyId.toString('hex')}`,
      knownSize: null,
      pending: null,
      running: null,
      lastError: null,
    }));
  }

  onApplicationBootstrap(): void {
    // In a cluster, the one worker that signs on its own feeds the witnesses (ProofsService tells it of every newer checkpoint).
    if (this.feeds.length === 0 || !this.config.backgroundWork) return;
    this.subscription = this.proofs.signed.subscribe((checkpoint) => this.submit(checkpoint));
    // The newest checkpoint too: one signed before a restart, or before a witness was added.
    void this.proofs.latestCheckpoint().then(
      (checkpoint) => this.submit(checkpoint),
      (err: Error) => this.logger.warn(`reading the newest checkpoint for the witnesses failed: ${err.message}`),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.subscription?.unsubscribe();
    for (const feed of this.feeds) feed.pending = null;
    await this.settled();
  }

  /** Resolves once no witness has a checkpoint in flight or waiting. */
  async settled(): Promise<void> {
    for (let running = this.inFlight(); running.length > 0; running = this.inFlight()) await Promise.all(running);
  }

  private inFlight(): Promise<void>[] {
    return this.feeds.flatMap((f) => (f.running ? [f.running] : []));
  }

  /** Each witness: the size it last cosigned (as far as this process knows) and why its last answer was refused. */
  status(): WitnessStatus[] {
    return this.feeds.map((f) => ({ witness: f.label, url: f.witness.url, cosignedSize: f.knownSize, lastError: f.lastError }));
  }

  private submit(checkpoint: StoredCheckpoint): void {
    for (const feed of this.feeds) {
      if (!feed.pending || checkpoint.treeSize > feed.pending.treeSize) feed.pending = checkpoint;
      if (!feed.running) feed.running = this.drain(feed).finally(() => (feed.running = null));
    }
  }

  private async drain(feed: WitnessFeed): Promise<void> {
    while (feed.pending) {
      const checkpoint = feed.pending;
      feed.pending = null;
      try {
        await this.send(feed, checkpoint);
        feed.lastError = null;
      } catch (err) {
        feed.lastError = (err as Error).message;
        const line = `witness ${feed.label} (${feed.witness.url}), checkpoint of size ${checkpoint.treeSize}: ${(err as Error).message}; no cosignature kept`;
        if (err instanceof ForkRefused) this.logger.error(line);
        else this.logger.warn(line);
      }
    }
  }

  /** add-checkpoint from the size the witness last cosigned; on 409, once more from the size it names. */
  private async send(feed: WitnessFeed, checkpoint: StoredCheckpoint): Promise<void> {
    let oldSize = feed.knownSize ?? (await this.cosignatures.lastCosignedSize(feed.label)) ?? 0;
    if (oldSize > checkpoint.treeSize) return; // it already cosigned a newer one
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await this.ask(feed, oldSize, checkpoint);
      if (answer.kind === 'cosigned') {
        await this.cosignatures.save(checkpoint.treeSize, feed.label, answer.line);
        feed.knownSize = checkpoint.treeSize;
        return;
      }
      if (answer.knownSize > checkpoint.treeSize) {
        feed.knownSize = answer.knownSize;
        throw new Error(`refused: it has cosigned a larger tree (size ${answer.knownSize})`);
      }
      if (answer.knownSize === oldSize) {
        throw new ForkRefused(`refused (409): it has cosigned a different tree of size ${oldSize}, this ledger's history differs from what it saw`);
      }
      feed.knownSize = oldSize = answer.knownSize;
    }
    throw new Error(`refused (409) again: it now names size ${oldSize}`);
  }

  private async ask(feed: WitnessFeed, oldSize: number, checkpoint: StoredCheckpoint): Promise<WitnessAnswer> {
    const proof =
      oldSize > 0 && oldSize < checkpoint.treeSize
        ? (await this.proofs.consistencyProof(oldSize, checkpoint.treeSize)).hashes.map((h) => Buffer.from(h, 'hex'))
        : [];
    const response = await postToWitness(
      `${feed.witness.url}/add-checkpoint`,
      formatAddCheckpoint(oldSize, proof, checkpoint.signedNote),
      this.config.witnessTimeoutMs,
    );
    return readWitnessAnswer(response, splitNote(checkpoint.signedNote).body, feed.witness.key);
  }
}
