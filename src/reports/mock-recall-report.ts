import type { BatchStatus } from '../batches/batch-status.js';
import { coldChainStatus, type ColdChainStatus } from '../batches/cold-chain-status.js';
import type { Excursion } from '../cold-chain/excursions.js';
import type { StorageCondition } from '../products/product-kinds.js';
import type { RecallLevel } from '../recalls/recall-deadlines.js';

/**
 * The mock recall report (BRCGS asks a site to complete this traceability exercise within 4 hours):
 * for one lot, every batch it came from and every batch made from it, who holds each now and how
 * much is left, the mass balance of each transformation, and each batch's cold chain, inspections,
 * holds and recalls. Pure: data in, report model out; the renderers turn the model into HTML or PDF.
 */

/** A batch as the report names it, read for every batch of the trace (and the co-products of its transformations). */
export interface BatchFacts {
  id: string;
  productName: string;
  gtin: string | null;
  storage: StorageCondition;
  lotCode: string;
  traceCode: string;
  producer: string;
  holderId: string;
  holder: string;
  inTransitTo: string | null;
  inTransitQuantity: number | null;
  /** The producing facility, with its region. */
  origin: string | null;
  /** What is left now, in the batch's unit. */
  quantity: number;
  unit: string;
  status: BatchStatus;
  held: boolean;
  recalled: boolean;
  readingCount: number;
  meanKineticTempC: number | null;
  excursions: Excursion[];
}

export interface TransformationFacts {
  id: string;
  eventTime: Date;
  organization: string;
  place: string | null;
  /** Every batch the transformation took from or made. */
  batchIds: string[];
}

/** What a transformation took and made, by batch (trace.service's MassBalance). */
export interface Balance {
  transformationId: string;
  inputs: { batchId: string; quantity: number; unit: string }[];
  outputs: { batchId: string; quantity: number; unit: string }[];
}

export interface InspectionFacts {
  batchId: string;
  verdict: 'PASS' | 'FAIL';
  agency: string | null;
  standard: string | null;
  inspector: string;
  recordedAt: Date;
  items: { name: string; value?: number | null; limit?: number | null; unit?: string | null; passed: boolean }[];
}

export interface RecallFacts {
  id: string;
  level: RecallLevel;
  reason: string;
  initiatedAt: Date;
  initiatedBy: string;
  /** The batches of this report the recall reaches. */
  batchIds: string[];
}

export interface TraceFacts {
  nodes: { batch: { id: string }; depth: number }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
}

export interface MockRecallData {
  rootId: string;
  upstream: TraceFacts;
  downstream: TraceFacts;
  batches: Map<string, BatchFacts>;
  transformations: TransformationFacts[];
  balances: Balance[];
  inspections: InspectionFacts[];
  recalls: RecallFacts[];
  generatedAt: Date;
  generatedBy: string;
  elapsedMs: number;
}

export interface BatchRef {
  id: string;
  productName: string;
  lotCode: string;
}

export interface UnitQuantity {
  unit: string;
  quantity: number;
}

export interface ReportInspection {
  verdict: 'PASS' | 'FAIL';
  standard: string | null;
  /** The agency named on the result, else the organization that recorded it. */
  by: string;
  recordedAt: Date;
  /** The items that did not pass, e.g. "菌落总数 2500000 > 2000000 CFU/g". */
  failedItems: string[];
}

export interface ReportBatch extends BatchRef {
  gtin: string | null;
  traceCode: string;
  producer: string;
  holder: string;
  inTransitTo: string | null;
  inTransitQuantity: number | null;
  origin: string | null;
  quantity: number;
  unit: string;
  status: BatchStatus;
  held: boolean;
  recalled: boolean;
  /** Lineage steps from the lot (0 for the lot itself). */
  depth: number;
  coldChain: { status: ColdChainStatus; readingCount: number; meanKineticTempC: number | null; excursions: Excursion[] };
  inspections: ReportInspection[];
  recalls: { id: string; level: RecallLevel; reason: string }[];
}

export interface ReportTransformation {
  id: string;
  /** UPSTREAM: it made the lot or one of its ancestors; DOWNSTREAM: it was made from the lot. */
  direction: 'UPSTREAM' | 'DOWNSTREAM';
  eventTime: Date;
  organization: string;
  place: string | null;
  /** Lines on batches outside the trace (another ingredient, a co-product) have inTrace false. */
  inputs: (BatchRef & UnitQuantity & { inTrace: boolean })[];
  outputs: (BatchRef & UnitQuantity & { inTrace: boolean })[];
  /** Per unit: taken from the inputs, made as outputs. */
  totals: { unit: string; input: number; output: number }[];
  /** Outputs over inputs, in percent, when every line uses one unit (else unknown). */
  yieldPercent: number | null;
}

export interface ReportHolder {
  name: string;
  /** Its batches in this report with something left. */
  lots: (BatchRef & UnitQuantity)[];
  left: UnitQuantity[];
  /** It holds the lot or a batch made from it: the recall would reach it. */
  inScope: boolean;
}

export interface MockRecallReport {
  generatedAt: Date;
  generatedBy: string;
  elapsedMs: number;
  lot: ReportBatch;
  summary: {
    upstreamBatches: number;
    originBatches: number;
    downstreamBatches: number;
    holders: number;
    /** Left in the lot and every batch made from it, per unit: what a recall would have to recover. */
    leftInScope: UnitQuantity[];
    openRecalls: (RecallFacts & { lots: BatchRef[] })[];
    excursions: BatchRef[];
    failedInspections: BatchRef[];
    held: BatchRef[];
    recalled: BatchRef[];
  };
  /** Batches the lot came from, nearest first (the lot itself not included). */
  upstream: ReportBatch[];
  /** Batches made from the lot, nearest first (the lot itself not included). */
  downstream: ReportBatch[];
  edges: { from: BatchRef; to: BatchRef; quantity: number | null; unit: string }[];
  transformations: ReportTransformation[];
  holders: ReportHolder[];
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
/** Names in pinyin order and lot codes with their numbers in order (R-2 before R-10), as a Chinese reader looks them up. */
const collator = new Intl.Collator('zh-CN', { numeric: true });

/** Quantities summed per unit, units in alphabetical order. */
export function sumByUnit(lines: UnitQuantity[]): UnitQuantity[] {
  const sums = new Map<string, number>();
  for (const l of lines) sums.set(l.unit, (sums.get(l.unit) ?? 0) + l.quantity);
  return [...sums].sort(([a], [b]) => collator.compare(a, b)).map(([unit, quantity]) => ({ unit, quantity: round(quantity, 6) }));
}

function describeItem(item: InspectionFacts['items'][number]): string {
  const unit = item.unit ? ` ${item.unit}` : '';
  if (item.value != null && item.limit != null) return `${item.name} ${item.value} > ${item.limit}${unit}`;
  if (item.value != null) return `${item.name} ${item.value}${unit}`;
  return item.name;
}

export function mockRecallReport(data: MockRecallData): MockRecallReport {
  const fact = (id: string): BatchFacts => {
    const found = data.batches.get(id);
    if (!found) throw new Error(`no facts for batch ${id}`);
    return found;
  };
  const ref = (id: string): BatchRef => {
    const b = fact(id);
    return { id, productName: b.productName, lotCode: b.lotCode };
  };
  const byLot = (a: BatchRef, b: BatchRef) => collator.compare(a.productName, b.productName) || collator.compare(a.lotCode, b.lotCode);

  const inspectionsOf = new Map<string, InspectionFacts[]>();
  for (const i of data.inspections) inspectionsOf.set(i.batchId, [...(inspectionsOf.get(i.batchId) ?? []), i]);
  const recallsOf = new Map<string, RecallFacts[]>();
  for (const r of data.recalls) for (const id of r.batchIds) recallsOf.set(id, [...(recallsOf.get(id) ?? []), r]);

  const reportBatch = (id: string, depth: number): ReportBatch => {
    const b = fact(id);
    return {
      ...ref(id),
      gtin: b.gtin,
      traceCode: b.traceCode,
      producer: b.producer,
      holder: b.holder,
      inTransitTo: b.inTransitTo,
      inTransitQuantity: b.inTransitQuantity,
      origin: b.origin,
      quantity: b.quantity,
      unit: b.unit,
      status: b.status,
      held: b.held,
      recalled: b.recalled,
      depth,
      coldChain: {
        status: coldChainStatus(b.storage, { count: b.readingCount, excursions: b.excursions.length }),
        readingCount: b.readingCount,
        meanKineticTempC: b.meanKineticTempC,
        excursions: b.excursions,
      },
      inspections: (inspectionsOf.get(id) ?? []).map((i) => ({
        verdict: i.verdict,
        standard: i.standard,
        by: i.agency ?? i.inspector,
        recordedAt: i.recordedAt,
        failedItems: i.items.filter((item) => !item.passed).map(describeItem),
      })),
      recalls: (recallsOf.get(id) ?? []).map((r) => ({ id: r.id, level: r.level, reason: r.reason })),
    };
  };
  const walk = (trace: TraceFacts) =>
    trace.nodes
      .filter((n) => n.batch.id !== data.rootId)
      .map((n) => reportBatch(n.batch.id, n.depth))
      .sort((a, b) => a.depth - b.depth || byLot(a, b));

  const lot = reportBatch(data.rootId, 0);
  const upstream = walk(data.upstream);
  const downstream = walk(data.downstream);
  const all = [lot, ...upstream, ...downstream];
  const inScope = new Set([lot, ...downstream].map((b) => b.id));

  // Origins: batches reached upstream that were made from nothing (registered at a farm, a fishery, …).
  const madeFrom = new Set(data.upstream.edges.map((e) => e.toBatchId));
  const originBatches = upstream.filter((b) => !madeFrom.has(b.id)).length;

  const upstreamIds = new Set(data.upstream.nodes.map((n) => n.batch.id));
  const traceIds = new Set(all.map((b) => b.id));
  const balances = new Map(data.balances.map((b) => [b.transformationId, b]));
  const transformations: ReportTransformation[] = data.transformations
    .filter((t) => balances.has(t.id))
    .map((t) => {
      const balance = balances.get(t.id)!;
      const line = (l: Balance['inputs'][number]) => ({ ...ref(l.batchId), unit: l.unit, quantity: l.quantity, inTrace: traceIds.has(l.batchId) });
      const inputs = balance.inputs.map(line);
      const outputs = balance.outputs.map(line);
      const taken = sumByUnit(inputs);
      const made = sumByUnit(outputs);
      const units = [...new Set([...taken, ...made].map((q) => q.unit))].sort(collator.compare);
      const totals = units.map((unit) => ({
        unit,
        input: taken.find((q) => q.unit === unit)?.quantity ?? 0,
        output: made.find((q) => q.unit === unit)?.quantity ?? 0,
      }));
      return {
        id: t.id,
        direction: outputs.some((o) => upstreamIds.has(o.id)) ? 'UPSTREAM' : 'DOWNSTREAM',
        eventTime: t.eventTime,
        organization: t.organization,
        place: t.place,
        inputs,
        outputs,
        totals,
        yieldPercent: units.length === 1 && totals[0].input > 0 ? round((totals[0].output / totals[0].input) * 100, 1) : null,
      };
    });

  // Edges from origin to shelf: a batch's place is minus its depth upstream, plus its depth downstream.
  const place = new Map([...upstream.map((b) => [b.id, -b.depth] as const), [lot.id, 0] as const, ...downstream.map((b) => [b.id, b.depth] as const)]);
  const edgeKey = (e: { fromBatchId: string; toBatchId: string }) => `${e.fromBatchId}>${e.toBatchId}`;
  const edges = [...new Map([...data.upstream.edges, ...data.downstream.edges].map((e) => [edgeKey(e), e])).values()]
    .map((e) => ({
      from: ref(e.fromBatchId),
      to: ref(e.toBatchId),
      quantity: e.quantity,
      unit: fact(e.fromBatchId).unit, // an edge's quantity is in its input's unit
    }))
    .sort((a, b) => place.get(a.from.id)! - place.get(b.from.id)! || byLot(a.from, b.from) || byLot(a.to, b.to));

  // Holders of what is physically left: a batch used up, sold out or destroyed is held by nobody.
  const holders = new Map<string, ReportHolder>();
  for (const b of all) {
    if (b.quantity <= 0) continue;
    const f = fact(b.id);
    const holder = holders.get(f.holderId) ?? { name: f.holder, lots: [], left: [], inScope: false };
    holder.lots.push({ ...ref(b.id), unit: b.unit, quantity: b.quantity });
    holder.inScope ||= inScope.has(b.id);
    holders.set(f.holderId, holder);
  }
  const holderList = [...holders.values()]
    .map((h) => ({ ...h, lots: h.lots.sort(byLot), left: sumByUnit(h.lots) }))
    .sort((a, b) => Number(b.inScope) - Number(a.inScope) || collator.compare(a.name, b.name));

  const refs = (batches: ReportBatch[]) => batches.map((b) => ref(b.id)).sort(byLot);
  return {
    generatedAt: data.generatedAt,
    generatedBy: data.generatedBy,
    elapsedMs: Math.round(data.elapsedMs),
    lot,
    summary: {
      upstreamBatches: upstream.length,
      originBatches,
      downstreamBatches: downstream.length,
      holders: holderList.length,
      leftInScope: sumByUnit([lot, ...downstream]),
      openRecalls: data.recalls.map((r) => ({
        ...r,
        lots: r.batchIds
          .filter((id) => traceIds.has(id))
          .map(ref)
          .sort(byLot),
      })),
      excursions: refs(all.filter((b) => b.coldChain.status === 'EXCURSION')),
      failedInspections: refs(all.filter((b) => b.inspections.some((i) => i.verdict === 'FAIL'))),
      held: refs(all.filter((b) => b.held)),
      recalled: refs(all.filter((b) => b.recalled)),
    },
    upstream,
    downstream,
    edges,
    transformations,
    holders: holderList,
  };
}
