import type { Caller } from '../auth/caller.js';
import type { OrganizationKind } from '../organizations/organization-kind.js';
import type { Batch } from './batch-row.js';

/**
 * Who may read a batch whole, wherever it is reached (batch, a trace's nodes, a recall's batches,
 * the subscription, the mock recall report): one rule, so a new path cannot answer by another.
 * Pure.
 */

/**
 * What the rule looks at: who made the batch, who holds it now and, while it is in transit, the organization
 * it was shipped to (the receiving desk reads what is coming to it, as its custodian does).
 */
export type BatchParties = Pick<Batch, 'producerId' | 'custodianId'> & { inTransitToId?: string | null };

/** Organizations that read any batch: regulators, and labs for their inspections. */
const READS_ALL_BATCHES: readonly OrganizationKind[] = ['REGULATOR', 'LAB'];

/** Whether the caller reads every batch, whoever made or holds it: the admin, regulators and labs. */
export function readsEveryBatch(caller: Caller | undefined): boolean {
  return caller?.kind === 'admin' || (caller?.kind === 'organization' && READS_ALL_BATCHES.includes(caller.organizationKind));
}

/**
 * The admin, regulators and labs read any batch; an organization the batches it produced or holds now, and
 * a batch in transit to it (until it is received, when it holds it anyway); nobody else (an unknown caller,
 * or parties missing from the batch, read nothing: fail closed).
 */
export function mayReadBatch(caller: Caller | undefined, batch: Partial<BatchParties>): boolean {
  if (readsEveryBatch(caller)) return true;
  if (caller?.kind !== 'organization') return false;
  const us = caller.organizationId;
  return batch.producerId === us || batch.custodianId === us || (!!batch.inTransitToId && batch.inTransitToId === us);
}

/**
 * The fields of the Batch type anyone allowed the outer query reads (a trace, a recall): what it
 * takes to act on a recall and what the lot's public page already shows to whoever holds its label.
 * Every other field — and every field added later — is private: withheld from a caller that may not
 * read the batch. The decision, field by field, is in SECURITY.md ("What a batch shows to whom").
 */
export const PUBLIC_BATCH_FIELDS: ReadonlySet<string> = new Set([
  'id',
  'lotCode',
  'traceCode',
  'product',
  'producedAt',
  'status',
  'quantity',
  'unit',
  'custodian',
  'coldChainStatus',
  'excursions',
  'meanKineticTemperatureC',
  'certificates',
  'withheldFields',
]);
