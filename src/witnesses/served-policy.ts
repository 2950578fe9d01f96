import { createHash } from 'node:crypto';
import type { AppConfig } from '../config/config.js';
import { witnessVerifierKey } from './cosignature.js';
import { policyFingerprintOfDigest, policyText, WitnessPolicy } from './witness-policy.js';

/** The policy the service serves to phones: the keys of WITNESS_URLS and WITNESS_COSIGNATURES_NEEDED; null when that is 0. */
export function servedWitnessPolicy(config: Pick<AppConfig, 'witnesses' | 'witnessCosignaturesNeeded'>): WitnessPolicy | null {
  if (config.witnessCosignaturesNeeded === 0) return null;
  const keys = config.witnesses.map((w) => witnessVerifierKey(w.key.name, w.key.publicKey)).sort();
  return { needed: config.witnessCosignaturesNeeded, keys };
}

export function witnessPolicyFingerprint(policy: WitnessPolicy): string {
  return policyFingerprintOfDigest(createHash('sha256').update(policyText(policy), 'utf8').digest());
}
