import type { Caller } from '../auth/caller.js';

/** Who ran an audit: the admin, an organization (a regulator's key), or the service's own schedule. */
export type AuditRequester = { kind: 'ADMIN' } | { kind: 'ORGANIZATION'; organizationId: string } | { kind: 'SCHEDULE' };

/** One completed audit, as recorded: the chain's check (verifyLedger) and/or the projection audit's findings. */
export interface AuditRun {
  finishedAt: Date;
  requestedBy: AuditRequester;
  /** The ledger entries it covered, first and last (the projection audit replays 1..the ledger's size). */
  fromSeq: number;
  toSeq: number;
  /** The chain's check; null when only the projections were audited (the schedule does not re-hash the chain). */
  chain: { valid: boolean; checkedEntries: number; firstInvalidSeq: number | null } | null;
  /** The projection audit; null when it did not run (a range that stops before the head, or not asked for). */
  projections: { clean: boolean; rowsChecked: number; disagreements: number; uncheckedRows: number } | null;
}

/** The requester a caller is, for the record; anonymous callers cannot run an audit (verifyLedger refuses them first). Pure. */
export function requesterOf(caller: Caller): AuditRequester {
  if (caller.kind === 'admin') return { kind: 'ADMIN' };
  if (caller.kind === 'organization') return { kind: 'ORGANIZATION', organizationId: caller.organizationId };
  throw new Error('an anonymous caller runs no audit');
}

/**
 * Whether verifyLedger's own resolver records its run, or leaves it to `projections`, which records the
 * chain and the projection audit as one run: it does when the projections were asked for and the range
 * reaches the head (else `projections` answers null without auditing). Pure.
 */
export function chainOnlyRun(projectionsAsked: boolean, reachesHead: boolean): boolean {
  return !(projectionsAsked && reachesHead);
}
