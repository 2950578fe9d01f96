import { fingerprintOfDigest, isKeyFingerprint } from '../ledger/key-fingerprint.js';

/**
 * The witness policy a phone checks the checkpoint against (LEDGER-SPEC §4.1): the witnesses' C2SP
 * verifier keys and how many of them must have cosigned. The service serves it in the page's proof
 * bundle; a label pins it by a fingerprint in its URL fragment (`w=`), as it pins the log key (`k=`),
 * so a service that drops or weakens its witnesses cannot pass with a label printed before.
 *
 * Imports nothing that needs Node or computes SHA-256 itself: the service and the page's script share it.
 */

export interface WitnessPolicy {
  /** Cosignatures needed from distinct witnesses among `keys` (at least 1: no policy is no object). */
  needed: number;
  /** The witnesses' verifier keys (`<name>+<key ID>+<base64(0x04 || key)>`), sorted. */
  keys: string[];
}

/** The name of the fragment parameter that carries the policy's fingerprint. */
export const POLICY_PIN_PARAM = 'w';

/** The policy as the text its fingerprint is taken of: the keys sorted, so their order in the settings does not matter. */
export function policyText(policy: WitnessPolicy): string {
  const keys = [...policy.keys].sort();
  return `witness-policy/v1\nneeded ${policy.needed}\n${keys.map((k) => k + '\n').join('')}`;
}

/** The policy's fingerprint from the SHA-256 of its text (same form as the key's: 16 base64url characters). */
export function policyFingerprintOfDigest(sha256OfPolicyText: Uint8Array): string {
  return fingerprintOfDigest(sha256OfPolicyText);
}

/** A label URL that already carries `#k=…` with the policy's fingerprint added: `…#k=<key>&w=<policy>`. */
export function withPolicyPin(urlWithKeyPin: string, fingerprint: string): string {
  return `${urlWithKeyPin}&${POLICY_PIN_PARAM}=${fingerprint}`;
}

/** The policy fingerprint a URL fragment carries: undefined when none, the text as found (possibly malformed) when it does. */
export function policyPinOfFragment(fragment: string): string | undefined {
  for (const param of fragment.replace(/^#/, '').split('&')) {
    const eq = param.indexOf('=');
    if (eq > 0 && param.slice(0, eq) === POLICY_PIN_PARAM) return param.slice(eq + 1);
  }
  return undefined;
}

export function isPolicyFingerprint(text: string): boolean {
  return isKeyFingerprint(text);
}

/** Whether a served policy is well formed: a count from 1 to the number of keys, distinct keys. */
export function policyProblem(policy: unknown): string | null {
  if (typeof policy !== 'object' || policy === null) return 'the witness policy is not an object';
  const { needed, keys } = policy as Partial<WitnessPolicy>;
  if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) return 'the witness policy has no list of keys';
  if (new Set(keys).size !== keys.length) return 'the witness policy names a key twice';
  if (typeof needed !== 'number' || !Number.isInteger(needed) || needed < 1 || needed > keys.length) {
    return 'the witness policy needs a count from 1 to the number of its keys';
  }
  return null;
}
