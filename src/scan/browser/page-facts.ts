import type { CheckedEntry } from './page-proof-check.js';

/**
 * The facts a batch page shows, as the phone reads them from entries it proved (page-proof-check.ts):
 * the lot from the registration that carries the label's trace code, its product, producer and origin
 * from their own registration entries, each key step with who recorded it and where, and a recall. A
 * fact whose entry is missing, or discloses nothing (v1), is absent: the page marks it not checked.
 */
export interface LedgerFacts {
  lot: { batchId: string; lotCode: string; traceCode: string } | null;
  product: string | null;
  producer: string | null;
  /** The region of the lot's origin facility. */
  origin: string | null;
  /** Key steps of the lot's story (its own and the batches' it was made from), by ledger seq. */
  steps: Map<number, LedgerStep>;
  recall: { level: string; reason: string } | null;
  /** Entries proven in the ledger whose members could not be checked (format v1, or an erased payload). */
  undisclosed: number;
}

export interface LedgerStep {
  bizStep: string;
  /** ISO 8601. */
  time: string;
  place: string | null;
  organization: string | null;
}

type Values = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function ledgerFacts(entries: CheckedEntry[], traceCode: string): LedgerFacts {
  const organizations = new Map<string, string>();
  const facilities = new Map<string, string | null>();
  const products = new Map<string, string>();
  const registrations = new Map<string, Values>();
  for (const e of entries) {
    const v = e.values;
    if (!v) continue;
    if (e.type === 'ORGANIZATION_REGISTERED' && text(v.organizationId) && text(v.name)) organizations.set(v.organizationId as string, v.name as string);
    if (e.type === 'FACILITY_REGISTERED' && text(v.facilityId)) facilities.set(v.facilityId as string, text(v.region));
    if (e.type === 'PRODUCT_REGISTERED' && text(v.productId) && text(v.name)) products.set(v.productId as string, v.name as string);
    // A registration is a batch's only when its payload names the batch its envelope is chained in.
    if (e.type === 'BATCH_REGISTERED' && e.batchId !== null && v.batchId === e.batchId) registrations.set(e.batchId, v);
  }
  const lotEntry = entries.find((e) => e.type === 'BATCH_REGISTERED' && e.values?.traceCode === traceCode && registrations.get(e.batchId!) === e.values);
  const facts: LedgerFacts = { lot: null, product: null, producer: null, origin: null, steps: new Map(), recall: null, undisclosed: 0 };
  facts.undisclosed = entries.filter((e) => e.values === null).length;
  if (!lotEntry) return facts;
  const lot = lotEntry.values!;
  facts.lot = { batchId: lotEntry.batchId!, lotCode: text(lot.lotCode) ?? '', traceCode };
  facts.product = products.get(lot.productId as string) ?? null;
  facts.producer = organizations.get(lotEntry.actor) ?? null;
  facts.origin = text(lot.facilityId) && facilities.has(lot.facilityId as string) ? facilities.get(lot.facilityId as string)! : null;

  const lineage = lineageOf(lotEntry.batchId!, registrations);
  const placeOf = (facilityId: unknown) => (typeof facilityId === 'string' ? (facilities.get(facilityId) ?? null) : null);
  for (const e of entries) {
    const v = e.values;
    if (!v || e.batchId === null || !lineage.has(e.batchId)) continue;
    const organization = organizations.get(e.actor) ?? null;
    if (e.type === 'BATCH_REGISTERED' && text(v.producedAt)) {
      facts.steps.set(e.seq, { bizStep: 'COMMISSIONING', time: v.producedAt as string, place: placeOf(v.facilityId), organization });
    } else if (e.type === 'EVENT_RECORDED' && text(v.bizStep) && text(v.eventTime)) {
      facts.steps.set(e.seq, { bizStep: v.bizStep as string, time: v.eventTime as string, place: placeOf(v.facilityId), organization });
    } else if (e.type === 'INSPECTION_RECORDED') {
      facts.steps.set(e.seq, { bizStep: 'INSPECTING', time: e.recordedAt, place: null, organization });
    } else if (e.type === 'RECALLING' && text(v.bizStep)) {
      facts.steps.set(e.seq, { bizStep: v.bizStep as string, time: e.recordedAt, place: null, organization });
      // The recall that reached this lot is the one chained in the lot's own entries (each batch reached has one).
      if (e.batchId === lotEntry.batchId && text(v.level) && text(v.reason)) facts.recall = { level: v.level as string, reason: v.reason as string };
    }
  }
  return facts;
}

/** The lot and every batch its proven registrations say it was made from, through as many transformations as they show. */
function lineageOf(batchId: string, registrations: Map<string, Values>): Set<string> {
  const lineage = new Set([batchId]);
  for (const id of lineage) {
    const inputs = registrations.get(id)?.inputs;
    if (!Array.isArray(inputs)) continue;
    for (const input of inputs) if (input && typeof (input as Values).batchId === 'string') lineage.add((input as Values).batchId as string);
  }
  return lineage;
}
