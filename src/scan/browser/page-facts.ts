import { type CertificateKind, certificateStanding, type GiStanding, giStanding } from '../../certificates/certificate-rules.js';
import type { OrganizationKind } from '../../organizations/organization-kind.js';
import type { CertificateShown } from '../claim-words.js';
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
  /** The lot's and its product's certificates, by the seq of the entry that attached each, with who vouches for it. */
  certificates: Map<number, ProvenCertificate>;
  /** The product's geographic-indication claim and how far the proven certificates back it (at `now`); null without a claim. */
  gi: { claim: string; standing: GiStanding } | null;
  /** Entries proven in the ledger whose members could not be checked (format v1, or an erased payload). */
  undisclosed: number;
}

export type ProvenCertificate = CertificateShown & { validFrom: Date };

export interface LedgerStep {
  bizStep: string;
  /** ISO 8601. */
  time: string;
  place: string | null;
  organization: string | null;
  /** Set when a proven declaration by the step's own recorder, on the step's own chain, names its entry erroneous: the reason ('' without one). */
  declaredErroneous?: string;
}

type Values = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** What a phone knows before, or without, a check that passed: nothing. */
export function noFacts(): LedgerFacts {
  return { lot: null, product: null, producer: null, origin: null, steps: new Map(), recall: null, certificates: new Map(), gi: null, undisclosed: 0 };
}

export function ledgerFacts(entries: CheckedEntry[], traceCode: string, now = new Date()): LedgerFacts {
  const organizations = new Map<string, string>();
  const organizationKinds = new Map<string, OrganizationKind>();
  const facilities = new Map<string, string | null>();
  const products = new Map<string, Values>();
  const registrations = new Map<string, Values>();
  for (const e of entries) {
    const v = e.values;
    if (!v) continue;
    if (e.type === 'ORGANIZATION_REGISTERED' && text(v.organizationId) && text(v.name)) {
      organizations.set(v.organizationId as string, v.name as string);
      if (text(v.kind)) organizationKinds.set(v.organizationId as string, v.kind as OrganizationKind);
    }
    if (e.type === 'FACILITY_REGISTERED' && text(v.facilityId)) facilities.set(v.facilityId as string, text(v.region));
    if (e.type === 'PRODUCT_REGISTERED' && text(v.productId) && text(v.name)) products.set(v.productId as string, v);
    // A registration is a batch's only when its payload names the batch its envelope is chained in.
    if (e.type === 'BATCH_REGISTERED' && e.batchId !== null && v.batchId === e.batchId) registrations.set(e.batchId, v);
  }
  const lotEntry = entries.find((e) => e.type === 'BATCH_REGISTERED' && e.values?.traceCode === traceCode && registrations.get(e.batchId!) === e.values);
  const facts = noFacts();
  facts.undisclosed = entries.filter((e) => e.values === null).length;
  if (!lotEntry) return facts;
  const lot = lotEntry.values!;
  facts.lot = { batchId: lotEntry.batchId!, lotCode: text(lot.lotCode) ?? '', traceCode };
  const product = products.get(lot.productId as string);
  facts.product = product ? (product.name as string) : null;
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
  markDeclaredErroneous(entries, facts.steps);
  facts.certificates = certificatesOf(entries, lotEntry.batchId!, lot.productId, organizations, organizationKinds);
  const claim = product ? text(product.geographicIndication) : null;
  if (claim) {
    facts.gi = { claim, standing: giStanding(claim, [...facts.certificates.values()], now)! };
  }
  return facts;
}

/**
 * The certificates attached to the lot or its product, each vouched for by an attestation of the same
 * document from an organization whose own registration says it may attest that kind (certificate-rules.ts).
 */
function certificatesOf(
  entries: CheckedEntry[],
  batchId: string,
  productId: unknown,
  organizations: Map<string, string>,
  kinds: Map<string, OrganizationKind>,
): Map<number, ProvenCertificate> {
  const out = new Map<number, ProvenCertificate>();
  for (const e of entries) {
    const v = e.values;
    if (e.type !== 'CERTIFICATE_ATTACHED' || !v || !text(v.certificateId) || !text(v.kind) || !text(v.number) || !text(v.issuer)) continue;
    if (e.batchId !== batchId && !(e.batchId === null && v.productId === productId)) continue;
    const validFrom = new Date(text(v.validFrom) ?? NaN);
    const validUntil = new Date(text(v.validUntil) ?? NaN);
    const recordedBy = organizations.get(e.actor);
    if (Number.isNaN(validFrom.getTime()) || Number.isNaN(validUntil.getTime()) || recordedBy === undefined) continue;
    const kind = v.kind as CertificateKind;
    const attestation = entries.find(
      (a) =>
        a.type === 'CERTIFICATE_ATTESTED' &&
        a.values?.certificateId === v.certificateId &&
        a.values?.documentSha256 === v.documentSha256 &&
        certificateStanding({ kind, attesterKind: kinds.get(a.actor) ?? null }) === 'ATTESTED',
    );
    out.set(e.seq, {
      kind,
      number: v.number as string,
      issuer: v.issuer as string,
      protectedName: text(v.protectedName),
      validFrom,
      validUntil,
      recordedBy,
      attestedBy: attestation ? (organizations.get(attestation.actor) ?? null) : null,
      standing: attestation && organizations.has(attestation.actor) ? 'ATTESTED' : 'DECLARED',
    });
  }
  return out;
}

/**
 * EPCIS error declarations of the steps: an EVENT_DECLARED_ERRONEOUS entry marks a step when it is chained
 * in the step's batch and recorded by the step's own recorder (only the organization that captured an event
 * may declare it erroneous), and its erroneousSeqs name the step's entry.
 */
function markDeclaredErroneous(entries: CheckedEntry[], steps: Map<number, LedgerStep>): void {
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  for (const d of entries) {
    const v = d.values;
    if (d.type !== 'EVENT_DECLARED_ERRONEOUS' || !v || d.batchId === null || !Array.isArray(v.erroneousSeqs)) continue;
    for (const seq of v.erroneousSeqs) {
      const step = typeof seq === 'number' ? steps.get(seq) : undefined;
      const marked = bySeq.get(seq as number);
      if (!step || !marked || marked.batchId !== d.batchId || marked.actor !== d.actor) continue;
      step.declaredErroneous = text(v.reason) ?? '';
    }
  }
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
