import { canonicalJson } from '../ledger/canonical-json.js';
import { isPublicMember } from '../ledger/entry-visibility.js';
import { splitPayloadMembers } from '../ledger/hash-rule.js';
import { sha256Hex } from '../ledger/ledger-hash.js';
import type { LedgerEntry } from '../ledger/ledger-entry.js';
import { openMembers } from '../ledger/member-disclosure.js';
import { envelopeBut, PAGE_MEMBERS, PAGE_PROOF_FORMAT, PAGE_PROOF_MAX_BYTES, PAGE_PROOF_MAX_ENTRIES, PageProof, ProvenEntry } from './page-proof.js';
import type { PageProofSources } from './scan.repository.js';

/**
 * The pure part of a batch page's proof (page-proof.ts): which entries it holds, in what priority, and
 * how they and their inclusion proofs are written so that the whole stays under PAGE_PROOF_MAX_BYTES.
 */

/**
 * The entries a page shows, as groups in the order they matter: the lot's registration with its product,
 * producer and origin; its recall; then each key step with the registrations of who recorded it and where,
 * the entry declaring it erroneous (if one does), and the registrations of the batches between the lot and
 * the step's batch. A group is kept whole or left out whole.
 */
export function proofGroups(batchId: string, sources: PageProofSources): number[][] {
  const { lot, recall, steps, edges } = sources;
  // Each ancestor once, reached from the lot by the first edge found: the registrations on its way down.
  const via = new Map<string, { to: string; seq: number }>();
  const queue = [batchId];
  for (let i = 0; i < queue.length; i++) {
    for (const e of edges) {
      if (e.to !== queue[i] || e.from === batchId || via.has(e.from)) continue;
      via.set(e.from, { to: e.to, seq: e.fromSeq });
      queue.push(e.from);
    }
  }
  const lineageOf = (id: string | null): number[] => {
    const seqs: number[] = [];
    for (let at = id; at !== null && at !== batchId && via.has(at); at = via.get(at)!.to) seqs.push(via.get(at)!.seq);
    return seqs;
  };
  const known = (seq: number | null): seq is number => seq !== null;
  const certificate = (c: PageProofSources['certificates'][number]) => [c.seq, c.recorder, c.attestation, c.attester].filter(known);
  return [
    [lot.batch, lot.product, lot.producer, lot.origin],
    [recall].filter(known),
    // The certificates behind the product's GI claim before the steps: the badge at the top of the page rests on them.
    ...sources.certificates.filter((c) => c.backsClaim).map(certificate),
    ...steps.map((step) => [step.seq, step.organization, step.facility, step.declaration, ...lineageOf(step.batchId)].filter(known)),
    ...sources.certificates.filter((c) => !c.backsClaim).map(certificate),
  ];
}

/** The groups' entries in ledger order, as many whole groups as fit in `max` entries. */
export function seqsOf(groups: number[][], max = PAGE_PROOF_MAX_ENTRIES): number[] {
  const seqs = new Set<number>();
  for (const group of groups) {
    const added = group.filter((seq) => !seqs.has(seq));
    if (seqs.size + new Set(added).size > max) break;
    for (const seq of added) seqs.add(seq);
  }
  return [...seqs].sort((a, b) => a - b);
}

/** An entry as the page's proof carries it: v2 opens the members the page shows; v1 (or an erased payload) only gives its payloadHash. */
export function provenEntry(entry: LedgerEntry, lotBatchId: string): Omit<ProvenEntry, 'path'> {
  const envelope = envelopeBut(entry);
  if (entry.v !== 2 || entry.salt === null || entry.payload === null) return { ...envelope, payloadHash: entry.payloadHash };
  const ancestor = entry.type === 'BATCH_REGISTERED' && entry.batchId !== lotBatchId;
  const shown = PAGE_MEMBERS[ancestor ? 'ANCESTOR_REGISTERED' : entry.type] ?? [];
  const canonical = canonicalStoredPayload(entry.payload);
  // A stored text that is no payload at all (edited around the ledger) opens as nothing, which no payloadHash matches: the phone fails it.
  if (canonical === null) return { ...envelope, disclosed: [], hidden: {} };
  const opened = openMembers(sha256Hex, Buffer.from(entry.salt, 'hex'), canonical, (name) => shown.includes(name) && isPublicMember(entry.type, name));
  return { ...envelope, disclosed: opened.disclosed, hidden: opened.hidden };
}

/**
 * The stored payload as canonical v2 text: what the database holds, written canonically again, so that a payload edited
 * around the ledger (jsonb rewrites its spacing) is disclosed as it now reads and fails on the phone, rather than
 * being left out. Null when it is not a JSON object of identifier-named members.
 */
function canonicalStoredPayload(payload: string): string | null {
  try {
    const canonical = canonicalJson(JSON.parse(payload), 'payload');
    return typeof splitPayloadMembers(canonical) === 'string' ? null : canonical;
  } catch {
    return null;
  }
}

export interface ProofHeader {
  /** The lot's batch id (not sent): its own registration is opened in full, those of the batches it was made from without their codes. */
  batchId: string;
  traceCode: string;
  origin: string;
  verifierKey: string;
  signedNote: string;
  witnesses?: PageProof['witnesses'];
  batchEntries: number;
}

/**
 * The proof of `entries` (ledger order; `paths[i]` the inclusion proof of entries[i]), each node written
 * once. When its JSON would reach PAGE_PROOF_MAX_BYTES, the last group that has an entry of its own is
 * left out and the rest written again, until it fits: what is left out is shown as not checked.
 */
export function assemblePageProof(
  header: ProofHeader,
  groups: number[][],
  entries: LedgerEntry[],
  paths: Buffer[][],
  maxBytes = PAGE_PROOF_MAX_BYTES,
): PageProof {
  const { batchId, ...sent } = header;
  const bySeq = new Map(entries.map((e, i) => [e.seq, { entry: provenEntry(e, batchId), path: paths[i] }]));
  for (let kept = groups.length; kept > 0; kept--) {
    const seqs = seqsOf(groups.slice(0, kept)).filter((seq) => bySeq.has(seq));
    const nodes: string[] = [];
    const nodeIndex = new Map<string, number>();
    const proven = seqs.map((seq) => {
      const { entry, path } = bySeq.get(seq)!;
      const indices = path.map((node) => {
        const hex = node.toString('hex');
        let at = nodeIndex.get(hex);
        if (at === undefined) {
          at = nodes.push(hex) - 1;
          nodeIndex.set(hex, at);
        }
        return at;
      });
      return { ...entry, path: indices };
    });
    const proof: PageProof = { format: PAGE_PROOF_FORMAT, ...sent, entries: proven, nodes };
    if (Buffer.byteLength(JSON.stringify(proof)) < maxBytes || kept === 1) return proof;
  }
  throw new Error('no groups to prove');
}
