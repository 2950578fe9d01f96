import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ProofsService } from '../ledger/proofs.service.js';
import type { StoredCheckpoint } from '../ledger/merkle.repository.js';
import { servedWitnessPolicy } from '../witnesses/served-policy.js';
import type { WitnessPolicy } from '../witnesses/witness-policy.js';

/** The checkpoint a phone is served to check a batch against, and the witness policy it must meet (both proofs of the page use it). */
@Injectable()
export class PhoneCheckpoints {
  /** WITNESS_COSIGNATURES_NEEDED of WITNESS_URLS' keys; null when none is needed. */
  readonly policy: WitnessPolicy | null;
  /** The policy's witnesses as their cosignatures are kept (name+key ID). */
  private readonly policyWitnesses: string[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly proofs: ProofsService,
  ) {
    this.policy = servedWitnessPolicy(config);
    this.policyWitnesses = config.witnesses.map((w) => `${w.key.name}+${w.key.keyId.toString('hex')}`);
  }

  /** The newest checkpoint covering entry `seq`; under a policy, the newest enough witnesses cosigned (else one the phone refuses, naming how many did). */
  covering(seq: number): Promise<StoredCheckpoint> {
    return this.policy ? this.proofs.cosignedCheckpointCovering(seq, this.policyWitnesses, this.policy.needed) : this.proofs.checkpointCovering(seq);
  }
}
