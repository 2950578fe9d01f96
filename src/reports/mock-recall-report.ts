import type { MockRecallData, MockRecallReport } from './mock-recall-model.js';
import {
  findingsByBatch,
  lineage,
  reportBatch,
  reportEdges,
  reportHolders,
  reportSummary,
  reportTemperatureCharts,
  reportTransformations,
} from './mock-recall-sections.js';

/**
 * The mock recall report (BRCGS asks a site to complete this traceability exercise within 4 hours):
 * for one lot, every batch it came from and every batch made from it, who holds each now and how
 * much is left, the mass balance of each transformation, and each batch's cold chain, inspections,
 * holds and recalls. Pure: data in, report model out; the renderers turn the model into HTML or PDF.
 */
export function mockRecallReport(data: MockRecallData): MockRecallReport {
  const findings = findingsByBatch(data.inspections, data.recalls);
  const batchAt = (id: string, depth: number) => reportBatch(data.batches, findings, id, depth, data.withheldBatchIds.has(id));

  const lot = batchAt(data.rootId, 0);
  const upstream = lineage(data.upstream, data.rootId, batchAt);
  const downstream = lineage(data.downstream, data.rootId, batchAt);
  const all = [lot, ...upstream, ...downstream];
  const traceIds = new Set(all.map((b) => b.id));
  const upstreamIds = new Set(data.upstream.nodes.map((n) => n.batch.id));
  const recallScope = new Set([lot, ...downstream].map((b) => b.id));

  const transformations = reportTransformations(data.batches, data.transformations, data.balances, { traceIds, upstreamIds });
  const edges = reportEdges(data.batches, [...data.upstream.edges, ...data.downstream.edges], { lot, upstream, downstream });
  const holders = reportHolders(data.batches, all, recallScope);
  const summary = reportSummary(data.batches, { lot, upstream, downstream, upstreamEdges: data.upstream.edges, holders }, data.recalls, traceIds);
  const temperatureCharts = reportTemperatureCharts(data.temperatures ?? [], all);
  return {
    temperatureCharts,
    generatedAt: data.generatedAt,
    generatedBy: data.generatedBy,
    elapsedMs: Math.round(data.elapsedMs),
    lot,
    summary,
    upstream,
    downstream,
    edges,
    transformations,
    holders,
  };
}
