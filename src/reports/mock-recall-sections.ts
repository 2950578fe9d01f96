import { coldChainStatus } from '../batches/cold-chain-status.js';
import type {
  Balance,
  BatchFacts,
  BatchRef,
  InspectionFacts,
  MockRecallReport,
  RecallFacts,
  ReportBatch,
  ReportHolder,
  ReportInspection,
  ReportTemperatureChart,
  TemperatureFacts,
  ReportTransformation,
  TraceFacts,
  TransformationFacts,
  UnitQuantity,
} from './mock-recall-model.js';

/** The sections of the mock recall report, each made from the facts alone. Pure. */

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
/** Names in pinyin order and lot codes with their numbers in order (R-2 before R-10), as a Chinese reader looks them up. */
const collator = new Intl.Collator('zh-CN', { numeric: true });

/** Quantities summed per unit, units in alphabetical order. */
export function sumByUnit(lines: UnitQuantity[]): UnitQuantity[] {
  const sums = new Map<string, number>();
  for (const l of lines) sums.set(l.unit, (sums.get(l.unit) ?? 0) + l.quantity);
  return [...sums].sort(([a], [b]) => collator.compare(a, b)).map(([unit, quantity]) => ({ unit, quantity: round(quantity, 6) }));
}

/** Product name, then lot code: the order a reader looks a lot up in. */
export function byLot(a: BatchRef, b: BatchRef): number {
  return collator.compare(a.productName, b.productName) || collator.compare(a.lotCode, b.lotCode);
}

/** Every batch the report names was read with the facts, so a missing one is a bug in the reading. */
export function factOf(batches: Map<string, BatchFacts>, id: string): BatchFacts {
  const found = batches.get(id);
  if (!found) throw new Error(`no facts for batch ${id}`);
  return found;
}

export function refOf(batches: Map<string, BatchFacts>, id: string): BatchRef {
  const b = factOf(batches, id);
  return { id, productName: b.productName, lotCode: b.lotCode };
}

/** The inspections and recalls of each batch, by batch id. */
export interface Findings {
  inspections: Map<string, InspectionFacts[]>;
  recalls: Map<string, RecallFacts[]>;
}

export function findingsByBatch(inspections: InspectionFacts[], recalls: RecallFacts[]): Findings {
  const findings: Findings = { inspections: new Map(), recalls: new Map() };
  for (const i of inspections) findings.inspections.set(i.batchId, [...(findings.inspections.get(i.batchId) ?? []), i]);
  for (const r of recalls) for (const id of r.batchIds) findings.recalls.set(id, [...(findings.recalls.get(id) ?? []), r]);
  return findings;
}

/** An inspection item that did not pass, e.g. "菌落总数 2500000 > 2000000 CFU/g". */
export function describeItem(item: InspectionFacts['items'][number]): string {
  const unit = item.unit ? ` ${item.unit}` : '';
  if (item.value != null && item.limit != null) return `${item.name} ${item.value} > ${item.limit}${unit}`;
  if (item.value != null) return `${item.name} ${item.value}${unit}`;
  return item.name;
}

function reportInspection(i: InspectionFacts): ReportInspection {
  return {
    verdict: i.verdict,
    standard: i.standard,
    by: i.agency ?? i.inspector,
    recordedAt: i.recordedAt,
    failedItems: i.items.filter((item) => !item.passed).map(describeItem),
  };
}

export function reportBatch(batches: Map<string, BatchFacts>, findings: Findings, id: string, depth: number, withheld: boolean): ReportBatch {
  const b = factOf(batches, id);
  return {
    ...refOf(batches, id),
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
    inspections: withheld ? [] : (findings.inspections.get(id) ?? []).map(reportInspection),
    withheld,
    recalls: (findings.recalls.get(id) ?? []).map((r) => ({ id: r.id, level: r.level, reason: r.reason })),
  };
}

/** The batches one direction of the trace reaches, nearest first, the lot itself left out. */
export function lineage(trace: TraceFacts, rootId: string, batchAt: (id: string, depth: number) => ReportBatch): ReportBatch[] {
  return trace.nodes
    .filter((n) => n.batch.id !== rootId)
    .map((n) => batchAt(n.batch.id, n.depth))
    .sort((a, b) => a.depth - b.depth || byLot(a, b));
}

/** Origins: batches reached upstream that were made from nothing (registered at a farm, a fishery, …). */
export function countOrigins(upstream: ReportBatch[], upstreamEdges: TraceFacts['edges']): number {
  const madeFrom = new Set(upstreamEdges.map((e) => e.toBatchId));
  return upstream.filter((b) => !madeFrom.has(b.id)).length;
}

/** Per unit, what the inputs gave and the outputs made (0 where one side has none of that unit). */
export function massTotals(inputs: UnitQuantity[], outputs: UnitQuantity[]): ReportTransformation['totals'] {
  const taken = sumByUnit(inputs);
  const made = sumByUnit(outputs);
  const units = [...new Set([...taken, ...made].map((q) => q.unit))].sort(collator.compare);
  return units.map((unit) => ({
    unit,
    input: taken.find((q) => q.unit === unit)?.quantity ?? 0,
    output: made.find((q) => q.unit === unit)?.quantity ?? 0,
  }));
}

/** Outputs over inputs in percent, when every line uses one unit (else unknown). */
export function yieldPercent(totals: ReportTransformation['totals']): number | null {
  return totals.length === 1 && totals[0].input > 0 ? round((totals[0].output / totals[0].input) * 100, 1) : null;
}

/** Where the trace stands: ids of every batch in it, and of those upstream (the lot too, when the upstream trace lists it). */
export interface TraceScope {
  traceIds: Set<string>;
  upstreamIds: Set<string>;
}

/** Each transformation that has a balance, whole: co-products and other ingredients outside the trace included. */
export function reportTransformations(
  batches: Map<string, BatchFacts>,
  transformations: TransformationFacts[],
  balances: Balance[],
  scope: TraceScope,
): ReportTransformation[] {
  const balanceOf = new Map(balances.map((b) => [b.transformationId, b]));
  const line = (l: Balance['inputs'][number]) => ({ ...refOf(batches, l.batchId), unit: l.unit, quantity: l.quantity, inTrace: scope.traceIds.has(l.batchId) });
  return transformations
    .filter((t) => balanceOf.has(t.id))
    .map((t) => {
      const balance = balanceOf.get(t.id)!;
      const inputs = balance.inputs.map(line);
      const outputs = balance.outputs.map(line);
      const totals = massTotals(inputs, outputs);
      return {
        id: t.id,
        direction: outputs.some((o) => scope.upstreamIds.has(o.id)) ? 'UPSTREAM' : 'DOWNSTREAM',
        eventTime: t.eventTime,
        organization: t.organization,
        place: t.place,
        inputs,
        outputs,
        totals,
        yieldPercent: yieldPercent(totals),
      };
    });
}

/** The trace's edges once each, from origin to shelf: a batch's place is minus its depth upstream, plus its depth downstream. */
export function reportEdges(
  batches: Map<string, BatchFacts>,
  edges: TraceFacts['edges'],
  trace: { lot: ReportBatch; upstream: ReportBatch[]; downstream: ReportBatch[] },
): MockRecallReport['edges'] {
  const place = new Map([
    ...trace.upstream.map((b) => [b.id, -b.depth] as const),
    [trace.lot.id, 0] as const,
    ...trace.downstream.map((b) => [b.id, b.depth] as const),
  ]);
  const edgeKey = (e: { fromBatchId: string; toBatchId: string }) => `${e.fromBatchId}>${e.toBatchId}`;
  return [...new Map(edges.map((e) => [edgeKey(e), e])).values()]
    .map((e) => ({
      from: refOf(batches, e.fromBatchId),
      to: refOf(batches, e.toBatchId),
      quantity: e.quantity,
      unit: factOf(batches, e.fromBatchId).unit, // an edge's quantity is in its input's unit
    }))
    .sort((a, b) => place.get(a.from.id)! - place.get(b.from.id)! || byLot(a.from, b.from) || byLot(a.to, b.to));
}

/** Holders of what is physically left (a batch used up, sold out or destroyed is held by nobody), the recall's scope first. */
export function reportHolders(batches: Map<string, BatchFacts>, all: ReportBatch[], inScope: Set<string>): ReportHolder[] {
  const holders = new Map<string, ReportHolder>();
  for (const b of all) {
    if (b.quantity <= 0) continue;
    const f = factOf(batches, b.id);
    const holder = holders.get(f.holderId) ?? { name: f.holder, lots: [], left: [], inScope: false };
    holder.lots.push({ ...refOf(batches, b.id), unit: b.unit, quantity: b.quantity });
    holder.inScope ||= inScope.has(b.id);
    holders.set(f.holderId, holder);
  }
  return [...holders.values()]
    .map((h) => ({ ...h, lots: h.lots.sort(byLot), left: sumByUnit(h.lots) }))
    .sort((a, b) => Number(b.inScope) - Number(a.inScope) || collator.compare(a.name, b.name));
}

export function reportSummary(
  batches: Map<string, BatchFacts>,
  report: { lot: ReportBatch; upstream: ReportBatch[]; downstream: ReportBatch[]; upstreamEdges: TraceFacts['edges']; holders: ReportHolder[] },
  recalls: RecallFacts[],
  traceIds: Set<string>,
): MockRecallReport['summary'] {
  const { lot, upstream, downstream } = report;
  const all = [lot, ...upstream, ...downstream];
  const refs = (found: ReportBatch[]) => found.map((b) => refOf(batches, b.id)).sort(byLot);
  return {
    upstreamBatches: upstream.length,
    originBatches: countOrigins(upstream, report.upstreamEdges),
    downstreamBatches: downstream.length,
    holders: report.holders.length,
    leftInScope: sumByUnit([lot, ...downstream]),
    openRecalls: recalls.map((r) => ({
      ...r,
      lots: r.batchIds
        .filter((id) => traceIds.has(id))
        .map((id) => refOf(batches, id))
        .sort(byLot),
    })),
    excursions: refs(all.filter((b) => b.coldChain.status === 'EXCURSION')),
    failedInspections: refs(all.filter((b) => b.inspections.some((i) => i.verdict === 'FAIL'))),
    withheld: refs(all.filter((b) => b.withheld)),
    held: refs(all.filter((b) => b.held)),
    recalled: refs(all.filter((b) => b.recalled)),
  };
}

/** Most charts one report draws: a regulator reads the lot's and the excursions'; the rest are in the table. */
export const MAX_TEMPERATURE_CHARTS = 6;

/** The batches' temperature charts, the lot first, then those with excursions, then the rest by lot; batches without readings have none. */
export function reportTemperatureCharts(temperatures: TemperatureFacts[], batches: ReportBatch[]): ReportTemperatureChart[] {
  const byId = new Map(batches.map((b) => [b.id, b]));
  return temperatures
    .filter((t) => t.readings.length > 0 && byId.has(t.batchId))
    .map((t) => ({ t, b: byId.get(t.batchId)! }))
    .sort((x, y) => Number(x.b.depth !== 0) - Number(y.b.depth !== 0) || y.b.coldChain.excursions.length - x.b.coldChain.excursions.length || byLot(x.b, y.b))
    .slice(0, MAX_TEMPERATURE_CHARTS)
    .map(({ t, b }) => ({
      id: b.id,
      productName: b.productName,
      lotCode: b.lotCode,
      readings: t.readings,
      minTempC: t.minTempC,
      maxTempC: t.maxTempC,
      excursions: b.coldChain.excursions,
    }));
}
