import type { BusinessTransactionsRecordedPayload } from '../ledger/entry-types.js';
import type { BizTransaction } from './capture-plan.js';
import { cbvWord } from './epcis-identifiers.js';

/**
 * A lot's business transactions (purchase orders, invoices, despatch advices) as its
 * BUSINESS_TRANSACTIONS_RECORDED entries leave them: ADD and OBSERVE link, DELETE unlinks. Pure.
 */

/** One transaction's key: its type's CBV word (po, urn:epcglobal:cbv:btt:po and https://ref.gs1.org/cbv/BTT-po are one type) and its id. */
export function transactionKey(t: BizTransaction): string {
  return JSON.stringify([t.type === undefined ? null : cbvWord(t.type), t.bizTransaction]);
}

/** The transactions linked to a lot after its entries, in ledger order, each as it was first linked. */
export function linkedTransactions(entries: Pick<BusinessTransactionsRecordedPayload, 'action' | 'bizTransactions'>[]): BizTransaction[] {
  const linked = new Map<string, BizTransaction>();
  for (const entry of entries) {
    for (const t of entry.bizTransactions) {
      if (entry.action === 'DELETE') linked.delete(transactionKey(t));
      else if (!linked.has(transactionKey(t))) linked.set(transactionKey(t), t);
    }
  }
  return [...linked.values()];
}

/** The transactions of a DELETE that are not linked to the lot now: a DELETE unlinks what was linked, nothing else. */
export function notLinked(linked: BizTransaction[], deleting: BizTransaction[]): BizTransaction[] {
  const keys = new Set(linked.map(transactionKey));
  return deleting.filter((t) => !keys.has(transactionKey(t)));
}
